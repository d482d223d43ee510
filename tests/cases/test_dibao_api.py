"""Every path of the dibao procedure over REST, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from service.clock import SHANGHAI

from ..factories import (
    ACCEPT,
    APPRAISAL,
    ARCHIVE,
    CONFIRM,
    COUNTY_VISIT,
    DISPUTED_VISIT,
    ELIGIBLE,
    INCOMPLETE,
    INELIGIBLE,
    INFO,
    NOTIFY,
    REFUSE,
    TO_PUBLICITY,
    VISIT,
    Api,
    elements,
)

PUBLICITY_OVER = datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)  # publicity from 11-02 ends with 11-09


def test_approved_path(api: Api) -> None:
    case = api.create()
    assert case["status"] == "active" and elements(case) == {"accept"}
    assert case["accepted_on"] is None and case["due_on"] is None
    case = api.walk(case["id"], TO_PUBLICITY[:1])
    assert case["accepted_on"] == "2026-11-02"
    assert elements(case) == {"info_check", "home_visit", "deadline"}
    case = api.walk(case["id"], TO_PUBLICITY[1:])
    assert "publicity" in elements(case)
    assert case["facts"]["publicity_until"] == "2026-11-09"
    assert api.at(PUBLICITY_OVER) == 1
    case = api.case(case["id"])
    assert "confirm" in elements(case)
    assert next(t for t in case["tasks"] if t["element_id"] == "confirm")["role"] == "township"
    case = api.walk(case["id"], [("confirm", CONFIRM), ("archive", ARCHIVE)])
    assert case["status"] == "approved" and case["positions"] == [] and case["tasks"] == []
    assert case["closed_at"] is not None and case["overdue"] is False
    types = [e["type"] for e in api.history(case["id"])]
    assert types[0] == "case.created" and types[-3:-1] == ["case.closed", "beneficiary.created"]  # into dynamic management
    assert types[-1] == "document.added"  # the household archive, kept on archiving
    assert {"task.completed", "case.accepted", "timer.fired"} <= set(types)


def test_refused_at_review_is_notified_and_archived(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)])
    case = api.step(case["id"], "review", INELIGIBLE)
    assert elements(case) == {"notify_rejection", "deadline"}
    notify = next(t for t in case["tasks"] if t["element_id"] == "notify_rejection")
    assert notify["due_on"] == "2026-11-05"  # 3 working days after Monday 11-02
    case = api.walk(case["id"], [("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert case["status"] == "rejected"


def test_refused_at_confirmation(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    api.at(PUBLICITY_OVER)
    case = api.walk(case["id"], [("confirm", REFUSE), ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert case["status"] == "rejected"


@pytest.mark.local_limits
def test_disputed_case_goes_to_village_appraisal(api: Api) -> None:
    case = api.create()
    case = api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", DISPUTED_VISIT)])
    appraisal = next(t for t in case["tasks"] if t["element_id"] == "appraisal")
    assert appraisal["role"] == "village" and appraisal["due_on"] == "2026-11-09"
    assert api.complete(case["id"], "appraisal", APPRAISAL, role="township").status_code == 403
    case = api.step(case["id"], "appraisal", APPRAISAL)
    assert "review" in elements(case)


def test_undisputed_case_skips_appraisal(api: Api) -> None:
    case = api.create()
    case = api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)])
    assert "review" in elements(case) and "appraisal" not in elements(case)


def test_supplement_loop_until_materials_complete(api: Api) -> None:
    case = api.create()
    case = api.step(case["id"], "accept", INCOMPLETE)
    assert elements(case) == {"supplement"} and case["accepted_on"] is None
    case = api.step(case["id"], "supplement", INCOMPLETE)
    assert elements(case) == {"supplement"}
    api.clock.set(datetime(2026, 11, 4, 10, tzinfo=SHANGHAI))
    case = api.step(case["id"], "supplement", ACCEPT)
    assert case["accepted_on"] == "2026-11-04"  # the clock starts on acceptance, not on application
    assert case["due_on"] == "2026-12-16"


def test_incomplete_materials_must_list_everything_missing(api: Api) -> None:
    case = api.create()
    response = api.complete(case["id"], "accept", {"materials_complete": False})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "data", "missing"]


def test_near_relative_needs_county_home_visit(api: Api) -> None:
    case = api.create(near=True)
    case = api.step(case["id"], "accept", ACCEPT)
    assert elements(case) == {"info_check", "home_visit", "county_home_visit", "deadline"}
    county_task = next(t for t in case["tasks"] if t["element_id"] == "county_home_visit")
    assert county_task["role"] == "county"
    case = api.walk(case["id"], [("info_check", INFO), ("home_visit", VISIT)])
    assert "review" not in elements(case)  # waits for the county's own visit
    case = api.step(case["id"], "county_home_visit", COUNTY_VISIT)
    assert "review" in elements(case)


def test_objection_not_upheld_keeps_the_original_publicity_end(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    api.clock.set(datetime(2026, 11, 5, 10, tzinfo=SHANGHAI))
    response = api.client.post(f"/api/v1/cases/{case['id']}/objections", json={"text": "有隐瞒收入"}, headers=api.headers("village"))
    assert response.status_code == 200, response.text
    assert elements(response.json()) == {"handle_objection", "deadline"}
    case = api.step(case["id"], "handle_objection", {"upheld": False, "note": "经核实不成立"})
    publicity = next(p for p in case["positions"] if p["element_id"] == "publicity")
    assert publicity["due_at"] == "2026-11-10T00:00:00+08:00"
    assert api.at(PUBLICITY_OVER) == 1
    assert "confirm" in elements(api.case(case["id"]))
    assert "objection.filed" in [e["type"] for e in api.history(case["id"])]


def test_objection_upheld_reinvestigates_and_publishes_again(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    api.clock.set(datetime(2026, 11, 5, 10, tzinfo=SHANGHAI))
    api.client.post(f"/api/v1/cases/{case['id']}/objections", json={"text": "有经营收入"}, headers=api.headers("township"))
    case = api.step(case["id"], "handle_objection", {"upheld": True, "note": "需复查"})
    assert elements(case) == {"home_visit", "deadline"}  # info_check is not repeated
    case = api.step(case["id"], "home_visit", DISPUTED_VISIT)
    assert "appraisal" in elements(case)
    api.walk(case["id"], [("appraisal", APPRAISAL), ("review", ELIGIBLE)])
    case = api.case(case["id"])
    assert case["facts"]["publicity_from"] == "2026-11-05" and case["facts"]["publicity_until"] == "2026-11-12"
    assert api.at(PUBLICITY_OVER) == 0  # the first publicity's end no longer counts
    assert api.at(datetime(2026, 11, 13, 0, 0, 1, tzinfo=SHANGHAI)) == 1
    assert "confirm" in elements(api.case(case["id"]))


def test_objection_outside_publicity_is_a_conflict(api: Api) -> None:
    case = api.create()
    response = api.client.post(f"/api/v1/cases/{case['id']}/objections", json={"text": "x"}, headers=api.headers())
    assert response.status_code == 409


def test_withdraw_ends_tasks_and_timers(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])
    task_id = api.task_id(case["id"], "home_visit")
    response = api.client.post(f"/api/v1/cases/{case['id']}/withdraw", json={"reason": "申请人撤回"}, headers=api.headers())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "withdrawn" and body["tasks"] == [] and body["positions"] == []
    again = api.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": VISIT}, headers=api.headers())
    assert again.status_code == 409
    assert api.client.post(f"/api/v1/cases/{case['id']}/withdraw", json={"reason": "x"}, headers=api.headers()).status_code == 409
    closed = [e for e in api.history(case["id"]) if e["type"] == "case.closed"]
    assert closed[0]["data"]["status"] == "withdrawn" and closed[0]["data"]["reason"] == "申请人撤回"


def test_deadline_is_thirty_working_days_after_acceptance(api: Api) -> None:
    case = api.create()
    case = api.step(case["id"], "accept", ACCEPT)
    assert case["due_on"] == "2026-12-14"
    assert case["working_days_left"] == 30
    assert date.fromisoformat(case["due_on"]).weekday() < 5

