"""Dynamic management over REST: beneficiaries, their class, rechecks on schedule, continue / adjust / stop."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.clock import SHANGHAI, start_of
from service.config import Settings
from service.followers import build_services
from service.scheduling import run_due_schedules
from service.services import Services

from ..factories import (
    ADJUST,
    AGREE,
    ARCHIVE,
    CONFIRM,
    CONTINUE,
    INFO,
    NOTIFY,
    OTHER_TOWNSHIP,
    RC_VISIT,
    STOP,
    Api,
    approve,
    case_payload,
    elements,
    resident_id,
)

INVESTIGATED = [("info_check", INFO), ("home_visit", RC_VISIT)]


def approve_monthly(api: Api, **kwargs: Any) -> dict[str, Any]:
    """An approved case of class C in town: rechecked monthly, first on 2026-12-10."""
    payload = case_payload(kwargs.pop("kind", "dibao"), applicant_id=kwargs.pop("applicant_id", None) or resident_id("19800101"),
                           household=0)
    payload["hukou"] = "urban"
    return approve(api, payload, **kwargs)


def beneficiaries(api: Api, role: str = "township", **query: Any) -> dict[str, Any]:
    response = api.client.get("/api/v1/beneficiaries", params=query, headers=api.headers(role))
    assert response.status_code == 200, response.text
    return dict(response.json())


def beneficiary(api: Api, number: str) -> dict[str, Any]:
    found = next(b for b in beneficiaries(api, page_size=200)["items"] if b["number"] == number)
    response = api.client.get(f"/api/v1/beneficiaries/{found['id']}", headers=api.headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def open_recheck(api: Api, number: str) -> dict[str, Any]:
    """Move the clock to the beneficiary's recheck day; the recheck case it opens."""
    due = date.fromisoformat(beneficiary(api, number)["next_recheck_on"])
    api.at(start_of(due) + timedelta(hours=9))
    opened = beneficiary(api, number)["open_recheck"]
    assert opened is not None
    return api.case(opened["id"])


@pytest.mark.parametrize(("birth", "household", "hukou", "klass", "next_on"), [
    ("19500101", 0, "rural", "A", "2027-11-10"),   # 76: yearly
    ("19650312", 0, "rural", "B", "2027-05-10"),   # 61: half-yearly
    ("19800101", 0, "rural", "C", "2027-02-10"),   # working age, rural: quarterly
    ("19800101", 0, "urban", "C", "2026-12-10"),   # working age, urban: monthly
    ("19800101", 1, "rural", "C", "2027-02-10"),   # the member born 1970 is 56
])
def test_approval_registers_a_beneficiary_with_a_class(api: Api, birth: str, household: int, hukou: str, klass: str,
                                                        next_on: str) -> None:
    payload = case_payload(applicant_id=resident_id(birth), household=household)
    payload["hukou"] = hukou
    case = approve(api, payload)
    found = beneficiary(api, case["number"])
    assert (found["recheck_class"], found["next_recheck_on"], found["status"]) == (klass, next_on, "active")
    assert (found["since"], found["amount"], found["case_id"]) == ("2026-11-10", 500, case["id"])


def test_the_confirmation_may_set_the_class(api: Api) -> None:
    case = approve(api, confirm={**CONFIRM, "recheck_class": "A"}, applicant_id=resident_id("19800101"), household=0)
    assert beneficiary(api, case["number"])["recheck_class"] == "A"


def test_a_recheck_opens_on_its_day_and_continue_sets_the_next(api: Api) -> None:
    case = approve_monthly(api)
    api.at(datetime(2026, 12, 9, 23, 59, tzinfo=SHANGHAI))
    assert beneficiary(api, case["number"])["open_recheck"] is None  # not a day early
    recheck = open_recheck(api, case["number"])
    assert (recheck["purpose"], recheck["subject_case_id"], recheck["kind"]) == ("recheck", case["id"], "dibao")
    assert recheck["number"].startswith("FH-DB-2026-") and elements(recheck) == {"info_check", "home_visit"}
    queue = api.client.get("/api/v1/tasks?element_id=home_visit", headers=api.headers()).json()["items"]
    assert [(t["case_number"], t["purpose"]) for t in queue] == [(recheck["number"], "recheck")]
    recheck = api.walk(recheck["id"], INVESTIGATED + [("decide", CONTINUE), ("archive", ARCHIVE)])
    assert recheck["status"] == "completed" and recheck["facts"]["outcome"] == "continue"
    found = beneficiary(api, case["number"])
    assert (found["rechecks"], found["last_recheck_on"], found["next_recheck_on"]) == (1, "2026-12-10", "2027-01-10")
    assert found["open_recheck"] is None and found["recheck_cases"][0]["outcome"] == "continue"
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    assert [e["type"] for e in history] == ["beneficiary.created", "beneficiary.recheck_started", "beneficiary.continued"]
    assert history[1]["data"]["recheck"] == recheck["number"]


