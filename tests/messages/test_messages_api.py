"""Messages in: correlation by case number or business key, 404 with nothing lost, one effect per message id."""

from __future__ import annotations

from typing import Any

from ..external.helpers import bearer, service_token
from ..factories import OTHER_TOWNSHIP, TO_PUBLICITY, Api, approve, elements


def send(api: Api, token: str, **body: Any):  # type: ignore[no-untyped-def]
    return api.client.post("/api/v1/messages", headers=bearer(token), json={"variables": {}, **body})


def test_a_message_reaches_the_case_waiting_for_it_once_per_message_id(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    token = service_token(api, ["objection"])
    body = {"name": "objection", "message_id": "hotline-1", "case_number": case["number"],
            "variables": {"objection_text": "申请人家中有经营性收入"}}
    first = send(api, token, **body)
    assert first.status_code == 200 and first.json() == {"case_id": case["id"], "duplicate": False}
    assert "handle_objection" in elements(api.case(case["id"]))
    again = send(api, token, **body)
    assert again.status_code == 200 and again.json() == {"case_id": case["id"], "duplicate": True}
    history = api.history(case["id"])
    assert [e["data"]["message_id"] for e in history if e["type"] == "message.received"] == ["hotline-1"]
    assert len([t for t in api.case(case["id"])["tasks"] if t["element_id"] == "handle_objection"]) == 1


def test_nothing_to_correlate_is_404_and_the_same_message_succeeds_later(api: Api) -> None:
    case = api.create()
    token = service_token(api, ["objection"])
    body = {"name": "objection", "message_id": "hotline-2", "case_number": case["number"], "variables": {"objection_text": "x"}}
    early = send(api, token, **body)
    assert early.status_code == 404 and "nothing was recorded" in early.text
    assert send(api, token, **{**body, "case_number": "DB-2026-999999"}).status_code == 404
    api.walk(case["id"], TO_PUBLICITY)
    assert send(api, token, **body).json() == {"case_id": case["id"], "duplicate": False}


def test_the_citys_warning_opens_the_recheck_of_the_person_once(api: Api) -> None:
    approved = approve(api)
    person = api.client.get(f"/api/v1/cases/{approved['id']}", headers=api.headers("township")).json()["applicant"]["id_number"]
    token = service_token(api, ["data_warning"])
    warning = {"name": "data_warning", "message_id": "jl-0001", "business_key": person,
               "variables": {"reason": "名下新增机动车", "source": "吉林市数据比对平台"}}
    first = send(api, token, **warning)
    assert first.status_code == 200, first.text
    recheck = api.case(first.json()["case_id"])
    assert recheck["purpose"] == "recheck" and recheck["subject_case_id"] == approved["id"]
    assert send(api, token, **warning).json() == {"case_id": recheck["id"], "duplicate": True}
    other = send(api, token, **{**warning, "message_id": "jl-0002"})
    assert other.json() == {"case_id": recheck["id"], "duplicate": False}  # the open recheck takes it
    rechecks = api.client.get("/api/v1/cases?purpose=recheck", headers=api.headers("admin")).json()["items"]
    assert [c["id"] for c in rechecks] == [recheck["id"]]
    requested = [e for e in api.history(approved["id"]) if e["type"] == "beneficiary.recheck_requested"]
    assert len(requested) == 1 and requested[0]["data"]["trigger"] == "data_warning"
    assert requested[0]["data"]["why"] == "名下新增机动车" and "jl-0001" in requested[0]["data"]["source"]


def test_messages_are_scoped_to_the_senders_topics_and_region(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    body = {"name": "objection", "message_id": "m-1", "case_number": case["number"], "variables": {"objection_text": "x"}}
    assert send(api, service_token(api, ["objection"], OTHER_TOWNSHIP), **body).status_code == 404
    assert send(api, service_token(api, ["data_warning"]), **body).status_code == 403
    token = service_token(api, ["objection"])
    both = send(api, token, **{**body, "business_key": "11010519491231002X"})
    assert both.status_code == 422
    assert send(api, token, **{**body, "variables": {"__class__": 1}}).status_code == 422
    assert api.client.post("/api/v1/messages", headers=api.headers("township"), json=body).status_code == 403
