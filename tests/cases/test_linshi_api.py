"""The linshi procedure over REST: pay-first, publicity by type, the county's deliberation and the cap."""

from __future__ import annotations

from datetime import datetime

from service.clock import SHANGHAI

from ..factories import (
    ACCEPT,
    ADVANCE,
    ARCHIVE,
    CONFIRM,
    LS_CONFIRM,
    LS_ELIGIBLE,
    LS_INVESTIGATED,
    Api,
    case_payload,
    elements,
)

PUBLICITY_OVER = datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)


def create(api: Api, emergency: bool, household: int = 1) -> dict:  # type: ignore[type-arg]
    return api.create(case_payload("linshi", household=household, emergency=emergency, cause="火灾"))


def test_emergency_pays_first_and_completes_the_paperwork(api: Api) -> None:
    case = create(api, emergency=True, household=1)
    assert elements(case) == {"advance_payment"} and case["accepted_on"] is None
    case = api.step(case["id"], "advance_payment", ADVANCE)
    assert case["facts"]["advance_amount"] == 800 and case["facts"]["advance_paid_on"] == "2026-11-02"
    assert elements(case) == {"accept", "paperwork_deadline"}
    paid = [e for e in api.history(case["id"]) if e["type"] == "case.advance_paid"]
    assert paid and paid[0]["data"]["advance_amount"] == 800 and paid[0]["element_id"] == "advance_paid"
    case = api.walk(case["id"], LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 1000})])
    assert "publicity" not in elements(case) and "confirm" in elements(case)  # no publicity for the emergency type
    case = api.walk(case["id"], [("confirm", {**CONFIRM, "amount": 1000}), ("archive", ARCHIVE)])
    assert case["status"] == "approved" and case["number"].startswith("LS-")
    assert api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["total"] == 0  # one-off: no dynamic management


def test_late_paperwork_is_in_the_history_and_the_case_goes_on(api: Api) -> None:
    case = create(api, emergency=True)
    api.walk(case["id"], [("advance_payment", ADVANCE), ("accept", ACCEPT)])
    assert api.at(datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)) == 1
    assert [e["type"] for e in api.history(case["id"])][-2:] == ["timer.fired", "case.paperwork_overdue"]
    assert {"info_check", "home_visit"} <= elements(api.case(case["id"]))


def test_expenditure_type_is_publicised(api: Api) -> None:
    case = create(api, emergency=False, household=1)
    assert elements(case) == {"accept"}
    case = api.walk(case["id"], LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    assert "publicity" in elements(case) and case["facts"]["publicity_until"] == "2026-11-09"
    assert api.at(PUBLICITY_OVER) == 1
    case = api.walk(case["id"], [("confirm", LS_CONFIRM), ("archive", ARCHIVE)])
    assert case["status"] == "approved"


def test_above_the_township_limit_the_county_deliberates(api: Api) -> None:
    case = create(api, emergency=True, household=1)
    api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED)
    case = api.step(case["id"], "review", {"eligible": True, "proposed_amount": 3000})
    task = next(t for t in case["tasks"] if t["element_id"] == "county_deliberation")
    assert task["role"] == "county" and case["facts"]["deliberation"] is True
    queue = api.client.get("/api/v1/tasks?element_id=county_deliberation", headers=api.headers("county")).json()
    assert [t["case_number"] for t in queue["items"]] == [case["number"]]
    assert api.complete(case["id"], "county_deliberation", {**CONFIRM, "amount": 3000}, role="township").status_code == 403
    case = api.walk(case["id"], [("county_deliberation", {**CONFIRM, "amount": 3000}), ("archive", ARCHIVE)])
    assert case["status"] == "approved" and case["facts"]["amount"] == 3000
