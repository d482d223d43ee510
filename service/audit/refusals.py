"""How many refusals one caller may write into the audit log: a budget per caller and minute.

Every refusal (401, 403, 404, 409) is audited, on the system chain. A caller who sends refusals in
a loop (a scanner, a wrong token in a script) would otherwise write one row per request without
bound, and every row waits for the system chain's head. Each caller — the user, or for an anonymous
request the client's address, kept hashed — may write ``per_minute`` records in a minute; past
that its refusals are counted, not written, and its next record carries ``unrecorded``: how many of
its refusals since the previous record were not written. The budget is per process, its memory
bounded (the least recently seen callers are forgotten first).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

MAX_CALLERS = 10_000


@dataclass
class _Window:
    minute: int
    used: int
    unrecorded: int


class RefusalBudget:
    def __init__(self, per_minute: int, max_callers: int = MAX_CALLERS) -> None:
        self.per_minute = per_minute
        self.max_callers = max_callers
        self._windows: OrderedDict[str, _Window] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def caller(actor: str, address: str | None) -> str:
        """A user by name; an anonymous request by a hash of its address (never stored in clear)."""
        if actor != "anonymous":
            return f"user:{actor}"
        return "addr:" + hashlib.sha256(f"jiuzhu-refusal|{address or '?'}".encode()).hexdigest()[:32]

    def take(self, caller: str, at: datetime) -> int | None:
        """``None`` when this refusal is not to be written; else how many before it were not (often 0)."""
        minute = int(at.timestamp() // 60)
        with self._lock:
            window = self._windows.pop(caller, None)
            if window is None or window.minute != minute:
                window = _Window(minute, 0, window.unrecorded if window else 0)
            self._windows[caller] = window
            while len(self._windows) > self.max_callers:
                self._windows.popitem(last=False)
            if window.used >= self.per_minute:
                window.unrecorded += 1
                return None
            window.used += 1
            unrecorded, window.unrecorded = window.unrecorded, 0
            return unrecorded
