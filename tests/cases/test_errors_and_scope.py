"""401 / 403 / 404 / 409 / 422 exactly as API.md, and region scoping."""

from __future__ import annotations

import pytest

from ..factories import ACCEPT, OTHER_TOWNSHIP, VISIT, Api, case_payload, resident_id


def test_missing_or_bad_token_is_401(api: Api) -> None:
    assert api.client.get("/api/v1/cases").status_code == 401
    assert api.client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert api.client.get("/api/v1/tasks", headers={"Authorization": "Basic abc"}).status_code == 401
    assert api.client.get("/healthz").json() == {"status": "ok"}


@pytest.mark.parametrize(("mutate", "loc"), [
    (lambda p: p.update(kind="welfare"), ["body", "kind"]),
    (lambda p: p.update(region="2202831"), ["body", "region"]),
    (lambda p: p["applicant"].update(id_number="220283196503120110"), ["body", "applicant", "id_number"]),
    (lambda p: p["applicant"].update(id_number="22028319651332011X"), ["body", "applicant", "id_number"]),
    (lambda p: p["household"][0].update(id_number="12345"), ["body", "household", 0, "id_number"]),
    (lambda p: p["application"].pop("reason"), ["body", "application", "reason"]),
    (lambda p: p["application"].update(monthly_income=-1), ["body", "application", "monthly_income"]),
    (lambda p: p.update(hukou="abroad"), ["body", "hukou"]),
    (lambda p: p.update(extra_field=1), ["body", "extra_field"]),
    (lambda p: p["applicant"].update(name=""), ["body", "applicant", "name"]),
])
def test_bad_case_input_is_422_with_the_field(api: Api, mutate, loc) -> None:  # type: ignore[no-untyped-def]
    payload = case_payload()
    mutate(payload)
    response = api.client.post("/api/v1/cases", json=payload, headers=api.headers())
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert any(d["loc"] == loc for d in detail), detail
    assert all("input" not in d for d in detail)  # no echo of submitted personal data
    assert api.client.get("/api/v1/cases", headers=api.headers("admin")).json()["total"] == 0  # nothing half-written


def test_malformed_json_and_wrong_types_are_422(api: Api) -> None:
    headers = {**api.headers(), "content-type": "application/json"}
    assert api.client.post("/api/v1/cases", content=b"{not json", headers=headers).status_code == 422
    assert api.client.post("/api/v1/cases", json=[1, 2], headers=api.headers()).status_code == 422
    assert api.client.get("/api/v1/cases?page=0", headers=api.headers()).status_code == 422
    assert api.client.get("/api/v1/cases/abc", headers=api.headers()).status_code == 422


def test_future_birth_date_is_refused(api: Api) -> None:
    response = api.client.post("/api/v1/cases", json=case_payload(applicant_id=resident_id("20301201")), headers=api.headers())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "applicant", "id_number"]


def test_roles_that_may_not_create_cases_get_403(api: Api) -> None:
    for role in ("county", "designer"):
        assert api.client.post("/api/v1/cases", json=case_payload(), headers=api.headers(role)).status_code == 403
    assert api.client.post("/api/v1/cases", json=case_payload(), headers=api.headers("village")).status_code == 201


def test_creating_outside_your_region_is_403(api: Api) -> None:
    response = api.client.post("/api/v1/cases", json=case_payload(region="220283102001"), headers=api.headers())
    assert response.status_code == 403


def test_cases_outside_scope_are_404(api: Api) -> None:
    case = api.create()
    other = api.headers("township", OTHER_TOWNSHIP)
    assert api.client.get(f"/api/v1/cases/{case['id']}", headers=other).status_code == 404
    assert api.client.get(f"/api/v1/cases/{case['id']}/history", headers=other).status_code == 404
    assert api.client.post(f"/api/v1/cases/{case['id']}/withdraw", json={"reason": "x"}, headers=other).status_code == 404
    assert api.client.get("/api/v1/cases/999999", headers=api.headers()).status_code == 404
    task_id = api.task_id(case["id"], "accept")
    assert api.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ACCEPT}, headers=other).status_code == 404
    assert api.client.get("/api/v1/cases", headers=other).json()["total"] == 0
    assert api.client.get("/api/v1/cases", headers=api.headers("county")).json()["total"] == 1


