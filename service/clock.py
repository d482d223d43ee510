"""Where "now" comes from. Domain code takes a Clock; only this module reads the wall clock."""

from __future__ import annotations

import time
from datetime import date, datetime
from typing import Annotated, Protocol

from pydantic import PlainSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from .dates import SHANGHAI as SHANGHAI  # the one time zone; also importable from here
from .state import AppState


def local_date(instant: datetime) -> date:
    """The calendar date in China of an instant."""
    return instant.astimezone(SHANGHAI).date()


def start_of(day: date) -> datetime:
    """Midnight at the start of a day in China."""
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """The real time, timezone-aware."""

    def now(self) -> datetime:
        return datetime.now(SHANGHAI)


def monotonic() -> float:
    return time.monotonic()


class FixedClock:
    """A clock that says what it is told (tests and the persisted test clock)."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> None:
        self.instant = instant


class DatabaseClock:
    """The test clock (``JIUZHU_FAKE_CLOCK=1``): the instant stored in the database, shared by
    every process on that database. Unset, it reads the real time."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self.fallback = SystemClock()

    def now(self) -> datetime:
        with self.factory() as session:
            stored = session.scalar(select(AppState.fake_now).where(AppState.id == 1))
        return stored.astimezone(SHANGHAI) if stored is not None else self.fallback.now()


def _render(value: datetime) -> str:
    return value.astimezone(SHANGHAI).isoformat()


Instant = Annotated[datetime, PlainSerializer(_render, return_type=str)]
"""An instant in API responses, always written with the +08:00 offset."""
