"""REST endpoints for the official calendar (API.md § Calendar)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..audit import service as audit
from ..auth.service import require_role
from ..cases.deadlines import recompute_year
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..errors import Invalid, problem
from .schemas import PublishedOut, ScheduleIn, WorkingDayOut, YearOut
from .service import check_schedule, store_schedule
from .workdays import MAX_YEAR, MIN_YEAR, PACKAGE_SOURCE, OutOfRange

router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])
Year = Annotated[int, Path(ge=MIN_YEAR, le=MAX_YEAR, description="a year between 2000 and 2099")]


@router.get("/add-working-days", response_model=WorkingDayOut, responses={401: {}, 422: {}})
def add_working_days(
    services: ServicesDep, session: SessionDep, user: CurrentUser,
    start: date, days: Annotated[int, Query(ge=0, le=3660)],
) -> WorkingDayOut:
    """The N-th working day after ``start`` (``start`` itself is not counted)."""
    try:
        result = services.calendars.get(session).add_working_days(start, days)
    except OutOfRange as exc:
        raise Invalid([problem(("query", "start"), str(exc))]) from None
    return WorkingDayOut(start=start, days=days, date=result)


@router.get("/{year}", response_model=YearOut, responses={401: {}, 422: {}})
def get_year(year: Year, services: ServicesDep, session: SessionDep, user: CurrentUser) -> YearOut:
    """A year's holidays and adjusted working weekends (调休), and where they come from."""
    schedule = services.calendars.get(session).schedule(year)
    published = schedule.source != PACKAGE_SOURCE
    return YearOut(year=year, holidays=sorted(schedule.holidays), workdays=sorted(schedule.workdays), source=schedule.source,
                   provisional=not published and not schedule.workdays)


@router.put("/{year}", response_model=PublishedOut, responses={401: {}, 403: {}, 422: {}})
def publish_year(year: Year, body: ScheduleIn, services: ServicesDep, session: SessionDep, user: CurrentUser,
                 now: NowDep) -> PublishedOut:
    """Publish the State Council's schedule for a year; open deadlines it touches are recomputed and audited."""
    require_role(user, "admin")
    days_off, working = check_schedule(year, body.holidays, body.workdays)
    store_schedule(session, year, days_off, working, body.source or f"published by {user.name}", user.name, now)
    audit.record(session, case=None, at=now, actor=user.name, type="calendar.published", element_id=str(year),
                 data={"year": year, "holidays": len(days_off), "workdays": [d.isoformat() for d in working], "source": body.source})
    totals = recompute_year(Operation(services, session, now, user.name), year)
    return PublishedOut(year=year, recomputed=totals.cases, tasks=totals.tasks, timers=totals.timers)
