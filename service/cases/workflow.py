"""Running engine operations on a case and storing what they produced.

After every operation the case row gets the new workflow JSON, and the small tables that queries
use are brought in line with the snapshot: open tasks, durable timers and token positions. Some
element ids have a meaning for the host:

- the milestone ``accepted`` (an intermediate throw event): the statutory clock starts today;
- the milestone ``overdue``: the statutory deadline passed, recorded as ``case.overdue``;
- the milestone ``advance_paid`` (linshi 先行救助): the advance is recorded as ``case.advance_paid``;
- the milestone ``paperwork_overdue``: the paperwork after an advance is late, ``case.paperwork_overdue``;
- the milestone ``beyond_authority``: a confirmed amount above the confirmer's authority, ``case.beyond_authority``;
- an end event whose id is ``closed_<status>`` (``closed_approved``, ``closed_rejected``,
  ``closed_completed`` for rechecks and spot checks): the case closes with that status when the
  workflow finishes, and :data:`CASE_CLOSED` is published: the registers that follow a case's end
  (:mod:`service.followers`) are updated (an approved dibao or tekun application becomes a
  beneficiary; a recheck's outcome or a spot check's conclusion is applied).

Completing ``confirm`` or ``county_deliberation`` with ``approved`` true is cross-checked first
(:mod:`service.cases.crosscheck`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, select, tuple_
from sqlalchemy.orm import Session

from .. import metrics
from ..audit import service as audit
from ..calendar.functions import CaseFacts, host_functions, statutory_due_on
from ..calendar.workdays import WorkingCalendar
from ..clock import local_date
from ..engine import (
    SERIALIZER_VERSION,
    CompiledProcess,
    Host,
    Instance,
    ProcessError,
    ReadyTask,
    Snapshot,
)
from ..errors import Incident
from ..events import Topic
from ..external import rows as external_rows
from ..services import Services
from ..tasks.models import CaseTask
from ..timers.models import Timer
from .models import Case, CasePosition

CLOSED_STATUSES = ("approved", "rejected", "terminated", "completed")
FACT_KEYS = (  # decisions worth showing on the case without reading its workflow
    "publicity_from", "publicity_until", "monthly_amount", "amount", "confirmer", "deliberation",
    "support_mode", "self_care", "advance_amount", "advance_paid_on", "proposed_amount", "reason",
    "outcome", "recheck_class", "conclusion", "decision", "conference", "decided_by", "referrals",
)
MILESTONES = {  # throw events recorded as history events with these task data
    "advance_paid": ("case.advance_paid", ("advance_amount", "advance_paid_on", "advance_method")),
    "paperwork_overdue": ("case.paperwork_overdue", ()),
    # a confirmation above the confirmer's authority does not stand: it goes to the body that has it
    "beyond_authority": ("case.beyond_authority", ("amount", "decided_by", "confirmer", "deliberation", "conference")),
}


@dataclass(frozen=True)
class CaseClosed:
    """A case has closed with ``case.status``; ``outcome`` is its workflow's final data (empty when withdrawn)."""

    op: Operation
    case: Case
    outcome: dict[str, Any]


CASE_CLOSED: Topic[CaseClosed] = Topic("case.closed")


@dataclass
class CaseRows:
    """A case's open tasks and timers, read beforehand (after its lock); None: not read, the operation reads them."""

    tasks: list[CaseTask] | None = None
    timers: list[Timer] | None = None


@dataclass
class Operation:
    """One change to one case: who makes it, when, with which services and session.

    ``prefetched`` holds rows read beforehand (for a timer sweep, many cases' in one query); each
    case's are used once, by the first operation on that case, instead of a query of its own.
    ``open_tasks`` are each case's open tasks after the operation, in the order queues show them.
    When ``gone_positions`` is a list, the position rows to delete are collected there, and the
    caller deletes them (:func:`delete_positions`) for many operations at once.
    """

    services: Services
    session: Session
    now: datetime
    actor: str
    prefetched: dict[int, CaseRows] = field(default_factory=dict)
    open_tasks: dict[int, list[CaseTask]] = field(default_factory=dict)
    gone_positions: list[tuple[int, str]] | None = None

    @property
    def today(self) -> date:
        return local_date(self.now)

    def calendar(self) -> WorkingCalendar:
        return self.services.calendars.get(self.session)


def prefetch(session: Session, case_ids: list[int]) -> dict[int, CaseRows]:
    """The open tasks and the timers of many cases, in two queries."""
    tasks: dict[int, list[CaseTask]] = {case_id: [] for case_id in case_ids}
    timers: dict[int, list[Timer]] = {case_id: [] for case_id in case_ids}
    if case_ids:
        for task in session.scalars(select(CaseTask).where(CaseTask.case_id.in_(case_ids), CaseTask.status == "open")):
            tasks[task.case_id].append(task)
        for timer in session.scalars(select(Timer).where(Timer.case_id.in_(case_ids))):
            timers[timer.case_id].append(timer)
    return {case_id: CaseRows(tasks[case_id], timers[case_id]) for case_id in case_ids}


