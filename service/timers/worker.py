"""The timer loop: in ``jiuzhu worker`` processes and, unless disabled, inside ``jiuzhu serve``."""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from ..scheduling import run_due_schedules
from ..services import Services
from . import wakeup
from .service import fire_due

log = logging.getLogger("jiuzhu.timers")
BUSY = 0.05  # a due timer another worker (or a request) holds: look again this soon


def delay(now: datetime, due: datetime | None, poll: float) -> float:
    """How long to sleep after a sweep: until the next due time, never longer than ``poll``.

    A timer still due after the sweep is held by another transaction (``SKIP LOCKED``): look again soon.
    """
    if due is None:
        return poll
    seconds = (due - now).total_seconds()
    return BUSY if seconds <= 0 else min(poll, seconds)


class TimerLoop:
    """Sweeps due timers, then sleeps until the next due time, a notification, or ``timer_poll_seconds``.

    The date-driven schedules (rechecks, spot checks, full reviews) run after the first sweep, when
    the test clock moves and otherwise at most once per ``timer_poll_seconds``, not after every wake-up.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.sweeps = 0  # sweeps begun (tests read it to see a wake-up happen)
        self.waiting = threading.Event()  # set while the loop waits between sweeps

    def run(self) -> None:
        poll = self.services.settings.timer_poll_seconds
        waiter = wakeup.for_services(self.services, self.stopping)
        schedules_due, woken_by = 0.0, {wakeup.CLOCK}
        try:
            while not self.stopping.is_set():
                pause = poll
                try:
                    now = self.services.clock.now()
                    self.sweeps += 1
                    sweep = fire_due(self.services, now)
                    if sweep.fired or sweep.failed:
                        log.info("timers: %d fired, %d failed", sweep.fired, sweep.failed)
                    if wakeup.CLOCK in woken_by or time.monotonic() >= schedules_due:
                        schedules_due = time.monotonic() + poll
                        scheduled = run_due_schedules(self.services, now)
                        if scheduled.rechecks or scheduled.spot_checks:
                            log.info("schedules: %d rechecks opened, %d spot checks drawn",
                                     scheduled.rechecks, scheduled.spot_checks)
                    with self.services.sessions() as session:
                        due = wakeup.next_due(session)
                    pause = delay(self.services.clock.now(), due, poll)
                except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                    log.exception("timer sweep failed; retrying")
                self.waiting.set()
                woken_by = waiter.wait(pause)
                self.waiting.clear()
        finally:
            waiter.close()

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="jiuzhu-timers", daemon=True)
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
