"""The paths of processes/tekun.bpmn that dibao does not have: the self-care assessment and the support mode."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.clock import SHANGHAI

from ..factories import ACCEPT, ARCHIVE, CONFIRM, INFO, SELF_CARE, TK_ELIGIBLE, TK_INVESTIGATED, VISIT
from .walker import Walker

ACTIVITIES = ("eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing")


@pytest.mark.parametrize(("unmet", "grade"), [(0, "full"), (1, "partial"), (3, "partial"), (4, "none"), (6, "none")])
def test_self_care_is_graded_from_the_six_activities(unmet: int, grade: str) -> None:
    w = Walker("tekun", "tekun")
    w.walk([("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)])
    assert w.roles() == {"self_care_assessment": "township"}  # after the investigation, before the review
    w.do("self_care_assessment", {**SELF_CARE, **{a: False for a in ACTIVITIES[:unmet]}})
    assert w.snapshot.data["self_care"] == grade
    assert w.roles() == {"review": "township"}


def test_approved_with_support_mode_and_self_care() -> None:
    w = Walker("tekun", "tekun")
    w.walk(TK_INVESTIGATED + [("review", TK_ELIGIBLE)])
    assert w.at == {"publicity", "deadline"}
    assert w.due("publicity") == datetime(2026, 11, 10, tzinfo=SHANGHAI)
    w.wait_until(datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI))
    assert w.roles() == {"confirm": "township"}  # seed 001: confirmation delegated to the township
    w.walk([("confirm", {**CONFIRM, "amount": 800, "recheck_class": "A"}), ("archive", ARCHIVE)])
    assert w.snapshot.finished and w.snapshot.end_element == "closed_approved"
    data = w.snapshot.data
    assert (data["support_mode"], data["self_care"], data["amount"], data["recheck_class"]) == ("dispersed", "full", 800, "A")
    assert w.restores == 8  # one restore from JSON per operation


def test_objection_upheld_repeats_the_visit_and_the_assessment() -> None:
    w = Walker("tekun", "tekun")
    w.walk(TK_INVESTIGATED + [("review", TK_ELIGIBLE)])
    w.now = datetime(2026, 11, 4, 10, tzinfo=SHANGHAI)
    w.object()
    w.do("handle_objection", {"upheld": True, "note": "自理能力评估有误"})
    assert w.roles() == {"home_visit": "township"}  # info_check is not repeated
    w.do("home_visit", VISIT)
    assert w.roles() == {"self_care_assessment": "township"}
    w.walk([("self_care_assessment", {**SELF_CARE, "eating": False, "bathing": False}), ("review", TK_ELIGIBLE)])
    assert w.snapshot.data["self_care"] == "partial"
    assert w.due("publicity") == datetime(2026, 11, 12, tzinfo=SHANGHAI)  # a new 7-day publicity from 11-04


def test_national_pack_gives_the_county_fifteen_working_days() -> None:
    w = Walker("tekun", "tekun", pack="national-2021")
    w.walk(TK_INVESTIGATED + [("review", TK_ELIGIBLE)])
    w.wait_until(datetime(2026, 11, 11, tzinfo=SHANGHAI))
    assert w.roles() == {"confirm": "county"}
    assert w.snapshot.ready[0].stage_days == 15  # TK 16
