"""Task queues and completing a task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import metrics
from ..audit import service as audit
from ..auth.models import User
from ..auth.service import in_scope, scoped, within
from ..cases import case_dates, crosscheck, workflow
from ..cases.models import Case
from ..cases.service import load as load_case
from ..cases.workflow import Operation
from ..clock import local_date
from ..definitions.service import Registry
from ..engine import CheckFailed, FieldSpec
from ..errors import Conflict, Forbidden, Invalid, NotFound, problem
from ..events import Topic
from ..income import service as income
from ..overdue import is_overdue, overdue_clause
from ..regions.service import names
from ..roles import ADMIN
from . import validation
from .models import CaseTask
from .schemas import TaskOut


@dataclass
class TaskCompleting:
    """A task's cleaned data, about to be stored: a follower may refuse it (raise ``Invalid``) for what only its
    domain knows (a beneficiary a report names, the decisions a review batch lists)."""

    op: Operation
    case: Case
    element_id: str
    data: dict[str, Any]
    task_id: str = ""
    form: tuple[FieldSpec, ...] = ()


TASK_COMPLETING: Topic[TaskCompleting] = Topic("task.completing")


def task_out(registry: Registry, session: Session, task: CaseTask, case: Case, today: date) -> TaskOut:
    info = registry.meta(session, case.process_key, case.process_version).user_tasks.get(task.element_id)
    return TaskOut(
        id=task.id, case_id=task.case_id, case_number=case.number, kind=task.kind, purpose=case.purpose, element_id=task.element_id,
        name=task.name, role=task.role, region=task.region, region_name=names(session, [task.region])[task.region],
        status=task.status, opened_at=task.opened_at,
        due_on=task.due_on, overdue=is_overdue(task.status == "open", task.due_on, today),
        form=[f.describe() for f in info.form] if info else [], completed_at=task.completed_at, completed_by=task.completed_by,
    )


def open_tasks(session: Session, case_ids: list[int]) -> dict[int, list[CaseTask]]:
    out: dict[int, list[CaseTask]] = {i: [] for i in case_ids}
    if case_ids:
        query = select(CaseTask).where(CaseTask.case_id.in_(case_ids), CaseTask.status == "open").order_by(CaseTask.opened_at, CaseTask.id)
        for task in session.scalars(query):
            out[task.case_id].append(task)
    return out


def queue(session: Session, user: User, today: date, *, kind: str | None, region: str | None, element_id: str | None,
          overdue: bool | None, due_before: date | None, page: int, page_size: int) -> tuple[list[tuple[CaseTask, Case]], int]:
    """The caller's queue: open tasks for their role, in their region."""
    query = select(CaseTask, Case).join(Case, Case.id == CaseTask.case_id).where(CaseTask.status == "open")
    query = scoped(query, user, CaseTask.region)
    if user.role != ADMIN:
        query = query.where(CaseTask.role == user.role)
    if kind:
        query = query.where(CaseTask.kind == kind)
    if region:
        query = query.where(within(CaseTask.region, region))
    if element_id:
        query = query.where(CaseTask.element_id == element_id)
    if overdue is True:
        query = query.where(overdue_clause(CaseTask.status == "open", CaseTask.due_on, today))
    if due_before:
        query = query.where(CaseTask.due_on < due_before)
    total = session.scalar(select(func.count()).select_from(query.with_only_columns(CaseTask.id).subquery())) or 0
    rows = session.execute(query.order_by(CaseTask.due_on.is_(None), CaseTask.due_on, CaseTask.opened_at)
                           .offset((page - 1) * page_size).limit(page_size)).all()
    return [(t, c) for t, c in rows], total


def load(session: Session, user: User, task_id: str) -> CaseTask:
    task = session.get(CaseTask, task_id)
    if task is None or not in_scope(user, task.region):
        raise NotFound(f"task {task_id} not found")
    return task


def complete(op: Operation, user: User, task_id: str, data: Any) -> Case:
    """Check the role and the form, run the task in the workflow, and record who did it."""
    task = load(op.session, user, task_id)
    if user.role != task.role:
        raise Forbidden(f"task '{task.name}' is for role '{task.role}', not '{user.role}'")
    case = load_case(op.session, user, task.case_id, lock=True)
    open_rows = workflow.open_task_rows(op.session, case.id)  # read under the lock; refreshes the task
    if task not in open_rows:
        op.session.refresh(task)
        raise Conflict(f"task '{task.name}' is {task.status}, not open")
    op.prefetched[case.id] = workflow.CaseRows(tasks=open_rows)
    if case.status != "active":
        raise Conflict(f"case {case.number} is {case.status}")
    info = workflow.process_of(op, case).user_tasks.get(task.element_id)
    cleaned = validation.validate(info.form if info else (), data)
    crosscheck.at_confirmation(op.session, user, op.now, case, task.element_id, cleaned, local_date(case.created_at).year)
    income.check_decision(op, case, task.element_id, cleaned, user.name)
    case_dates.check(case, cleaned, op.today)
    op.services.followers.publish(TASK_COMPLETING, TaskCompleting(op, case, task.element_id, cleaned, task.id,
                                                                    info.form if info else ()))
    task.status, task.completed_at, task.completed_by, task.data = "done", op.now, user.name, cleaned
    audit.record(op.session, case=case, at=op.now, actor=user.name, type="task.completed", element_id=task.element_id,
                 data={"task_id": task.id, "data": cleaned})
    try:
        workflow.run(op, case, lambda instance, host: instance.complete_task(task.id, cleaned, host))
    except CheckFailed as failed:  # a rule of the diagram (a limit from the rule pack): nothing is stored
        label = next((f.label for f in info.form if f.name == failed.field), failed.field) if info else failed.field
        raise Invalid([problem(("body", "data", failed.field), f"{label}: {failed.message}")]) from None
    metrics.after_commit(op.session, metrics.TASKS_COMPLETED.labels(case.kind, task.element_id).inc)
    return case
