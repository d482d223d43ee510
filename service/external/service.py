"""Fetch and lock, complete, fail, extend a lock; an admin retries a task that became an incident.

**The lock is a lease on the row**, unlike the timer sweep's claim (:mod:`service.timers.service`):
a worker holds it between requests, for ``lock_seconds``, while it calls the other system. Fetching
claims rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has a single writer), so workers
fetching at once get disjoint tasks; a task whose lock expired is fetchable again; every later call
is fenced by the holder and the expiry: a worker whose lock expired, or that never held it, gets a
409 and cannot complete a task another worker now holds, so each task is completed exactly once.

A failure with retries left frees the task after ``retry_seconds`` (the worker's back-off); at 0
retries the task becomes an incident on its case, shown with the case, until an admin retries it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import scope_prefix, within
from ..cases import workflow
from ..cases.models import Case
from ..cases.service import load as load_case
from ..cases.workflow import Operation
from ..errors import Conflict, Invalid, NotFound, problem
from ..roles import ADMIN
from ..tasks.validation import validate
from .models import ExternalTask


@dataclass(frozen=True)
class Locked:
    """A task as a worker receives it."""

    task: ExternalTask
    case_number: str


def _topics(user: User) -> set[str]:
    return set(user.topics or ())


def fetch_and_lock(session: Session, user: User, now: datetime, worker_id: str, max_tasks: int,
                   topics: dict[str, int]) -> list[Locked]:
    """Lock up to ``max_tasks`` open tasks of the asked topics (those the user has) in its region, oldest first."""
    asked = {t: s for t, s in topics.items() if t in _topics(user)}
    if not asked:
        return []
    query = (
        select(ExternalTask).where(
            ExternalTask.status == "open", ExternalTask.topic.in_(asked),
            within(ExternalTask.region, scope_prefix(user.region)),
            or_(ExternalTask.lock_expires_at.is_(None), ExternalTask.lock_expires_at <= now),
            or_(ExternalTask.retry_at.is_(None), ExternalTask.retry_at <= now),
        ).order_by(ExternalTask.created_at, ExternalTask.id).limit(max_tasks).with_for_update(skip_locked=True)
    )
    tasks = list(session.scalars(query))
    for task in tasks:
        task.worker_id, task.lock_expires_at = worker_id, now + timedelta(seconds=asked[task.topic])
    numbers: dict[int, str] = {}
    if tasks:
        numbers = {i: n for i, n in session.execute(select(Case.id, Case.number).where(Case.id.in_({t.case_id for t in tasks})))}
    return [Locked(t, numbers.get(t.case_id, "")) for t in tasks]


def load(session: Session, user: User, task_id: str) -> ExternalTask:
    """The task if it is of the user's topics and region (an admin's: any); otherwise 404."""
    task = session.get(ExternalTask, task_id)
    visible = task is not None and (user.role == ADMIN or (
        task.topic in _topics(user) and task.region.startswith(scope_prefix(user.region))))
    if task is None or not visible:
        raise NotFound(f"external task {task_id} not found")
    return task


def _held(op: Operation, user: User, task_id: str, worker_id: str) -> tuple[ExternalTask, Case]:
    """The task and its case, locked, if ``worker_id`` holds an unexpired lock on it; otherwise 409."""
    task = load(op.session, user, task_id)
    case = load_case(op.session, user, task.case_id, lock=True)
    op.session.refresh(task)  # as it is now that the case is ours
    if task.status != "open":
        raise Conflict(f"external task {task.id} is {task.status}")
    if task.worker_id != worker_id:
        raise Conflict(f"external task {task.id} is not locked by worker '{worker_id}'")
    if task.lock_expires_at is None or task.lock_expires_at <= op.now:
        raise Conflict(f"the lock of worker '{worker_id}' on external task {task.id} expired at "
                       f"{task.lock_expires_at.isoformat() if task.lock_expires_at else '-'}; fetch it again")
    return task, case


def _clean(process_form: Any, variables: Any) -> dict[str, Any]:
    """Variables checked like a form when the task declares one; otherwise plain names of JSON values."""
    if process_form:
        try:
            return validate(process_form, variables)
        except Invalid as exc:
            for p in exc.detail:
                p["loc"] = ["body", "variables", *p["loc"][2:]]
            raise
    bad = [k for k in variables if not str(k).isidentifier() or str(k).startswith("_")]
    if bad:
        raise Invalid([problem(("body", "variables", bad[0]), "variable names are plain identifiers, not starting with '_'")])
    return dict(variables)


def complete(op: Operation, user: User, task_id: str, worker_id: str, variables: dict[str, Any]) -> ExternalTask:
    """The worker's result goes into the case's workflow, which moves on; recorded with the worker's id."""
    task, case = _held(op, user, task_id, worker_id)
    info = workflow.process_of(op, case).external_tasks.get(task.element_id)
    cleaned = _clean(info.form if info else (), variables)
    task.status, task.completed_at, task.result = "done", op.now, cleaned
    task.lock_expires_at = None
    audit.record(op.session, case=case, at=op.now, actor=user.name, type="external_task.completed", element_id=task.element_id,
                 data={"task_id": task.id, "topic": task.topic, "worker_id": worker_id, "variables": cleaned})
    workflow.run(op, case, lambda instance, host: instance.complete_external(task.id, cleaned, host))
    return task


