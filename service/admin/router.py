"""The test clock (only with JIUZHU_FAKE_CLOCK=1)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from sqlalchemy import update

from ..auth.service import require_role
from ..dates import SHANGHAI
from ..db import transaction
from ..deps import CurrentUser, ServicesDep
from ..errors import NotFound
from ..scheduling import run_due_schedules
from ..state import AppState
from ..timers.service import fire_all_due
from .schemas import ClockIn, ClockOut

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


def fake_clock_enabled(services: ServicesDep) -> None:
    """Without JIUZHU_FAKE_CLOCK=1 the endpoint does not exist, whoever asks."""
    if not services.settings.fake_clock:
        raise NotFound("Not Found")


@router.put("/clock", response_model=ClockOut, dependencies=[Depends(fake_clock_enabled)],
            responses={401: {}, 403: {}, 404: {"description": "the test clock is off"}})
def set_clock(body: ClockIn, services: ServicesDep, user: CurrentUser) -> ClockOut:
    """Set the persisted test clock; every timer due at the new time has fired, and every recheck and spot check
    due by then has started, before this answers."""
    require_role(user, "admin")
    now = body.now if body.now.tzinfo else body.now.replace(tzinfo=SHANGHAI)
    with transaction(services.sessions) as session:
        session.execute(update(AppState).where(AppState.id == 1).values(fake_now=now))
    fired = fire_all_due(services, now)
    scheduled = run_due_schedules(services, now)
    return ClockOut(now=now.astimezone(SHANGHAI), fired=fired, rechecks_started=scheduled.rechecks,
                    spot_checks_started=scheduled.spot_checks)
