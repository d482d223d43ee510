"""Makes SpiffWorkflow's timer code read the host's clock instead of the wall clock.

SpiffWorkflow computes and compares timer due times with the current UTC time (``now()`` of
``datetime``) inside its timer module. Every engine operation runs inside :func:`engine_time`, which sets the instant
the host's Clock gave; the timer module's ``datetime`` is replaced once by a subclass whose
``now()`` returns that instant. Outside an operation there is no "now" for the engine: asking
for one is a programming error, so no timer is ever computed on the wall clock.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

from ..dates import SHANGHAI

_current: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("jiuzhu_engine_now", default=None)


class _HostDateTime(datetime):
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        fixed = _current.get()
        if fixed is None:
            raise RuntimeError("the engine asked for the time outside an operation; run it inside engine_time(now)")
        return fixed.astimezone(tz) if tz is not None else fixed


_timer_module.datetime = _HostDateTime


@contextmanager
def engine_time(now: datetime) -> Iterator[None]:
    """Run the enclosed engine calls as if the time were ``now`` (timezone-aware)."""
    if now.tzinfo is None:
        raise ValueError("engine time must be timezone-aware")
    token = _current.set(now)
    try:
        yield
    finally:
        _current.reset(token)


# A timer text without an offset means China Standard Time (no daylight saving since 1991),
# not the server's local zone.
_timer_module.LOCALTZ = SHANGHAI
