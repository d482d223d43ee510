"""County supervision: overdue and at-risk cases per township, and tasks past their stage deadline.

Both queries use indexes (``cases (status, region, due_on, id)``, ``tasks (status, region, due_on)``)
and read only the columns the answer holds, never a workflow; the answer lists every overdue and
at-risk case and every late task of the region, so its cost follows its length.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, select
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


def _case_row(case: Any, stages: list[str], today: date, calendar: WorkingCalendar) -> dict[str, Any]:
    overdue = is_overdue(True, case.due_on, today)  # the query reads active cases only
    left = calendar.working_days_between(today, case.due_on)  # signed: negative once overdue
    return {
        "id": case.id, "number": case.number, "kind": case.kind, "region": case.region, "due_on": case.due_on,
        "status": "overdue" if overdue else "at_risk",
        "working_days_over": -left if overdue else 0,
        "working_days_left": left,
        "stage": stages,
    }


def _late_tasks(session: Session, user: User, today: date, region: str | None, calendar: WorkingCalendar) -> list[dict[str, Any]]:
    query = scoped(select(*LATE_TASK_COLUMNS).join(Case, Case.id == CaseTask.case_id), user, CaseTask.region)
    query = query.where(overdue_clause(CaseTask.status == "open", CaseTask.due_on, today))
    if region:
        query = query.where(within(CaseTask.region, region))
    rows = session.execute(query.order_by(CaseTask.due_on, CaseTask.case_id, CaseTask.id))
    over = calendar.working_days_between
    # due_on is the last column, never NULL here: the overdue clause compared it with today
    return [dict(zip(LATE_TASK_KEYS, row, strict=True), working_days_over=over(row[-1] or today, today)) for row in rows]


def overdue_report(session: Session, user: User, today: date, calendar: WorkingCalendar, at_risk_days: int,
                   region: str | None) -> dict[str, Any]:
    """Per township: overdue cases, cases due within ``at_risk_days`` working days, late stages."""
    boundary = calendar.add_working_days(today, at_risk_days)
    columns = (Case.id, Case.number, Case.kind, Case.region, Case.township, Case.due_on)
    open_tasks = and_(CaseTask.case_id == Case.id, CaseTask.status == "open")
    query = scoped(select(*columns, CaseTask.element_id).outerjoin(CaseTask, open_tasks), user, Case.region)
    query = query.where(Case.status == "active", Case.due_on <= boundary)
    if region:
        query = query.where(within(Case.region, region))
    cases: list[Any] = []  # each case once, in order, with its open tasks' elements (its stage)
    stages: dict[int, list[str]] = defaultdict(list)
    for row in session.execute(query.order_by(Case.due_on, Case.id, CaseTask.opened_at)):
        if not cases or cases[-1].id != row.id:
            cases.append(row)
        if row.element_id is not None:
            stages[row.id].append(row.element_id)
    townships: dict[str, dict[str, Any]] = {}

    def township(code: str) -> dict[str, Any]:
        return townships.setdefault(code, {"township": code, "overdue": 0, "at_risk": 0, "stage_overdue": 0,
                                           "cases": [], "late_tasks": []})

    for case in cases:
        shown = _case_row(case, stages[case.id], today, calendar)
        entry = township(case.township)
        entry[shown["status"]] += 1
        entry["cases"].append(shown)
    for task in _late_tasks(session, user, today, region, calendar):
        entry = township(task["region"][:9])
        entry["stage_overdue"] += 1
        entry["late_tasks"].append(task)
    ordered = sorted(townships.values(), key=lambda t: (-t["overdue"], -t["at_risk"], t["township"]))
    with_names(session, ordered, "township")
    with_names(session, [row for t in ordered for row in (*t["cases"], *t["late_tasks"])], "region")
    totals = {key: sum(t[key] for t in ordered) for key in ("overdue", "at_risk", "stage_overdue")}
    return {"as_of": today, "at_risk_days": at_risk_days, "totals": totals, "townships": ordered}
