"""Opening rechecks when they fall due: driven by the injected clock, durable in ``next_recheck_on``.

A recheck is due when its date has come; nothing is held in memory, so a restart loses none. Any
number of timer workers may run this: due beneficiaries are claimed with ``FOR UPDATE SKIP LOCKED``
in batches, one transaction a batch, and a beneficiary with an open recheck is not due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..cases.workflow import Operation
from ..clock import local_date
from ..db import transaction
from ..deps import Services
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
            for beneficiary in due:
                start_recheck(op, beneficiary)
        started += len(due)
        if len(due) < size:
            return started
