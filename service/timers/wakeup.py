"""How a timer worker waits between sweeps: until the next due time, or until the database says so.

On PostgreSQL a worker keeps one connection of its own listening on ``"jiuzhu_timers:<schema>"``;
triggers (migration ``timer_notify``) notify it at the commit of any transaction that writes a timer
row or moves the test clock, so a new or earlier timer, or a clock jump, is swept at once instead of
at the next poll. Whatever the database, the worker never sleeps past the next due time
(:func:`next_due`), nor longer than ``timer_poll_seconds``.

A notification is only a hint: the sweep reads the rows, so a lost notification (a dropped
connection, a worker started after the commit) costs at most one poll, never a timer.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, pool, select
from sqlalchemy.orm import Session

from ..db import is_sqlite, make_engine
from ..services import Services
from .models import Timer

log = logging.getLogger("jiuzhu.timers")
SLICE = 0.5  # the longest a wait blocks without looking at the stop flag
CLOCK = "app_state"  # the payload of a notification sent because the test clock moved


def next_due(session: Session) -> datetime | None:
    """When the earliest timer that a sweep would take falls due (None: no timer waits)."""
    return session.scalar(select(func.min(Timer.due_at)).where(Timer.failed_at.is_(None)))


def channel(schema: str) -> str:
    return f"jiuzhu_timers:{schema}"


class Wakeup(Protocol):
    def wait(self, seconds: float) -> set[str]:
        """Block up to ``seconds`` or until told to sweep; the payloads that woke it (empty: the time ran out)."""
        ...

    def close(self) -> None: ...


class Sleeper:
    """SQLite (no notifications): sleep the whole time, waking early only to stop."""

    def __init__(self, stopping: threading.Event) -> None:
        self.stopping = stopping

    def wait(self, seconds: float) -> set[str]:
        self.stopping.wait(seconds)
        return set()

    def close(self) -> None:
        return None


class Listener:
    """PostgreSQL: ``LISTEN`` on a connection of its own (autocommit, outside the pool)."""

    def __init__(self, url: str, stopping: threading.Event) -> None:
        self.url = url
        self.stopping = stopping
        self.engine = make_engine(url, poolclass=pool.NullPool)
        self.connection: Any = None
        self.fallback = Sleeper(stopping)

    def listen(self) -> None:
        """Open the connection and subscribe; called before the first sweep, so no commit falls between."""
        from psycopg import sql

        raw = self.engine.raw_connection()
        connection = raw.driver_connection
        assert connection is not None
        connection.autocommit = True
        schema = connection.execute("SELECT current_schema()").fetchone()[0]
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel(schema))))
        self.raw, self.connection = raw, connection

    def wait(self, seconds: float) -> set[str]:
        if self.connection is None:
            try:
                self.listen()
            except Exception:  # noqa: BLE001 - the database is away: poll until it is back
                log.warning("timer notifications unavailable; polling", exc_info=True)
                return self.fallback.wait(min(seconds, 5.0))
        payloads: set[str] = set()
        deadline = time.monotonic() + seconds
        try:
            while not payloads and not self.stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                for note in self.connection.notifies(timeout=min(left, SLICE), stop_after=1):
                    payloads.add(note.payload)
            if payloads:  # what else is already queued, without waiting
                for note in self.connection.notifies(timeout=0.0):
                    payloads.add(note.payload)
        except Exception:  # noqa: BLE001 - a lost connection: drop it, the next wait reconnects
            log.warning("timer notification connection lost", exc_info=True)
            self._drop()
            return {CLOCK}  # sweep and re-read everything, as after a clock move
        return payloads

    def _drop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):  # already gone
                self.raw.close()
        self.connection = None

    def close(self) -> None:
        self._drop()
        self.engine.dispose()


def for_services(services: Services, stopping: threading.Event) -> Wakeup:
    url = services.settings.database_url
    if is_sqlite(url):
        return Sleeper(stopping)
    listener = Listener(url, stopping)
    try:
        listener.listen()
    except Exception:  # noqa: BLE001 - the first wait retries
        log.warning("timer notifications unavailable at start; polling", exc_info=True)
    return listener
