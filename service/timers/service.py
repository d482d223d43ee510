"""Firing due timers: durable, at least once, idempotent.

A sweep claims a batch of due timer rows with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite has a
single writer) and, in the same transaction, fires each case's timers in the engine. The claim is
the transaction: a worker killed mid-sweep has its transaction rolled back by the database and
another worker takes the rows. A case another request holds is skipped (``SKIP LOCKED`` on the
case row, so a worker never waits on a request) and taken at the next sweep. Firing is idempotent:
the engine fires a timer once, and a row whose timer already fired is simply removed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..cases import workflow
from ..cases.models import Case
from ..db import transaction
from ..deps import Services
from ..errors import Incident
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


def _fire_case(services: Services, session: Session, case: Case, now: datetime, sweep: Sweep) -> None:
    op = workflow.Operation(services, session, now + TICK, "system")
    try:
        with session.begin_nested():
            snapshot = workflow.run(op, case, lambda instance, host: instance.fire_timers(host))
        sweep.fired += sum(1 for h in snapshot.happened if h.kind == "timer")
    except Incident as exc:
        _incident(session, case, now, exc.detail)
        sweep.failed += 1
        return
    stuck = session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.due_at <= now, Timer.failed_at.is_(None))).all()
    if stuck:  # the engine did not fire what the row says is due: never loop on it
        names = ", ".join(t.element_id for t in stuck)
        _incident(session, case, now, {"element_id": stuck[0].element_id, "reason": f"timer(s) {names} due but not fired by the engine"})
        sweep.failed += 1


def _incident(session: Session, case: Case, now: datetime, detail: dict[str, Any]) -> None:
    """The case waits for a designer: its due timers are set aside so no sweep spins on them."""
    log.error("case %s incident at %s: %s", case.number, detail.get("element_id"), detail.get("reason"))
    workflow.record_incident(session, case.id, now, "system", detail)
    for timer in session.scalars(select(Timer).where(Timer.case_id == case.id, Timer.due_at <= now)):
        timer.failed_at, timer.last_error = now, str(detail.get("reason"))[:2000]


def sweep_once(services: Services, now: datetime, batch: int | None = None) -> Sweep:
    """Claim one batch of due timers and fire them, in one transaction."""
    sweep = Sweep()
    with transaction(services.sessions) as session:
        rows = session.scalars(_due(now, batch or services.settings.timer_batch)).all()
        sweep.claimed = len(rows)
        for case_id in dict.fromkeys(r.case_id for r in rows):
            case = session.scalar(select(Case).where(Case.id == case_id).with_for_update(skip_locked=True))
            if case is None:
                sweep.skipped += 1
                continue
            if case.status != "active":
                for row in rows:
                    if row.case_id == case_id:
                        session.delete(row)
                continue
            _fire_case(services, session, case, now, sweep)
    return sweep


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
