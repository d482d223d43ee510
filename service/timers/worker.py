"""The timer loop: in ``jiuzhu worker`` processes and, unless disabled, inside ``jiuzhu serve``."""

from __future__ import annotations

import logging
import threading

from ..deps import Services
from .service import fire_due

log = logging.getLogger("jiuzhu.timers")


class TimerLoop:
    """Sweeps due timers every ``timer_poll_seconds`` until stopped."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        poll = self.services.settings.timer_poll_seconds
        while not self.stopping.is_set():
            try:
                sweep = fire_due(self.services, self.services.clock.now())
                if sweep.fired or sweep.failed:
                    log.info("timers: %d fired, %d failed", sweep.fired, sweep.failed)
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
