"""Timer workers: how late timers fire, and how long 10,000 timers due at once take.

Both use copies of a real dibao case in publicity (``clone.py``) and two ``jiuzhu worker`` processes
with the default settings (poll every 1 s, batches of 50).

- Lateness: the copies' publicity ends at instants spread over a window on the real clock; each
  timer's lateness is when its row was seen gone (the firing committed) minus its due time.
- Burst: workers on the persisted test clock; the clock jumps one day and every copy's publicity
  is due at once; the time from the jump until no due timer is left.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from service.cases import service as cases
from service.cases.models import Case
from service.cases.schemas import CaseCreate
from service.cases.workflow import Operation
from service.clock import SHANGHAI, FixedClock
from service.db import transaction
from service.followers import build_services
from service.services import Services
from service.state import AppState
from service.tasks import service as tasks
from service.tasks.models import CaseTask
from service.timers.models import Timer

try:  # a version without documents (measured with the same command) asks for no signed record
    from service.documents import service as documents
except ImportError:  # pragma: no cover - only on older versions
    documents = None  # type: ignore[assignment]

from . import harness
from .clone import clone
from .scenario import RECORD, RECORD_FIELD, RECORD_KIND, STEPS, payload

BURST_START = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)  # publicity of a case accepted then ends 2026-11-10 00:00


def publicity_case(services: Services, now: datetime, n: int) -> int:
    """A dibao case walked to publicity through the service at ``now``."""
    from service.auth.service import find_user

    op_now = now
    with transaction(services.sessions) as session:
        user = find_user(session, "bench-township")
        case = cases.create(Operation(services, session, op_now, user.name), user, CaseCreate.model_validate(payload(n)))
        case_id = case.id
    for element_id, data in STEPS:
        with transaction(services.sessions) as session:
            user = find_user(session, "bench-township")
            task_id = session.scalar(select(CaseTask.id).where(CaseTask.case_id == case_id, CaseTask.element_id == element_id,
                                                              CaseTask.status == "open"))
            op = Operation(services, session, op_now, user.name)
            if element_id == "home_visit" and documents is not None:  # the signed record the form asks for
                record = documents.add(op, session.get(Case, case_id), RECORD, kind=RECORD_KIND, content_type="application/pdf",
                                       filename="record.pdf", task_id=str(task_id))
                data = {**data, RECORD_FIELD: record.id}
            tasks.complete(op, user, str(task_id), data)
    return case_id


def _remaining(services: Services, ids: set[int]) -> set[int]:
    with services.sessions() as session:
        found = session.scalars(select(Timer.case_id).where(Timer.element_id == "publicity", Timer.case_id.in_(ids)))
        return set(found)


def lateness(db: harness.BenchDatabase, services: Services, count: int, window: float) -> dict[str, Any]:
    """``count`` publicity timers due over ``window`` seconds from a few seconds ahead; lateness of each."""
    template = publicity_case(services, services.clock.now(), 900_000)
    with harness.timer_workers(db, 2) as workers:
        time.sleep(3)  # the workers are up and polling
        lead = 5 + count * 0.02  # time to write the copies
        first = datetime.now(SHANGHAI) + timedelta(seconds=lead)
        due_at = [first + timedelta(seconds=window * i / count) for i in range(count)]
        with services.engine.begin() as conn:
            ids = clone(conn, template, count, prefix="LATE", due=lambda i: {"publicity": due_at[i]})
        written = datetime.now(SHANGHAI)
        due = dict(zip(ids, due_at, strict=True))
        late = _watch(services, due, timeout=window + lead + 120)
        alive = all(w.poll() is None for w in workers)
    return {"seconds": late, "written_before_due": written < first, "workers_alive": alive}


def _watch(services: Services, due: dict[int, datetime], timeout: float) -> list[float]:
    """Poll every 50 ms; each case's lateness when its publicity timer row is first seen gone."""
    waiting, late = set(due), []
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        seen = datetime.now(SHANGHAI)
        for case_id in waiting - _remaining(services, waiting):
            late.append(max(0.0, (seen - due[case_id]).total_seconds()))
            waiting.discard(case_id)
        time.sleep(0.05)
    if waiting:
        raise RuntimeError(f"{len(waiting)} timers did not fire within {timeout:.0f} s")
    return late


def _set_clock(services: Services, instant: datetime) -> None:
    with transaction(services.sessions) as session:
        session.execute(update(AppState).where(AppState.id == 1).values(fake_now=instant))


def burst(db: harness.BenchDatabase, count: int, progress: Any) -> dict[str, Any]:
    """``count`` publicity timers due at once after a one-day clock jump; seconds until all fired, worker memory."""
    services = build_services(db.settings(), FixedClock(BURST_START))
    template = publicity_case(services, BURST_START, 900_001)
    with services.engine.begin() as conn:
        clone(conn, template, count - 1, prefix="BURST", progress=progress)
    _set_clock(services, BURST_START + timedelta(days=7))
    with harness.timer_workers(db, 2, JIUZHU_FAKE_CLOCK="1") as workers:
        time.sleep(3)
        idle_rss = [harness.rss_mb(w.pid)[0] for w in workers]
        _set_clock(services, BURST_START + timedelta(days=8))  # 2026-11-10 09:00: every publicity ended at midnight
        began = time.perf_counter()
        while _due_count(services, BURST_START + timedelta(days=8)) > 0:
            if time.perf_counter() - began > 1800:
                raise RuntimeError("the burst did not finish within 30 minutes")
            time.sleep(0.2)
        seconds = time.perf_counter() - began
        rss = [harness.rss_mb(w.pid) for w in workers]
    services.engine.dispose()
    return {"count": count, "seconds": seconds, "idle_rss_mb": idle_rss,
            "rss_mb": [r[0] for r in rss], "peak_rss_mb": [r[1] for r in rss]}


def _due_count(services: Services, now: datetime) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Timer).where(Timer.due_at <= now, Timer.failed_at.is_(None))) or 0
