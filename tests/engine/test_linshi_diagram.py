"""The paths of processes/linshi.bpmn of its own: pay-first, the paperwork limit, publicity by type, deliberation and the cap."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.calendar.functions import CaseFacts
from service.clock import SHANGHAI

from ..factories import ADVANCE, ARCHIVE, CONFIRM, LS_CONFIRM, LS_ELIGIBLE, LS_INVESTIGATED, MEETING
from .walker import RULES, Walker

PUBLICITY_OVER = datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI)


def emergency(**data: object) -> Walker:
    return Walker("linshi", "linshi", emergency=True, cause="火灾", **data)


def test_emergency_pays_first_then_completes_the_paperwork_without_publicity() -> None:
    w = emergency()
    assert w.roles() == {"advance_payment": "township"}  # before acceptance: the advance comes first
    w.do("advance_payment", ADVANCE)
    assert w.happened[:2] == ["advance_payment", "advance_paid"]
    assert w.roles() == {"accept": "township"}
    assert w.due("paperwork_deadline") == datetime(2026, 11, 10, tzinfo=SHANGHAI)  # 5 working days after 11-02
    w.walk(LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    assert w.roles() == {"confirm": "township"} and "publicity" not in w.at  # 1500 for 2 people: 750 each
    w.walk([("confirm", LS_CONFIRM), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_approved" and w.snapshot.timers == []
    assert w.snapshot.data["advance_amount"] == 800


def test_the_reviewed_amount_wins_over_the_requested_one_while_timers_wait() -> None:
    w = emergency(proposed_amount=3000)
    w.walk([("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 4000})])
    assert {"deadline", "paperwork_deadline"} <= w.at  # branches holding the data of 11-02
    assert w.snapshot.data["proposed_amount"] == 4000


def test_paperwork_not_completed_in_time_is_marked_and_goes_on() -> None:
    w = emergency()
    w.walk([("advance_payment", ADVANCE), ("accept", {"materials_complete": True})])
    w.wait_until(datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI))
    assert w.happened == ["paperwork_deadline", "paperwork_overdue", "paperwork_overdue_end"]
    assert {"info_check", "home_visit", "deadline"} <= w.at and not w.snapshot.finished


def test_expenditure_type_is_publicised_for_the_rule_pack_days() -> None:
    w = Walker("linshi", "linshi", cause="医疗支出")
    assert w.roles() == {"accept": "township"}
    w.walk(LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    assert w.snapshot.data["publicity_until"] == "2026-11-09"
    w.wait_until(PUBLICITY_OVER)
    assert w.roles() == {"confirm": "township"}


def test_no_publicity_when_the_rule_pack_says_zero_days() -> None:
    w = Walker("linshi", "linshi", cause="医疗支出")
    pack = RULES.get("shulan-2023")
    w.facts = CaseFacts("linshi", pack.model_copy(update={"numbers": {**pack.numbers, "linshi_publicity_days": 0}}), None, False)
    w.walk(LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    assert w.roles() == {"confirm": "township"}


@pytest.mark.parametrize(("is_emergency", "household", "amount", "role", "task"), [
    (True, 2, 2000, "township", "confirm"),               # 1000 per person: the township's limit, included
    (True, 2, 2001, "county", "county_deliberation"),     # above 1000 per person: 一事一议
    (False, 2, 8400, "township", "confirm"),              # 6 months x 700 per person, included
    (False, 2, 8401, "county", "county_deliberation"),
    (False, 1, 4201, "county", "county_deliberation"),
])
def test_township_limits_per_person_and_county_deliberation(is_emergency: bool, household: int, amount: int,
                                                             role: str, task: str) -> None:
    w = Walker("linshi", "linshi", emergency=is_emergency, household_size=household, cause="重大疾病")
    if is_emergency:
        w.do("advance_payment", ADVANCE)
    w.walk(LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": amount})])
    if not is_emergency:
        w.wait_until(PUBLICITY_OVER)
    assert w.roles() == {task: role}
    assert w.snapshot.data["deliberation"] is (task == "county_deliberation")
    w.walk([(task, {**CONFIRM, "amount": amount}), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_approved"


def test_a_proposal_above_the_township_limit_goes_to_the_county_without_refusal() -> None:
    w = emergency(household_size=4)
    w.walk([("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 60000})])
    assert w.roles() == {"county_deliberation": "county"}  # seed 001 names no ceiling: no outright refusal
    w.walk([("county_deliberation", {**CONFIRM, "amount": 60000}), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_approved"


def test_deliberation_refused_goes_to_the_written_notice() -> None:
    w = emergency(household_size=1)
    w.walk([("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 5000})])
    w.do("county_deliberation", {"approved": False, "attendees": MEETING, "minutes": "不予支持", "reason": "已获其他救助"})
    assert w.roles() == {"notify_rejection": "township"}