def open_task_rows(session: Session, case_id: int) -> list[CaseTask]:
    """The case's open tasks as the database has them now (rows already loaded are refreshed)."""
    query = select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.status == "open")
    return list(session.scalars(query.execution_options(populate_existing=True)))


def facts_of(op: Operation, case: Case) -> CaseFacts:
    return CaseFacts(kind=case.kind, pack=op.services.rules.get(case.rule_pack, case.rule_pack_version), accepted_on=case.accepted_on, extended=case.extended)


def host_for(op: Operation, case: Case, at: datetime | None = None) -> Host:
    instant = at or op.now
    return Host(instant, host_functions(op.calendar(), facts_of(op, case), instant))


def process_of(op: Operation, case: Case) -> CompiledProcess:
    """The process the case runs on: its BPMN version with the decision versions it started with."""
    return op.services.registry.exact(op.session, case.process_key, case.process_version, case.decisions or {})


def peek(op: Operation, case: Case) -> Instance:
    """The case's workflow, restored to be read (e.g. what messages it waits for)."""
    try:
        return Instance.restore(process_of(op, case), case.workflow)
    except ProcessError as exc:
        detail = {"element_id": exc.element_id, "reason": exc.reason}
        raise Incident(detail, lambda session: record_incident(session, case.id, op.now, op.actor, detail)) from None


def run(op: Operation, case: Case, action: Callable[[Instance, Host], Snapshot], *, flush: bool = True) -> Snapshot:
    """Restore the case's workflow, run ``action`` on it, and store the outcome.

    A failure inside the diagram becomes a 409 naming the element (:class:`Incident`), raised before
    anything is written to the session, so nothing is stored and a caller may carry on with other
    cases in the same transaction. The changes are flushed once at the end, so the case row is
    written once per operation; ``flush=False`` leaves that to the caller, who may flush many cases'
    changes together.
    """
    process = process_of(op, case)
    with op.session.no_autoflush:
        try:
            instance = _instance(op, case, process)
            snapshot = action(instance, host_for(op, case))
        except ProcessError as exc:
            detail = {"element_id": exc.element_id, "reason": f"the process failed: {exc.reason}"}
            raise Incident(detail, lambda session: record_incident(session, case.id, op.now, op.actor, detail)) from None
        apply(op, case, process, snapshot)
    if flush:
        op.session.flush()
    op.services.workflows.keep(case.id, snapshot.state, instance)  # used only if the row still holds this JSON
    return snapshot


def _instance(op: Operation, case: Case, process: CompiledProcess) -> Instance:
    """The case's workflow: from this process's memory when it left the row as the row is now, else restored."""
    instance = op.services.workflows.take(case.id, case.workflow, process)
    metrics.WORKFLOW_CACHE.labels("miss" if instance is None else "hit").inc()
    return instance or Instance.restore(process, case.workflow)


def record_incident(session: Session, case_id: int, at: datetime, actor: str, detail: dict[str, Any]) -> Case | None:
    """Mark the case with a failure inside its diagram, in the history too; it waits for a designer's fix."""
    case = session.get(Case, case_id)
    if case is not None:
        case.incident = {"at": at.isoformat(), **detail}
        audit.record(session, case=case, at=at, actor=actor, type="case.incident", element_id=detail.get("element_id"),
                     data={"reason": detail.get("reason")})
    return case


def apply(op: Operation, case: Case, process: CompiledProcess, snapshot: Snapshot) -> None:
    case.workflow = snapshot.state
    case.serializer_version = SERIALIZER_VERSION
    case.updated_at = op.now
    case.incident = None
    for happened in snapshot.happened:
        _on_happened(op, case, happened.element_id, happened.kind, snapshot.data)
    rows = op.prefetched.pop(case.id, None)  # read before this operation: good for its first use only
    op.open_tasks[case.id] = _sync_tasks(op, case, snapshot.ready, rows.tasks if rows else None)
    _sync_timers(op, case, snapshot, rows.timers if rows else None)
    if snapshot.external or external_rows.had_external(case.positions):
        variables = {**snapshot.data, **external_rows.people(case.applicant_name, case.applicant_id_number, case.household)}
        external_rows.sync(op.session, case.id, case.region, op.now, snapshot.external, variables)
    _sync_positions(op, case, snapshot)
    case.facts = {**case.facts, **{k: snapshot.data[k] for k in FACT_KEYS if k in snapshot.data}}
    if snapshot.finished and case.status == "active":
        status = (snapshot.end_element or "").removeprefix("closed_")
        close(op, case, status if status in CLOSED_STATUSES else "terminated", {"end_event": snapshot.end_element},
              snapshot.data)