def fail(op: Operation, user: User, task_id: str, worker_id: str, error: str, retries: int, retry_seconds: int) -> ExternalTask:
    """Retries left: free the task after the back-off. None left: an incident on the case."""
    task, case = _held(op, user, task_id, worker_id)
    task.failures += 1
    task.error, task.retries, task.worker_id, task.lock_expires_at = error[:2000], retries, None, None
    data = {"task_id": task.id, "topic": task.topic, "worker_id": worker_id, "error": error[:2000], "retries": retries}
    if retries > 0:
        task.retry_at = op.now + timedelta(seconds=retry_seconds)
        audit.record(op.session, case=case, at=op.now, actor=user.name, type="external_task.failed",
                     element_id=task.element_id, data={**data, "retry_at": task.retry_at})
        return task
    task.status = "incident"
    audit.record(op.session, case=case, at=op.now, actor=user.name, type="external_task.failed", element_id=task.element_id, data=data)
    workflow.record_incident(op.session, case.id, op.now, user.name, {
        "element_id": task.element_id, "reason": f"external task '{task.topic}' failed with no retries left: {error[:500]}",
        "external_task_id": task.id})
    return task


def extend_lock(op: Operation, user: User, task_id: str, worker_id: str, lock_seconds: int) -> ExternalTask:
    task, _ = _held(op, user, task_id, worker_id)
    task.lock_expires_at = op.now + timedelta(seconds=lock_seconds)
    return task


def retry(op: Operation, user: User, task_id: str, retries: int) -> ExternalTask:
    """An admin sends an incident's task back to the workers with ``retries`` attempts."""
    task = load(op.session, user, task_id)
    case = load_case(op.session, user, task.case_id, lock=True)
    op.session.refresh(task)
    if task.status != "incident":
        raise Conflict(f"external task {task.id} is {task.status}, not an incident")
    task.status, task.retries, task.retry_at, task.error = "open", retries, None, None
    if case.incident and case.incident.get("external_task_id") == task.id:
        case.incident = None
    audit.record(op.session, case=case, at=op.now, actor=user.name, type="external_task.retried", element_id=task.element_id,
                 data={"task_id": task.id, "topic": task.topic, "retries": retries})
    return task


def search(session: Session, status: str | None, topic: str | None, case_id: int | None, limit: int) -> list[ExternalTask]:
    query = select(ExternalTask)
    if status:
        query = query.where(ExternalTask.status == status)
    if topic:
        query = query.where(ExternalTask.topic == topic)
    if case_id:
        query = query.where(ExternalTask.case_id == case_id)
    return list(session.scalars(query.order_by(ExternalTask.created_at.desc(), ExternalTask.id).limit(limit)))
