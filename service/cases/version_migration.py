"""Moving a running case to another version of its process (dry run or real), audited.

Running cases stay on the version they started with. A designer may move one: the dry run says
what would change; the real migration is refused when a completed step changed, and otherwise
re-syncs the case's open tasks, timers and positions and records ``case.migrated``.
"""

from __future__ import annotations

from sqlalchemy import select

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import require_role
from ..clock import local_date
from ..definitions.schemas import ElementChange, MigrateIn, MigrationOut, TaskEffect
from ..definitions.service import Registry
from ..engine import Instance, ProcessError, Snapshot
from ..engine.version_migration import MigrationPlan, migrate, plan
from ..errors import Conflict, Invalid, NotFound
from ..tasks.models import CaseTask
from . import workflow
from .models import Case
from .service import require_active
from .workflow import Operation


def _decisions(op: Operation, case: Case, newest: bool) -> dict[str, int]:
    available = {k: v for k, (v, _) in op.services.registry.newest_decisions(op.session).items()}
    return available if newest else {**available, **(case.decisions or {})}


def _out(case: Case, body: MigrateIn, decisions: dict[str, int], result: MigrationPlan, migrated: bool) -> MigrationOut:
    def change(e) -> ElementChange:  # type: ignore[no-untyped-def]
        return ElementChange(element_id=e.element_id, name=e.name, attributes=list(e.attributes))

    return MigrationOut(
        case_id=case.id, number=case.number, process=case.process_key, from_version=case.process_version,
        to_version=body.to_version, decisions=decisions, dry_run=body.dry_run, safe=result.safe, migrated=migrated,
        added=[change(e) for e in result.added], removed=[change(e) for e in result.removed],
        changed=[change(e) for e in result.changed],
        tasks=[TaskEffect(element_id=s.element_id, name=s.name, state=s.state, effect=s.effect) for s in result.steps],  # type: ignore[arg-type]
        blocking=[ElementChange(element_id=s.element_id, name=s.name) for s in result.blocking],
    )


def migrate_case(op: Operation, user: User, case: Case, body: MigrateIn) -> MigrationOut:
    require_role(user, "designer", "admin")
    require_active(case)
    try:
        Registry.get(op.session, case.process_key, body.to_version)
    except NotFound:
        raise Invalid(f"no version {body.to_version} of '{case.process_key}' is deployed", ("body", "to_version")) from None
    decisions = _decisions(op, case, body.newest_decisions)
    target = op.services.registry.process(op.session, case.process_key, body.to_version, decisions)
    decisions = {k: decisions[k] for k in target.decisions}
    if body.to_version == case.process_version and decisions == (case.decisions or {}):
        raise Conflict(f"case {case.number} is already on version {body.to_version} with these decisions")
    instance = Instance.restore(workflow.process_of(op, case), case.workflow)
    try:
        if body.dry_run:
            return _out(case, body, decisions, plan(instance, target), migrated=False)
        result, snapshot = migrate(instance, target, workflow.host_for(op, case))
    except ProcessError as exc:
        planned = plan(instance, target) if "completed steps changed" in exc.reason else None
        blocking = [{"element_id": s.element_id, "name": s.name} for s in planned.blocking] if planned else []
        raise Conflict({"msg": f"case {case.number} cannot migrate: {exc.reason}", "blocking": blocking}) from None
    out = _out(case, body, decisions, result, migrated=True)
    before = case.process_version
    case.process_version, case.decisions = body.to_version, decisions
    workflow.apply(op, case, target, snapshot)
    _refresh_open_tasks(op, case, snapshot)
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="case.migrated", data={
        "from_version": before, "to_version": body.to_version, "decisions": decisions,
        "changed": [e.element_id for e in result.changed], "added": [e.element_id for e in result.added],
        "removed": [e.element_id for e in result.removed],
        "reset": [s.element_id for s in result.steps if s.effect == "reset"]})
    out.positions_after = [p["element_id"] for p in case.positions]
    return out


def _refresh_open_tasks(op: Operation, case: Case, snapshot: Snapshot) -> None:
    """An open task keeps its id and opening day across versions; its role, name and stage limit follow the new version."""
    ready = {r.task_id: r for r in snapshot.ready}
    op.session.flush()
    for row in op.session.scalars(select(CaseTask).where(CaseTask.case_id == case.id, CaseTask.status == "open")):
        new = ready.get(row.id)
        if new is None:
            continue
        row.name, row.role = new.name, new.role or ""
        row.stage_days, row.stage_unit = new.stage_days, new.stage_unit
        row.due_on = workflow.stage_due(op.calendar(), local_date(row.opened_at), new.stage_days, new.stage_unit)
