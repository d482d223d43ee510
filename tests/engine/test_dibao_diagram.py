"""Every path through processes/dibao.bpmn at the engine level, saving and restoring between steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from service.calendar.functions import host_functions
from service.calendar.workdays import WorkingCalendar
from service.clock import SHANGHAI
from service.engine import Host, ProcessError

from ..factories import (
    ACCEPT,
    APPRAISAL,
    ARCHIVE,
    CONFIRM,
    COUNTY_VISIT,
    ELIGIBLE,
    INCOMPLETE,
    INELIGIBLE,
    INFO,
    NOTIFY,
    REFUSE,
    VISIT,
)
from .walker import START
from .walker import Walker as DiagramWalker


def Walker(pack: str = "shulan-2023", **data: Any) -> DiagramWalker:  # noqa: N802 - reads as the class it builds
    return DiagramWalker("dibao", "dibao", pack=pack, **data)


INVESTIGATED = [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)]


def walk(w: Walker, steps: list[tuple[str, dict[str, Any]]]) -> None:
    for element_id, data in steps:
        w.do(element_id, data)


def test_approved() -> None:
    w = Walker()
    walk(w, INVESTIGATED + [("review", ELIGIBLE)])
    assert w.at == {"publicity", "deadline"}
    publicity = next(p for p in w.snapshot.positions if p.element_id == "publicity")
    assert publicity.due_at == datetime(2026, 11, 10, tzinfo=SHANGHAI)
    w.wait_until(datetime(2026, 11, 9, 23, 59, tzinfo=SHANGHAI))
    assert "publicity" in w.at  # not a minute early
    w.wait_until(datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI))
    assert [h.element_id for h in w.snapshot.happened][:2] == ["publicity", "publicity_end"]
    assert w.roles() == {"confirm": "township"}
    walk(w, [("confirm", CONFIRM), ("archive", ARCHIVE)])
    assert w.snapshot.finished and w.snapshot.end_element == "closed_approved"
    assert w.snapshot.timers == []  # the terminate end cancelled the statutory deadline timer
    assert w.restores == 8  # one restore from JSON per operation


def test_refused_at_review() -> None:
    w = Walker()
    walk(w, INVESTIGATED + [("review", INELIGIBLE), ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_rejected"


def test_refused_at_confirmation() -> None:
    w = Walker()
    walk(w, INVESTIGATED + [("review", ELIGIBLE)])
    w.wait_until(datetime(2026, 11, 11, tzinfo=SHANGHAI))
    walk(w, [("confirm", REFUSE), ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_rejected"


def test_disputed_goes_to_appraisal_in_the_village() -> None:
    w = Walker()
    walk(w, [("accept", ACCEPT), ("info_check", INFO), ("home_visit", {**VISIT, "disputed": True})])
    assert w.roles() == {"appraisal": "village"}
    w.do("appraisal", APPRAISAL)
    assert w.roles() == {"review": "township"}


def test_supplement_loop() -> None:
    w = Walker()
    w.do("accept", INCOMPLETE)
    w.do("supplement", INCOMPLETE)
    assert w.at == {"supplement"} and not any(h.element_id == "accepted" for h in w.snapshot.happened)
    w.do("supplement", ACCEPT)
    assert "accepted" in [h.element_id for h in w.snapshot.happened]
    assert {"info_check", "home_visit"} <= w.at


def test_near_relative_adds_the_county_visit() -> None:
    w = Walker(near_relative_of_staff=True)
    w.do("accept", ACCEPT)
    assert w.roles() == {"info_check": "township", "home_visit": "township", "county_home_visit": "county"}
    walk(w, [("info_check", INFO), ("home_visit", VISIT), ("county_home_visit", COUNTY_VISIT)])
    assert w.roles() == {"review": "township"}


def test_objection_not_upheld_returns_to_the_same_publicity() -> None:
    w = Walker()
    walk(w, INVESTIGATED + [("review", ELIGIBLE)])
    w.now = datetime(2026, 11, 4, 10, tzinfo=SHANGHAI)
    w.object()
    assert w.roles() == {"handle_objection": "township"}
    w.do("handle_objection", {"upheld": False, "note": "不成立"})
    publicity = next(p for p in w.snapshot.positions if p.element_id == "publicity")
    assert publicity.due_at == datetime(2026, 11, 10, tzinfo=SHANGHAI)


def test_objection_upheld_reinvestigates_then_publishes_anew() -> None:
    w = Walker()
    walk(w, INVESTIGATED + [("review", ELIGIBLE)])
    w.now = datetime(2026, 11, 4, 10, tzinfo=SHANGHAI)
    w.object()
    w.do("handle_objection", {"upheld": True, "note": "成立"})
    assert w.roles() == {"home_visit": "township"}
    walk(w, [("home_visit", VISIT), ("review", ELIGIBLE)])
    assert w.snapshot.data["publicity_from"] == "2026-11-04"
    publicity = next(p for p in w.snapshot.positions if p.element_id == "publicity")
    assert publicity.due_at == datetime(2026, 11, 12, tzinfo=SHANGHAI)


def test_the_statutory_deadline_marks_overdue_and_the_case_goes_on() -> None:
    w = Walker()
    w.do("accept", ACCEPT)
    deadline = next(t for t in w.snapshot.timers if t.element_id == "deadline")
    assert deadline.due_at == datetime(2026, 12, 15, tzinfo=SHANGHAI)  # the day after 2026-12-14
    w.wait_until(datetime(2026, 12, 15, 0, 0, 1, tzinfo=SHANGHAI))
    assert [h.element_id for h in w.snapshot.happened] == ["deadline", "overdue", "overdue_end"]
    assert {"info_check", "home_visit"} <= w.at and not w.snapshot.finished


def test_national_pack_routes_confirmation_to_the_county() -> None:
    w = Walker(pack="national-2021")
    walk(w, INVESTIGATED + [("review", ELIGIBLE)])
    w.wait_until(datetime(2026, 11, 11, tzinfo=SHANGHAI))
    assert w.roles() == {"confirm": "county"}
    assert next(t for t in w.snapshot.ready).stage_days == 10  # DB 20: county confirms within 10 working days


def test_a_task_cannot_be_completed_twice_or_after_it_moved_on() -> None:
    w = Walker()
    task = next(t for t in w.snapshot.ready if t.element_id == "accept")
    w.do("accept", ACCEPT)
    with pytest.raises(ProcessError, match="not open"):
        w.instance().complete_task(task.task_id, ACCEPT, w.host())
    with pytest.raises(ProcessError, match="not waiting for 'objection'"):
        w.object()


def test_calendar_dependent_timer_recomputes_from_its_start() -> None:
    w = Walker()
    w.do("accept", ACCEPT)
    timer = next(t for t in w.snapshot.timers if t.element_id == "deadline")
    closed = WorkingCalendar({2026: _with_holidays(2026, [date(2026, 12, 1) + timedelta(days=i) for i in range(3)])})
    snapshot = w.instance().recompute_timers(
        {timer.task_id: START}, lambda at: Host(at, host_functions(closed, w.facts, at)), w.host())
    moved = next(t for t in snapshot.timers if t.element_id == "deadline")
    assert moved.due_at == datetime(2026, 12, 18, tzinfo=SHANGHAI)  # three more days off push it by three working days


def _with_holidays(year: int, days: list[date]):  # type: ignore[no-untyped-def]
    from service.calendar.workdays import package_schedule, schedule_from_lists

    base = package_schedule(year)
    return schedule_from_lists(year, set(base.holidays) | set(days), base.workdays, "test")
