"""Opening rechecks when they fall due: driven by the injected clock, durable in ``next_recheck_on``.

A recheck is due when its date has come; nothing is held in memory, so a restart loses none. Any
number of timer workers may run this: due beneficiaries are claimed with ``FOR UPDATE SKIP LOCKED``
in batches, one transaction a batch, and a beneficiary with an open recheck is not due. The
approving case is locked next, also skipping a locked one (a request holding it may be about to
lock the beneficiary: waiting could deadlock); it is taken at the next sweep.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..cases.models import Case
from ..cases.workflow import Operation
from ..clock import local_date
from ..db import transaction
from ..services import Services
from .models import Beneficiary
from .service import start_recheck


def start_due_rechecks(services: Services, now: datetime, batch: int | None = None) -> int:
    """Open a recheck for every beneficiary due by ``now``'s date; returns how many were opened."""
    size = batch or services.settings.timer_batch
    today = local_date(now)
    started = 0
    while True:
        with transaction(services.sessions) as session:
            due = session.scalars(
                select(Beneficiary)
                .where(Beneficiary.status == "active", Beneficiary.recheck_case_id.is_(None), Beneficiary.next_recheck_on <= today)
                .order_by(Beneficiary.next_recheck_on, Beneficiary.id).limit(size).with_for_update(skip_locked=True)
            ).all()
            op = Operation(services, session, now, "system")
            opened = 0
            for beneficiary in due:
                if session.scalar(select(Case.id).where(Case.id == beneficiary.case_id).with_for_update(skip_locked=True)):
                    start_recheck(op, beneficiary)
                    opened += 1
        started += opened
        if len(due) < size or opened == 0:  # nothing more due, or all of it held elsewhere: the next sweep
            return started


def end_tapers(services: Services, now: datetime) -> int:
    """渐退 over: a tapering benefit whose last month has passed is stopped."""
    today = local_date(now)
    with transaction(services.sessions) as session:
        ended = session.scalars(select(Beneficiary).where(Beneficiary.status == "tapering", Beneficiary.stopped_on <= today)
                                .with_for_update(skip_locked=True)).all()
        for b in ended:
            b.status, b.updated_at = "stopped", now
    return len(ended)