def test_adjusting_the_amount_is_confirmed_then_applied(api: Api) -> None:
    case = approve_monthly(api)
    recheck = open_recheck(api, case["number"])
    recheck = api.walk(recheck["id"], INVESTIGATED + [("decide", {**ADJUST, "recheck_class": "B"})])
    assert next(t for t in recheck["tasks"] if t["element_id"] == "confirm")["role"] == "township"
    api.walk(recheck["id"], [("confirm", AGREE), ("archive", ARCHIVE)])
    found = beneficiary(api, case["number"])
    assert (found["amount"], found["recheck_class"], found["next_recheck_on"]) == (420, "B", "2027-06-10")


def test_stopping_needs_written_reasons_and_frees_the_person(api: Api) -> None:
    person = resident_id("19800101")
    case = approve_monthly(api, applicant_id=person)
    recheck = open_recheck(api, case["number"])
    api.walk(recheck["id"], INVESTIGATED)
    response = api.complete(recheck["id"], "decide", {"outcome": "stop"})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "data", "reason"]
    recheck = api.walk(recheck["id"], [("decide", STOP), ("confirm", AGREE)])
    assert next(t for t in recheck["tasks"] if t["element_id"] == "notify_stop")["due_on"] == "2026-12-15"
    api.walk(recheck["id"], [("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    found = beneficiary(api, case["number"])
    assert (found["status"], found["stop_reason"], found["next_recheck_on"]) == ("stopped", STOP["reason"], None)
    assert beneficiaries(api, status="stopped")["total"] == 1 and beneficiaries(api, status="active")["total"] == 0
    again = api.create(case_payload("tekun", applicant_id=person))  # a stopped benefit no longer blocks
    assert again["status"] == "active"


def test_stopping_tekun_is_publicised_first(api: Api) -> None:
    case = approve_monthly(api, kind="tekun")
    recheck = open_recheck(api, case["number"])
    recheck = api.walk(recheck["id"], INVESTIGATED + [("decide", STOP)])
    assert elements(recheck) == {"publicity"}
    until = date.fromisoformat(recheck["facts"]["publicity_until"])
    api.at(start_of(until + timedelta(days=1)) + timedelta(seconds=1))
    api.walk(recheck["id"], [("confirm", AGREE), ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    assert beneficiary(api, case["number"])["status"] == "stopped"


def test_a_recheck_is_not_withdrawn(api: Api) -> None:
    case = approve_monthly(api)
    recheck = open_recheck(api, case["number"])
    response = api.client.post(f"/api/v1/cases/{recheck['id']}/withdraw", json={"reason": "x"}, headers=api.headers())
    assert response.status_code == 409


def test_a_restart_loses_no_recheck(api: Api, services: Services) -> None:
    case = approve_monthly(api)
    restarted = build_services(services.settings, api.clock)  # a new process on the same database
    try:
        assert run_due_schedules(restarted, datetime(2026, 12, 10, 8, tzinfo=SHANGHAI)).rechecks == 1
        assert run_due_schedules(restarted, datetime(2026, 12, 10, 9, tzinfo=SHANGHAI)).rechecks == 0  # once
    finally:
        restarted.engine.dispose()
    assert beneficiary(api, case["number"])["open_recheck"] is not None


def test_the_test_clock_opens_due_rechecks_before_answering(api: Api, database_url: str) -> None:
    approve_monthly(api)
    settings = Settings(database_url=database_url, fake_clock=True, timers_in_server=False)
    with TestClient(create_app(settings)) as client:
        response = client.put("/api/v1/admin/clock", json={"now": "2026-12-10T09:00:00+08:00"}, headers=api.headers("admin"))
        assert response.status_code == 200, response.text
        assert response.json()["rechecks_started"] == 1
    assert api.client.get("/api/v1/cases?purpose=recheck", headers=api.headers()).json()["total"] == 1


def test_beneficiaries_are_scoped_and_masked(api: Api) -> None:
    case = approve(api)
    found = beneficiary(api, case["number"])
    assert len(found["applicant"]["id_number"]) == 18 and "*" not in found["applicant"]["id_number"]
    village = beneficiaries(api, "village")["items"][0]
    assert "*" in village["applicant"]["id_number"]
    assert beneficiaries(api, "township", region=OTHER_TOWNSHIP[:9])["total"] == 0
    other = api.client.get(f"/api/v1/beneficiaries/{found['id']}", headers=api.headers("township", OTHER_TOWNSHIP))
    assert other.status_code == 404
    assert api.client.get("/api/v1/beneficiaries", headers=api.headers("designer")).status_code == 403
