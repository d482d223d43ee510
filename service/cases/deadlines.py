"""Recomputing open deadlines after a schedule is published for a year.

Three things depend on working days: a case's statutory ``due_on``, an open task's stage ``due_on``,
and the waiting timers whose expressions count working days (the statutory deadline timer and any
``working_date`` / ``after_working_days`` timer). Only what the changed year can touch is looked at:
deadlines counted from before the year's end that reach into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..audit import service as audit
from ..calendar.functions import statutory_due_on
from ..clock import local_date, start_of
from ..tasks.models import CaseTask
from ..timers.models import Timer
from . import service as cases
from . import workflow
from .models import Case
from .workflow import Operation

WORKING_DAY_FUNCTIONS = ("statutory_deadline", "working_date", "after_working_days")


@dataclass
class Recomputed:
    cases: int = 0
    tasks: int = 0
    timers: int = 0


def _affected_cases(op: Operation, year: int) -> list[Case]:
    start, end = date(year, 1, 1), date(year, 12, 31)
    by_due = select(Case.id).where(Case.status == "active", Case.accepted_on <= end, Case.due_on >= start)
    by_task = select(CaseTask.case_id).where(CaseTask.status == "open", CaseTask.stage_unit == "working",
                                             CaseTask.due_on >= start)
    by_timer = select(Timer.case_id).where(Timer.due_at >= start_of(start))
    ids = set(op.session.scalars(by_due)) | set(op.session.scalars(by_task)) | set(op.session.scalars(by_timer))
    if not ids:
        return []
    query = select(Case).where(Case.id.in_(ids), Case.status == "active").order_by(Case.id).with_for_update()
    return list(op.session.scalars(query))


def _recompute_case(op: Operation, case: Case, year: int, totals: Recomputed) -> None:
    changes: dict[str, object] = {}
    if case.accepted_on is not None and case.due_on is not None:
        due = statutory_due_on(op.calendar(), workflow.facts_of(op, case), case.accepted_on)
        if due != case.due_on:
            changes["due_on"] = {"from": case.due_on, "to": due}
            case.due_on = due
            totals.cases += 1
    moved_tasks = []
    for task in op.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.status == "open",
                                                          CaseTask.stage_unit == "working")):
        stage_due = workflow.stage_due(op.calendar(), local_date(task.opened_at), task.stage_days, task.stage_unit)
        if stage_due != task.due_on:
            moved_tasks.append({"element_id": task.element_id, "from": task.due_on, "to": stage_due})
            task.due_on = stage_due
    totals.tasks += len(moved_tasks)
    timers = list(op.session.scalars(select(Timer).where(Timer.case_id == case.id)))
    if any(f in t.expression for t in timers for f in WORKING_DAY_FUNCTIONS):
        before = {t.task_id: t.due_at for t in timers}
        cases.recompute_timers(op, case)
        after = {t.task_id: t.due_at for t in op.session.scalars(select(Timer).where(Timer.case_id == case.id))}
        moved = [k for k, v in after.items() if before.get(k) != v]
        totals.timers += len(moved)
        if moved:
            changes["timers"] = len(moved)
    if moved_tasks:
        changes["tasks"] = moved_tasks
    if changes:
        audit.record(op.session, case=case, at=op.now, actor=op.actor, type="deadline.recomputed",
                     data={"year": year, **changes})


def recompute_year(op: Operation, year: int) -> Recomputed:
    """Bring every open deadline the year can touch in line with the calendar now in force."""
    totals = Recomputed()
    for case in _affected_cases(op, year):
        _recompute_case(op, case, year, totals)
    return totals