def test_task_errors(api: Api) -> None:
    case = api.create()
    task_id = api.task_id(case["id"], "accept")
    url = f"/api/v1/tasks/{task_id}/complete"
    assert api.client.post(url, json={"data": ACCEPT}, headers=api.headers("village")).status_code == 403
    bad = api.client.post(url, json={"data": {"materials_complete": "yes"}}, headers=api.headers())
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "data", "materials_complete"]
    extra = api.client.post(url, json={"data": {"materials_complete": True, "hack": 1}}, headers=api.headers())
    assert extra.status_code == 422 and extra.json()["detail"][0]["loc"] == ["body", "data", "hack"]
    assert api.client.post(url, json={"data": ACCEPT}, headers=api.headers()).status_code == 200
    assert api.client.post(url, json={"data": ACCEPT}, headers=api.headers()).status_code == 409
    assert api.client.post("/api/v1/tasks/not-a-task/complete", json={"data": {}}, headers=api.headers()).status_code == 404


def test_home_visit_needs_two_visitors(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])
    response = api.complete(case["id"], "home_visit", {**VISIT, "visitors": ["王五"]})
    assert response.status_code == 422
    assert "at least 2" in response.json()["detail"][0]["msg"]


def test_a_failed_request_leaves_nothing_behind(api: Api) -> None:
    case = api.create()
    before = api.history(case["id"])
    api.complete(case["id"], "accept", {"materials_complete": False})  # 422: missing list required
    assert api.history(case["id"]) == before
    assert api.case(case["id"])["positions"] == [{"element_id": "accept", "name": "受理审查", "kind": "user_task", "due_at": None}]


def test_duplicate_dibao_for_the_same_person_is_refused_naming_the_case(api: Api) -> None:
    person = resident_id()
    first = api.create(applicant_id=person)
    response = api.client.post("/api/v1/cases", json=case_payload(applicant_id=person), headers=api.headers())
    assert response.status_code == 409 and first["number"] in response.json()["detail"]
    member = case_payload()
    member["household"][0]["id_number"] = person
    response = api.client.post("/api/v1/cases", json=member, headers=api.headers())
    assert response.status_code == 409 and first["number"] in response.json()["detail"]


def test_list_filters_and_paging(api: Api) -> None:
    ids = [api.create()["id"] for _ in range(3)]
    api.walk(ids[0], [("accept", ACCEPT)])
    headers = api.headers()
    page = api.client.get("/api/v1/cases?page_size=2", headers=headers).json()
    assert page["total"] == 3 and len(page["items"]) == 2
    assert api.client.get("/api/v1/cases?page=2&page_size=2", headers=headers).json()["items"][0]["id"] == ids[0]
    at_visit = api.client.get("/api/v1/cases?element_id=home_visit", headers=headers).json()
    assert [c["id"] for c in at_visit["items"]] == [ids[0]]
    assert api.client.get("/api/v1/cases?kind=tekun", headers=headers).json()["total"] == 0
    assert api.client.get("/api/v1/cases?status=active&region=220283101", headers=headers).json()["total"] == 3
    assert api.client.get("/api/v1/cases?due_before=2026-12-15", headers=headers).json()["total"] == 1


@pytest.mark.local_limits
def test_task_queue_is_role_and_region_scoped(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])
    mine = api.client.get("/api/v1/tasks", headers=api.headers()).json()
    assert {t["element_id"] for t in mine["items"]} == {"info_check", "home_visit"}
    assert all(t["form"] for t in mine["items"]) and mine["items"][0]["due_on"] == "2026-11-16"
    assert api.client.get("/api/v1/tasks", headers=api.headers("village")).json()["total"] == 0
    assert api.client.get("/api/v1/tasks", headers=api.headers("township", OTHER_TOWNSHIP)).json()["total"] == 0
    filtered = api.client.get("/api/v1/tasks?element_id=info_check", headers=api.headers()).json()
    assert [t["element_id"] for t in filtered["items"]] == ["info_check"]


def test_id_numbers_are_masked_for_readers_who_do_not_need_them(api: Api) -> None:
    person = resident_id()
    case = api.create(applicant_id=person)
    assert case["applicant"]["id_number"] == person  # the township caseworker
    village = api.case(case["id"], "village")["applicant"]["id_number"]
    assert village == person[:6] + "********" + person[-4:]


def test_ids_beyond_the_database_range_are_422_not_500(api: Api) -> None:
    huge = "9" * 25
    for method, url in [("get", f"/api/v1/cases/{huge}"), ("get", f"/api/v1/cases/{huge}/history"),
                        ("post", f"/api/v1/cases/{huge}/withdraw"), ("get", f"/api/v1/tasks/{'x' * 200}")]:
        response = getattr(api.client, method)(url, headers=api.headers(), **({"json": {"reason": "x"}} if method == "post" else {}))
        assert response.status_code == 422, (url, response.status_code)
