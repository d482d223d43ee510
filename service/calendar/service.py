"""The calendar in use (package schedules plus published overrides) and publishing a year."""

from __future__ import annotations

import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import Invalid, problem
from ..state import AppState
from .models import CalendarYear
from .workdays import (
    MAX_YEAR,
    MIN_YEAR,
    WorkingCalendar,
    YearSchedule,
    schedule_from_lists,
)

SESSION_KEY = "jiuzhu.calendar"


class CalendarStore:
    """Hands out the current WorkingCalendar; rebuilt when any process publishes a schedule.

    The published version is checked once per session (one request or one timer sweep) and the
    answer kept in ``session.info``, so an operation asking many working-day questions costs one query.
    """

    def __init__(self) -> None:
        self._version = -1
        self._calendar = WorkingCalendar()
        self._lock = threading.Lock()

    def get(self, session: Session) -> WorkingCalendar:
        cached: WorkingCalendar | None = session.info.get(SESSION_KEY)
        if cached is not None:
            return cached
        version = session.scalar(select(AppState.calendar_version).where(AppState.id == 1)) or 0
        with self._lock:
            if version != self._version:
                rows = session.scalars(select(CalendarYear)).all()
                overrides = {r.year: _schedule(r) for r in rows}
                self._calendar, self._version = WorkingCalendar(overrides), version
            session.info[SESSION_KEY] = self._calendar
            return self._calendar


def _schedule(row: CalendarYear) -> YearSchedule:
    return schedule_from_lists(row.year, map(date.fromisoformat, row.holidays), map(date.fromisoformat, row.workdays), row.source)


def _dates(values: Any, field: str, year: int) -> tuple[list[date], list[dict[str, Any]]]:
    problems: list[dict[str, Any]] = []
    if not isinstance(values, list):
        return [], [problem(("body", field), "must be a list of dates (YYYY-MM-DD)")]
    out = []
    for i, value in enumerate(values):
        try:
            day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            day = None
        if day is None:
            problems.append(problem(("body", field, i), f"not a date (YYYY-MM-DD): {value!r}"))
        elif day.year != year:
            problems.append(problem(("body", field, i), f"{value} is not in {year}"))
        else:
            out.append(day)
    return out, problems


def check_schedule(year: int, holidays: Any, workdays: Any) -> tuple[list[date], list[date]]:
    """Validate a published schedule; 422 lists every bad date."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid([problem(("path", "year"), f"year must be between {MIN_YEAR} and {MAX_YEAR}")])
    days_off, problems = _dates(holidays, "holidays", year)
    working, more = _dates(workdays, "workdays", year)
    problems += more
    for i, day in enumerate(working):
        if day.weekday() < 5:
            problems.append(problem(("body", "workdays", i), f"{day} is a weekday; workdays lists adjusted weekend working days"))
        if day in days_off:
            problems.append(problem(("body", "workdays", i), f"{day} is listed both as a holiday and as a workday"))
    if problems:
        raise Invalid(problems)
    return sorted(set(days_off)), sorted(set(working))


def store_schedule(session: Session, year: int, days_off: list[date], working: list[date], source: str,
                   actor: str, now: datetime) -> None:
    row = session.get(CalendarYear, year)
    values = dict(holidays=[d.isoformat() for d in days_off], workdays=[d.isoformat() for d in working],
                  source=source, published_at=now, published_by=actor)
    if row is None:
        session.add(CalendarYear(year=year, **values))
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.execute(update(AppState).where(AppState.id == 1).values(calendar_version=AppState.calendar_version + 1))
    session.info.pop(SESSION_KEY, None)  # this session now sees the new schedule
    session.flush()


def seed_from_files(session: Session, directory: Path, now: datetime) -> int:
    """Load ``processes/calendars/*.yaml`` for years not yet published in the database."""
    count = 0
    for path in sorted(directory.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        year = int(raw.get("year", 0))
        if session.get(CalendarYear, year) is not None:
            continue
        days_off, working = check_schedule(year, [str(d) for d in raw.get("holidays", [])], [str(d) for d in raw.get("workdays", [])])
        store_schedule(session, year, days_off, working, str(raw.get("source", path.name)), "system", now)
        count += 1
    return count
