"""Work that falls due by date rather than by timer row: opening rechecks and drawing spot checks.

The timer loop runs :func:`run_due_schedules` after each sweep, and the test clock runs it before
it answers, so both follow the injected clock; all their state is in the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .beneficiaries.schedule import end_tapers, start_due_rechecks
from .fullreview.service import open_due_batches
from .services import Services
from .spotchecks.service import draw_due_months


@dataclass
class Scheduled:
    rechecks: int = 0
    spot_checks: int = 0
    review_batches: int = 0


def run_due_schedules(services: Services, now: datetime) -> Scheduled:
    """Open the rechecks due by ``now``; draw the spot checks and open the full-review batches of months that are over."""
    end_tapers(services, now)
    return Scheduled(rechecks=start_due_rechecks(services, now), spot_checks=draw_due_months(services, now),
                     review_batches=open_due_batches(services, now))
