"""The timer loop: in ``jiuzhu worker`` processes and, unless disabled, inside ``jiuzhu serve``."""

from __future__ import annotations

import logging
import threading

from ..scheduling import run_due_schedules
from ..services import Services
from .service import fire_due

log = logging.getLogger("jiuzhu.timers")


class TimerLoop:
    """Sweeps due timers, then the date-driven schedules (rechecks, spot checks), every ``timer_poll_seconds``."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        poll = self.services.settings.timer_poll_seconds
        while not self.stopping.is_set():
            try:
                now = self.services.clock.now()
                sweep = fire_due(self.services, now)
                if sweep.fired or sweep.failed:
                    log.info("timers: %d fired, %d failed", sweep.fired, sweep.failed)
                scheduled = run_due_schedules(self.services, now)
                if scheduled.rechecks or scheduled.spot_checks:
                    log.info("schedules: %d rechecks opened, %d spot checks drawn", scheduled.rechecks, scheduled.spot_checks)
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                log.exception("timer sweep failed; retrying")
            self.stopping.wait(poll)

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="jiuzhu-timers", daemon=True)
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
