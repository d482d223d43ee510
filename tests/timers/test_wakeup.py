"""How a timer worker waits: woken by PostgreSQL notifications, never asleep past the next due time.

The loops here poll once an hour, so a timer they fire within the test was fired because a
notification woke them, not because their poll came round.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from service.audit.models import AuditEvent
from service.clock import SHANGHAI, DatabaseClock
from service.config import Settings
from service.followers import build_services
from service.services import Services
from service.timers import wakeup
from service.timers.models import Timer
from service.timers.worker import BUSY, TimerLoop, delay

from .test_workers import set_fake_clock, tiny_case, wait_until

HOUR = 3600.0
START = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)


def test_the_loop_sleeps_until_the_next_due_time_and_never_past_its_poll() -> None:
    assert delay(START, START + timedelta(seconds=0.3), 1.0) == pytest.approx(0.3)
    assert delay(START, START + timedelta(days=1), 1.0) == 1.0
    assert delay(START, None, 30.0) == 30.0
    assert delay(START, START - timedelta(seconds=5), 30.0) == BUSY  # still due: held by another transaction


def worker_services(database_url: str, poll: float) -> Services:
    settings = Settings(database_url=database_url, fake_clock=True, timers_in_server=False, timer_poll_seconds=poll)
    return build_services(settings)


@pytest.fixture
def loop_services(database_url: str) -> Iterator[Services]:
    services = worker_services(database_url, HOUR)
    yield services
    services.engine.dispose()


def fired(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.type == "timer.fired")) or 0


def timers_left(services: Services) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Timer)) or 0


def listening(services: Services) -> bool:
    with services.sessions() as session:
        channel = wakeup.channel(session.scalar(text("SELECT current_schema()")))
        return bool(session.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                                         "AND query LIKE :listen"), {"listen": f'LISTEN "{channel}"'}))


def test_a_clock_jump_wakes_a_waiting_worker_which_fires_the_due_timer(api, loop_services: Services) -> None:  # type: ignore[no-untyped-def]
    if not api.services.settings.database_url.startswith("postgresql"):
        pytest.skip("notifications are PostgreSQL's")
    set_fake_clock(api.services, START)
    case_id = tiny_case(api.services, START)  # due at midnight two days on
    loop = TimerLoop(loop_services)
    loop.start()
    try:
        wait_until(lambda: loop.waiting.is_set() and listening(loop_services), 60, "the worker to sweep once and wait")
        assert (fired(api.services), timers_left(api.services)) == (0, 1)  # nothing due yet: it sleeps its hour

        set_fake_clock(api.services, START + timedelta(days=2))  # the trigger on app_state notifies at commit
        wait_until(lambda: timers_left(api.services) == 0, 60, "the notification to wake the worker")
        assert fired(api.services) == 1
        with api.services.sessions() as session:
            assert session.scalar(select(AuditEvent.case_id).where(AuditEvent.type == "timer.fired")) == case_id
    finally:
        loop.stop()
    assert loop.thread is not None and not loop.thread.is_alive()  # a stop is not held up by the hour-long wait


def test_a_timer_written_while_the_worker_waits_wakes_it(api, loop_services: Services) -> None:  # type: ignore[no-untyped-def]
    if not api.services.settings.database_url.startswith("postgresql"):
        pytest.skip("notifications are PostgreSQL's")
    set_fake_clock(api.services, START)
    loop = TimerLoop(loop_services)
    loop.start()
    try:
        wait_until(lambda: loop.waiting.is_set() and listening(loop_services), 60, "the worker to sweep once and wait")
        swept = loop.sweeps
        tiny_case(api.services, START)  # a new timer row: the trigger on timers notifies
        wait_until(lambda: loop.sweeps > swept, 60, "the new timer to wake the worker")
        assert (fired(api.services), timers_left(api.services)) == (0, 1)  # woken, it swept; the timer is not due yet
    finally:
        loop.stop()


def test_a_worker_on_sqlite_polls_and_fires_what_the_clock_makes_due(api, database_url: str) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("sqlite"):
        pytest.skip("the polling path")
    set_fake_clock(api.services, START)
    tiny_case(api.services, START)
    services = worker_services(database_url, 0.05)
    loop = TimerLoop(services)
    loop.start()
    try:
        wait_until(lambda: loop.sweeps >= 2, 60, "the worker to poll")
        assert timers_left(api.services) == 1
        set_fake_clock(api.services, START + timedelta(days=2))
        assert DatabaseClock(services.sessions).now() == START + timedelta(days=2)
        wait_until(lambda: timers_left(api.services) == 0, 60, "the next poll to fire the timer")
        assert fired(api.services) == 1
    finally:
        loop.stop()
        services.engine.dispose()
