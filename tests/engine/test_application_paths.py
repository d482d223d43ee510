"""The paths tekun and linshi share with dibao, walked on each diagram with save and restore between steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from service.clock import SHANGHAI

from ..factories import (
    ACCEPT,
    APPRAISAL,
    ARCHIVE,
    CONFIRM,
    COUNTY_VISIT,
    INCOMPLETE,
    INELIGIBLE,
    INFO,
    LS_CONFIRM,
    LS_ELIGIBLE,
    LS_INVESTIGATED,
    NOTIFY,
    REFUSE,
    SELF_CARE,
    TK_ELIGIBLE,
    TK_INVESTIGATED,
    VISIT,
)
from .walker import Walker

KINDS = {  # kind: (steps up to the review, an eligible review, an approving confirmation)
    "tekun": (TK_INVESTIGATED, TK_ELIGIBLE, {**CONFIRM, "amount": 800}),
    "linshi": (LS_INVESTIGATED, LS_ELIGIBLE, LS_CONFIRM),
}
PUBLICITY_OVER = datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI)
pytestmark = pytest.mark.parametrize("kind", list(KINDS))


def walker(kind: str, **data: Any) -> Walker:
    return Walker(kind, kind, cause="火灾" if kind == "linshi" else "", **data)


def to_confirm(w: Walker, kind: str) -> None:
    investigated, eligible, _ = KINDS[kind]
    w.walk(investigated + [("review", eligible)])
    assert w.at == {"publicity", "deadline"}
    w.wait_until(PUBLICITY_OVER)
    assert w.roles() == {"confirm": "township"}


def test_approved(kind: str) -> None:
    w = walker(kind)
    to_confirm(w, kind)
    w.walk([("confirm", KINDS[kind][2]), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_approved" and w.snapshot.timers == []


def test_refused_at_review(kind: str) -> None:
    w = walker(kind)
    w.walk(KINDS[kind][0] + [("review", INELIGIBLE)])
    assert w.roles() == {"notify_rejection": "township"}
    w.walk([("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_rejected"


def test_refused_at_confirmation(kind: str) -> None:
    w = walker(kind)
    to_confirm(w, kind)
    w.walk([("confirm", REFUSE), ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_rejected"


def test_supplement_loop_then_the_clock_starts(kind: str) -> None:
    w = walker(kind)
    w.walk([("accept", INCOMPLETE), ("supplement", INCOMPLETE)])
    assert w.at == {"supplement"} and "accepted" not in w.happened
    w.do("supplement", ACCEPT)
    assert "accepted" in w.happened and {"info_check", "home_visit", "deadline"} <= w.at


def test_disputed_case_goes_to_the_village(kind: str) -> None:
    w = walker(kind)
    steps = [(e, {**VISIT, "disputed": True} if e == "home_visit" else d) for e, d in KINDS[kind][0]]
    w.walk(steps)
    assert w.roles() == {"appraisal": "village"}
    w.do("appraisal", APPRAISAL)
    assert w.roles() == {"review": "township"}


def test_near_relative_waits_for_the_county_visit(kind: str) -> None:
    w = walker(kind, near_relative_of_staff=True)
    w.do("accept", ACCEPT)
    assert w.roles() == {"info_check": "township", "home_visit": "township", "county_home_visit": "county"}
    w.walk([("info_check", INFO), ("home_visit", VISIT)])
    assert "county_home_visit" in w.at and "review" not in w.at and "self_care_assessment" not in w.at
    w.do("county_home_visit", COUNTY_VISIT)
    assert w.roles() == ({"self_care_assessment": "township"} if kind == "tekun" else {"review": "township"})


def objected(kind: str) -> Walker:
    """A case in publicity from 11-02 that receives an objection on 11-04."""
    w = walker(kind)
    investigated, eligible, _ = KINDS[kind]
    w.walk(investigated + [("review", eligible)])
    w.now = datetime(2026, 11, 4, 10, tzinfo=SHANGHAI)
    w.object()
    assert w.roles() == {"handle_objection": "township"}
    return w


def test_objection_not_upheld_keeps_the_publicity_end(kind: str) -> None:
    w = objected(kind)
    w.do("handle_objection", {"upheld": False, "note": "不成立"})
    assert w.due("publicity") == datetime(2026, 11, 10, tzinfo=SHANGHAI)


def test_objection_upheld_investigates_again_and_publishes_anew(kind: str) -> None:
    w = objected(kind)
    eligible = KINDS[kind][1]
    w.do("handle_objection", {"upheld": True, "note": "成立"})
    assert w.roles() == {"home_visit": "township"}
    w.walk([("home_visit", VISIT)] + ([("self_care_assessment", SELF_CARE)] if kind == "tekun" else []) + [("review", eligible)])
    assert w.due("publicity") == datetime(2026, 11, 12, tzinfo=SHANGHAI)


def test_statutory_deadline_marks_overdue_and_the_case_goes_on(kind: str) -> None:
    w = walker(kind)
    w.do("accept", ACCEPT)
    deadline = next(t for t in w.snapshot.timers if t.element_id == "deadline")
    assert deadline.due_at == datetime(2026, 12, 15, tzinfo=SHANGHAI)  # 30 working days after 11-02
    w.wait_until(datetime(2026, 12, 15, 0, 0, 1, tzinfo=SHANGHAI))
    assert w.happened == ["deadline", "overdue", "overdue_end"] and not w.snapshot.finished


def test_not_delegated_the_county_confirms(kind: str) -> None:
    w = Walker(kind, kind, pack="national-2021", cause="火灾")
    investigated, eligible, _ = KINDS[kind]
    w.walk(investigated + [("review", eligible)])
    w.wait_until(PUBLICITY_OVER)
    assert w.roles() == {"confirm": "county"}
    assert w.snapshot.data["deliberation"] is False
