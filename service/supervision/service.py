"""County supervision: overdue and at-risk cases per township, and tasks past their stage deadline.

Three queries, each on an index: the region's active cases due by the at-risk boundary
(``cases (status, region, due_on, id)``), the open tasks of those cases (``tasks (case_id)``, their
stage), and the late tasks (``tasks (status, region, due_on)``) with their case numbers. They read
only the columns the answer holds, never a workflow, and none asks for a parallel plan (PostgreSQL
would start workers for lists of a few thousand rows, which costs more than it saves). Working days
are counted once per distinct due date. The answer lists every overdue and at-risk case and every
late task of the region, so its cost follows its length.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Integer, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import scoped, within
from ..calendar.workdays import WorkingCalendar
from ..cases.models import Case
from ..overdue import is_overdue, overdue_clause
from ..regions.service import with_names
from ..tasks.models import CaseTask

LATE_TASK_COLUMNS = (CaseTask.id.label("task_id"), CaseTask.case_id, Case.number, CaseTask.region, CaseTask.element_id,
                     CaseTask.name, CaseTask.role, CaseTask.due_on)
LATE_TASK_KEYS = tuple(column.key for column in LATE_TASK_COLUMNS)


def _days_from(today: date, calendar: WorkingCalendar) -> Callable[[date], int]:
    """Working days from ``today`` to a date (signed), computed once per distinct date."""
    return cache(lambda day: calendar.working_days_between(today, day))


def _case_row(case: Any, stages: list[str], today: date, days_to: Callable[[date], int]) -> dict[str, Any]:
    case_id, number, kind, region, _township, due_on = case
    overdue = is_overdue(True, due_on, today)  # the query reads active cases only
    left = days_to(due_on)  # signed: negative once overdue
    return {
        "id": case_id, "number": number, "kind": kind, "region": region, "due_on": due_on,
        "status": "overdue" if overdue else "at_risk",
        "working_days_over": -left if overdue else 0,
        "working_days_left": left,
        "stage": stages,
    }


def _late_tasks(session: Session, user: User, today: date, region: str | None, days_to: Callable[[date], int]) -> list[dict[str, Any]]:
    query = scoped(select(*LATE_TASK_COLUMNS).join(Case, Case.id == CaseTask.case_id), user, CaseTask.region)
    query = query.where(overdue_clause(CaseTask.status == "open", CaseTask.due_on, today))
    if region:
        query = query.where(within(CaseTask.region, region))
    rows = session.execute(query.order_by(CaseTask.due_on, CaseTask.case_id, CaseTask.id)).tuples()
    # due_on is the last column, never NULL here: the overdue clause compared it with today
    return [dict(zip(LATE_TASK_KEYS, row, strict=True), working_days_over=-days_to(row[-1] or today)) for row in rows]


def _stages(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    """The elements of each case's open tasks, oldest first (its stage)."""
    stages: dict[int, list[str]] = defaultdict(list)
    if case_ids:
        if session.get_bind().dialect.name == "postgresql":  # one array parameter, not thousands of placeholders
            among = CaseTask.case_id == any_(bindparam("case_ids", case_ids, type_=ARRAY(Integer)))
        else:
            among = CaseTask.case_id.in_(case_ids)
        query = (select(CaseTask.case_id, CaseTask.element_id).where(among, CaseTask.status == "open")
                 .order_by(CaseTask.case_id, CaseTask.opened_at))
        for case_id, element_id in session.execute(query).tuples():
            stages[case_id].append(element_id)
    return stages


def _serial_plans(session: Session) -> None:
    """No parallel workers for this transaction's short lists (PostgreSQL; SQLite has none)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


def overdue_report(session: Session, user: User, today: date, calendar: WorkingCalendar, at_risk_days: int,
                   region: str | None) -> dict[str, Any]:
    """Per township: overdue cases, cases due within ``at_risk_days`` working days, late stages."""
    boundary = calendar.add_working_days(today, at_risk_days)
    _serial_plans(session)
    columns = (Case.id, Case.number, Case.kind, Case.region, Case.township, Case.due_on)
    query = scoped(select(*columns), user, Case.region).where(Case.status == "active", Case.due_on <= boundary)
    if region:
        query = query.where(within(Case.region, region))
    cases = list(session.execute(query.order_by(Case.due_on, Case.id)).tuples())
    stages = _stages(session, [case[0] for case in cases])
    days_to = _days_from(today, calendar)
    townships: dict[str, dict[str, Any]] = {}

    def township(code: str) -> dict[str, Any]:
        return townships.setdefault(code, {"township": code, "overdue": 0, "at_risk": 0, "stage_overdue": 0,
                                           "cases": [], "late_tasks": []})

    for case in cases:
        shown = _case_row(case, stages[case[0]], today, days_to)
        entry = township(case[4])
        entry[shown["status"]] += 1
        entry["cases"].append(shown)
    for task in _late_tasks(session, user, today, region, days_to):
        entry = township(task["region"][:9])
        entry["stage_overdue"] += 1
        entry["late_tasks"].append(task)
    ordered = sorted(townships.values(), key=lambda t: (-t["overdue"], -t["at_risk"], t["township"]))
    with_names(session, ordered, "township")
    with_names(session, [row for t in ordered for row in (*t["cases"], *t["late_tasks"])], "region")
    totals = {key: sum(t[key] for t in ordered) for key in ("overdue", "at_risk", "stage_overdue")}
    return {"as_of": today, "at_risk_days": at_risk_days, "totals": totals, "townships": ordered}