def _on_happened(op: Operation, case: Case, element_id: str, kind: str, data: dict[str, Any]) -> None:
    if element_id == "accepted" and case.accepted_on is None:
        accept(op, case)
    elif element_id == "overdue":
        audit.record(op.session, case=case, at=op.now, actor="system", type="case.overdue", element_id=element_id,
                     data={"due_on": case.due_on})
    elif element_id in MILESTONES:
        event, keys = MILESTONES[element_id]
        audit.record(op.session, case=case, at=op.now, actor=op.actor, type=event, element_id=element_id,
                     data={k: data.get(k) for k in keys})
    elif kind == "timer":
        audit.record(op.session, case=case, at=op.now, actor="system", type="timer.fired", element_id=element_id)


def accept(op: Operation, case: Case) -> None:
    """The statutory clock starts on the day of acceptance (受理之日)."""
    case.accepted_on = op.today
    case.due_on = statutory_due_on(op.calendar(), facts_of(op, case), case.accepted_on)
    pack = op.services.rules.get(case.rule_pack, case.rule_pack_version)
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="case.accepted", element_id="accepted",
                 data={"accepted_on": case.accepted_on, "due_on": case.due_on, "rule_pack": case.rule_pack,
                       "limit_days": pack.limit_days(case.kind, case.extended)})


def close(op: Operation, case: Case, status: str, data: dict[str, Any], outcome: dict[str, Any] | None = None) -> None:
    """Close the case and tell its followers; ``outcome`` is the workflow's final data, which the registers read."""
    case.status = status
    case.closed_at = op.now
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="case.closed", data={"status": status, **data})
    op.services.followers.publish(CASE_CLOSED, CaseClosed(op, case, outcome or {}))


def stage_due(calendar: WorkingCalendar, opened: date, days: int | None, unit: str | None) -> date | None:
    if days is None:
        return None
    return calendar.add_working_days(opened, days) if unit == "working" else opened + timedelta(days=days)


def _sync_tasks(op: Operation, case: Case, ready: list[ReadyTask], prefetched: list[CaseTask] | None) -> list[CaseTask]:
    """Cancel the open task rows the workflow no longer has ready, add the new ones; the open rows after."""
    found = prefetched if prefetched is not None else \
        op.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.status == "open"))
    rows = {t.id: t for t in found if t.status == "open"}  # a task completed in this operation is not flushed yet
    wanted = {r.task_id: r for r in ready}
    for task_id, row in rows.items():
        if task_id not in wanted:
            row.status = "cancelled"
    for task_id, r in wanted.items():
        if task_id in rows:
            continue
        rows[task_id] = CaseTask(
            id=task_id, case_id=case.id, element_id=r.element_id, name=r.name, role=r.role or "", region=case.region,
            kind=case.kind, status="open", stage_days=r.stage_days, stage_unit=r.stage_unit,
            opened_at=op.now.astimezone(UTC),  # as the database gives it back: the row is shown without reading it again
            due_on=stage_due(op.calendar(), op.today, r.stage_days, r.stage_unit),
        )
        op.session.add(rows[task_id])
    return sorted((t for t in rows.values() if t.status == "open"), key=lambda t: (t.opened_at, t.id))


def _sync_timers(op: Operation, case: Case, snapshot: Snapshot, prefetched: list[Timer] | None) -> None:
    found = prefetched if prefetched is not None else op.session.scalars(select(Timer).where(Timer.case_id == case.id))
    rows = {t.task_id: t for t in found}
    wanted = {w.task_id: w for w in snapshot.timers}
    for task_id, row in rows.items():
        if task_id not in wanted:
            op.session.delete(row)
    for task_id, w in wanted.items():
        have = rows.get(task_id)
        if have is None:
            op.session.add(Timer(case_id=case.id, task_id=task_id, element_id=w.element_id, due_at=w.due_at,
                                 started_at=op.now, expression=w.expression))
        elif have.due_at != w.due_at:
            have.due_at, have.failed_at, have.last_error = w.due_at, None, None


def _sync_positions(op: Operation, case: Case, snapshot: Snapshot) -> None:
    have = {p["element_id"] for p in case.positions or ()}  # the rows always mirror the case's positions
    case.positions = [
        {"element_id": p.element_id, "name": p.name, "kind": p.kind, "due_at": p.due_at.isoformat() if p.due_at else None}
        for p in snapshot.positions
    ]
    wanted = {p.element_id for p in snapshot.positions}
    gone = [(case.id, element_id) for element_id in sorted(have - wanted)]
    if op.gone_positions is not None:
        op.gone_positions += gone
    else:
        delete_positions(op.session, gone)
    for element_id in wanted - have:
        op.session.add(CasePosition(case_id=case.id, element_id=element_id))


def delete_positions(session: Session, rows: list[tuple[int, str]]) -> None:
    """Delete position rows by (case id, element id), in one statement (Core: no ORM bookkeeping needed)."""
    if rows:
        session.execute(delete(cast(Table, CasePosition.__table__)).where(tuple_(CasePosition.case_id, CasePosition.element_id).in_(rows)))
