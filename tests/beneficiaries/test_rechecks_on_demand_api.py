"""A recheck on demand: a warning, a report or a change opens one at once; one open at a time; a stop from a past day."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from service.clock import SHANGHAI

from ..factories import AGREE, ARCHIVE, INFO, NOTIFY, OTHER_TOWNSHIP, RC_VISIT, STOP, Api, approve, case_payload, resident_id
from .test_rechecks_api import beneficiary, open_recheck

INVESTIGATED = [("info_check", INFO), ("home_visit", RC_VISIT)]


def approved(api: Api) -> dict[str, Any]:
    """A rural class-C beneficiary approved on 2026-11-10 (next scheduled recheck 2027-02-10)."""
    case = approve(api, case_payload(applicant_id=resident_id("19800101"), household=0))
    return beneficiary(api, case["number"])


def demand(api: Api, beneficiary_id: int, body: dict[str, Any], role: str = "township", region: str | None = None) -> Any:
    return api.client.post(f"/api/v1/beneficiaries/{beneficiary_id}/rechecks", json=body, headers=api.headers(role, region))


@pytest.mark.parametrize("trigger", ["data_warning", "change_report", "public_report", "periodic_report", "other"])
def test_each_trigger_opens_a_recheck_at_once(api: Api, trigger: str) -> None:
    found = approved(api)
    response = demand(api, found["id"], {"trigger": trigger, "reason": "家庭成员新就业"})
    assert response.status_code == 201, response.text
    recheck = response.json()
    assert (recheck["purpose"], recheck["subject_case_id"], recheck["status"]) == ("recheck", found["case_id"], "active")
    assert {p["element_id"] for p in recheck["positions"]} == {"info_check", "home_visit"}
    after = beneficiary(api, found["number"])
    assert after["open_recheck"] == {"id": recheck["id"], "number": recheck["number"]}
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    requested = next(e for e in history if e["type"] == "beneficiary.recheck_requested")
    assert (requested["data"]["trigger"], requested["data"]["why"]) == (trigger, "家庭成员新就业")
    started = next(e for e in history if e["type"] == "beneficiary.recheck_started")
    assert started["data"]["trigger"] == trigger


def test_one_open_recheck_at_a_time_and_the_conflict_names_it(api: Api) -> None:
    found = approved(api)
    first = demand(api, found["id"], {"trigger": "data_warning", "reason": "比对预警"}).json()
    again = demand(api, found["id"], {"trigger": "public_report", "reason": "群众举报"}, role="county")
    assert again.status_code == 409
    assert again.json()["detail"]["recheck"] == {"id": first["id"], "number": first["number"]}
    assert first["number"] in again.json()["detail"]["reason"]


def test_a_scheduled_recheck_that_is_open_also_blocks(api: Api) -> None:
    found = approved(api)
    scheduled = open_recheck(api, found["number"])
    again = demand(api, found["id"], {"trigger": "other", "reason": "x"})
    assert again.status_code == 409 and again.json()["detail"]["recheck"]["id"] == scheduled["id"]


def test_a_stop_takes_effect_from_a_past_day(api: Api) -> None:
    found = approved(api)
    api.at(datetime(2026, 11, 30, 9, tzinfo=SHANGHAI))
    response = demand(api, found["id"], {"trigger": "data_warning", "reason": "公安户籍比对：户主死亡", "effective_from": "2026-11-12"})
    assert response.status_code == 201, response.text
    recheck = response.json()
    api.walk(recheck["id"], INVESTIGATED)
    future = api.complete(recheck["id"], "decide", {**STOP, "stop_from": "2099-01-01"})
    assert future.status_code == 422 and future.json()["detail"][0]["loc"] == ["body", "data", "stop_from"]
    before = api.complete(recheck["id"], "decide", {**STOP, "stop_from": "2026-01-01"})
    assert before.status_code == 422 and before.json()["detail"][0]["loc"] == ["body", "data", "stop_from"]
    api.walk(recheck["id"], [("decide", STOP), ("confirm", AGREE), ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    after = beneficiary(api, found["number"])
    assert (after["status"], after["stopped_on"]) == ("stopped", "2026-11-12")  # the warning's day, not today
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    stopped = history[-1]
    assert (stopped["type"], stopped["data"]["stopped_on"], stopped["data"]["backdated"]) == ("beneficiary.stopped", "2026-11-12", True)


def test_the_decision_may_set_the_stop_day(api: Api) -> None:
    found = approved(api)
    api.at(datetime(2026, 11, 30, 9, tzinfo=SHANGHAI))
    recheck = demand(api, found["id"], {"trigger": "change_report", "reason": "家庭主动申报收入增加"}).json()
    api.walk(recheck["id"], INVESTIGATED + [("decide", {**STOP, "stop_from": "2026-11-20"}), ("confirm", AGREE),
                                            ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    assert beneficiary(api, found["number"])["stopped_on"] == "2026-11-20"


@pytest.mark.parametrize(("body", "field"), [
    ({"trigger": "rumour", "reason": "x"}, "trigger"),
    ({"trigger": "other", "reason": "  "}, "reason"),
    ({"trigger": "other"}, "reason"),
    ({"trigger": "other", "reason": "x", "effective_from": "2026-02-30"}, "effective_from"),
    ({"trigger": "other", "reason": "x", "effective_from": "2099-01-01"}, "effective_from"),
    ({"trigger": "other", "reason": "x", "effective_from": "2020-01-01"}, "effective_from"),
    ({"trigger": "other", "reason": "x", "extra": 1}, "extra"),
])
def test_bad_requests_name_the_field_and_open_nothing(api: Api, body: dict[str, Any], field: str) -> None:
    found = approved(api)
    response = demand(api, found["id"], body)
    assert response.status_code == 422, response.text
    assert any(field in p["loc"] for p in response.json()["detail"])
    assert beneficiary(api, found["number"])["open_recheck"] is None


def test_roles_and_scope(api: Api) -> None:
    found = approved(api)
    body = {"trigger": "other", "reason": "x"}
    assert demand(api, found["id"], body, role="village").status_code == 403
    assert demand(api, found["id"], body, role="township", region=OTHER_TOWNSHIP).status_code == 404
    assert demand(api, 999_999, body).status_code == 404
    assert beneficiary(api, found["number"])["open_recheck"] is None


def test_a_stopped_benefit_is_not_rechecked(api: Api) -> None:
    found = approved(api)
    recheck = demand(api, found["id"], {"trigger": "other", "reason": "x"}).json()
    api.walk(recheck["id"], INVESTIGATED + [("decide", STOP), ("confirm", AGREE), ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    again = demand(api, found["id"], {"trigger": "other", "reason": "y"})
    assert again.status_code == 409 and "stopped" in again.json()["detail"]
