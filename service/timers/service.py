"""Firing due timers: durable, at least once, idempotent.

A sweep claims a batch of due timer rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has a
single writer) and, in the same transaction, fires each case's timers in the engine and commits.

**The claim is the transaction, and it is the lease.** Row locks do what a lease column would do,
without its costs: a worker killed mid-sweep (even ``kill -9``) has its connection closed by the
kernel, PostgreSQL rolls its transaction back at once and the rows are claimable again on the next
poll (a lease would make them wait for its expiry); a hung worker is cut off by
``idle_in_transaction_session_timeout`` (``JIUZHU_TIMER_CLAIM_TIMEOUT``, set on every sweep), which
is a lease expiry enforced by the database; and because the claim and the firing commit together,
a worker whose claim has expired can never commit a firing another worker also made (with a lease
column it could, unless every write were fenced). No extra write per timer, no second transaction.

A case another request holds is skipped (``SKIP LOCKED`` on the case row, so a worker never waits
on a request) and taken at the next sweep. Firing is idempotent: the engine fires a timer once,
its row is removed in the same transaction, so a timer appears once in a case's history. A row the
engine did not fire is marked failed with an incident, so no worker loops on it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, undefer

from .. import metrics
from ..cases import workflow
from ..cases.models import Case
from ..db import is_sqlite, transaction
from ..errors import Incident
from ..services import Services
from .models import Timer

log = logging.getLogger("jiuzhu.timers")
TICK = timedelta(microseconds=1)  # a timer due exactly now has fired: the engine compares strictly


@dataclass
class Sweep:
    claimed: int = 0
    fired: int = 0
    skipped: int = 0
    failed: int = 0


def _due(now: datetime, limit: int):  # type: ignore[no-untyped-def]
    return (
        select(Timer).where(Timer.due_at <= now, Timer.failed_at.is_(None))
        .order_by(Timer.due_at, Timer.id).limit(limit).with_for_update(skip_locked=True)
    )


def _fire_case(op: workflow.Operation, case: Case, now: datetime, sweep: Sweep) -> bool:
    """Fire the case's due timers; False when it became an incident instead.

    No savepoint: an incident is raised before the operation writes anything (``workflow.run``), so
    the cases fired before it in the sweep keep their changes and it only adds its incident.
    """
    session = op.session
    try:
        snapshot = workflow.run(op, case, lambda instance, host: instance.fire_timers(host), flush=False)
        sweep.fired += sum(1 for h in snapshot.happened if h.kind == "timer")
    except Incident as exc:
        _incident(session, case, now, exc.detail)
        sweep.failed += 1
        return False
    stuck: list[Timer] = []
    if any(t.due_at <= now for t in snapshot.timers):  # rare: only then ask which rows are still due
        stuck = list(session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.due_at <= now, Timer.failed_at.is_(None))))
    if stuck:  # the engine did not fire what the row says is due: never loop on it
        names = ", ".join(t.element_id for t in stuck)
        _incident(session, case, now, {"element_id": stuck[0].element_id, "reason": f"timer(s) {names} due but not fired by the engine"})
        sweep.failed += 1
        return False
    return True


def _incident(session: Session, case: Case, now: datetime, detail: dict[str, Any]) -> None:
    """The case waits for a designer: its due timers are set aside so no sweep spins on them."""
    log.error("case %s incident at %s: %s", case.number, detail.get("element_id"), detail.get("reason"))
    workflow.record_incident(session, case.id, now, "system", detail)
    for timer in session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.due_at <= now)):
        timer.failed_at, timer.last_error = now, str(detail.get("reason"))[:2000]


def _claim_timeout(services: Services, session: Session) -> None:
    """PostgreSQL ends this sweep's transaction, and so frees its claims, if the worker hangs."""
    if not is_sqlite(services.settings.database_url):
        millis = int(services.settings.timer_claim_timeout * 1000)
        session.execute(text(f"SET LOCAL idle_in_transaction_session_timeout = {millis}"))


def _lock_cases(session: Session, case_ids: list[int]) -> dict[int, Case]:
    """The claimed timers' cases, locked in one query; a case another transaction holds is left out."""
    query = select(Case).where(Case.id.in_(case_ids)).options(undefer(Case.workflow)).with_for_update(skip_locked=True)
    return {case.id: case for case in session.scalars(query)}


def sweep_once(services: Services, now: datetime, batch: int | None = None) -> Sweep:
    """Claim one batch of due timers and fire them, in one transaction.

    The timer rows, then their cases, are claimed in one query each, and the open tasks and timers
    of those cases read in one query each; the changes of the whole batch are flushed together, and
    the positions the cases left are deleted in one statement.
    """
    sweep = Sweep()
    fired_due: list[datetime] = []
    with transaction(services.sessions) as session:
        _claim_timeout(services, session)
        rows = session.scalars(_due(now, batch or services.settings.timer_batch)).all()
        sweep.claimed = len(rows)
        claimed: dict[int, list[Timer]] = {}
        for row in rows:
            claimed.setdefault(row.case_id, []).append(row)
        cases = _lock_cases(session, list(claimed)) if claimed else {}
        prefetched = workflow.prefetch(session, [i for i, c in cases.items() if c.status == "active"])
        gone_positions: list[tuple[int, str]] = []
        for case_id, mine in claimed.items():
            case = cases.get(case_id)
            if case is None:
                sweep.skipped += 1
            elif case.status != "active":
                for row in mine:
                    session.delete(row)
            else:
                due = [r.due_at for r in mine]
                op = workflow.Operation(services, session, now + TICK, "system", {case_id: prefetched[case_id]},
                                        gone_positions=gone_positions)
                if _fire_case(op, case, now, sweep):
                    fired_due += due
        workflow.delete_positions(session, gone_positions)
    _observe(services, sweep, fired_due)
    return sweep


def _observe(services: Services, sweep: Sweep, fired_due: list[datetime]) -> None:
    """Metrics, once the firing is committed: lateness is that instant (on the service's clock) minus ``due_at``."""
    if not sweep.fired:
        return
    metrics.TIMERS_FIRED.inc(sweep.fired)
    committed = services.clock.now()
    for due in fired_due:
        metrics.TIMER_LATENESS.observe(max(0.0, (committed - due).total_seconds()))


def fire_due(services: Services, now: datetime, batch: int | None = None) -> Sweep:
    """Sweep until nothing due is left that this worker can claim."""
    total = Sweep()
    while True:
        sweep = sweep_once(services, now, batch)
        total.claimed += sweep.claimed
        total.fired += sweep.fired
        total.failed += sweep.failed
        total.skipped += sweep.skipped
        if sweep.claimed == 0 or sweep.claimed == sweep.skipped:
            return total


def pending_due(session: Session, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at <= now, Timer.failed_at.is_(None))) or 0


def fire_all_due(services: Services, now: datetime, timeout: float = 300.0) -> int:
    """Fire everything due at ``now``, waiting for other workers' claims; returns timers fired here."""
    fired = 0
    deadline = time.monotonic() + timeout
    while True:
        fired += fire_due(services, now).fired
        with services.sessions() as session:
            if pending_due(session, now) == 0 or time.monotonic() > deadline:
                return fired
        time.sleep(0.05)
