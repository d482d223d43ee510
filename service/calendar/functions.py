"""The functions a diagram may call, bound to one case at one instant.

These are the whole whitelist beside a few pure builtins (len, min, max, ...). Numbers come from
the case's rule pack through ``rule(name)``; dates from the official calendar. Dates are
``YYYY-MM-DD`` strings and instants ISO 8601 strings with the +08:00 offset, as timers want them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ..clock import local_date, start_of
from .rules import RulePack
from .workdays import WorkingCalendar

MAX_DAYS = 3660

FUNCTION_DOCS = {
    "today": "today's date (YYYY-MM-DD) on the case's clock",
    "rule": "a number from the case's rule pack, e.g. rule('publicity_days')",
    "calendar_date": "the date N calendar days after today",
    "working_date": "the N-th working day after today on the official calendar",
    "end_of_day": "the instant a date ends (midnight after it), for timers",
    "after_calendar_days": "the instant N calendar days after today end, for timers",
    "after_working_days": "the instant the N-th working day after today ends, for timers",
    "statutory_deadline": "the instant the case's statutory time limit ends (30/45/60 working days from acceptance)",
}
FUNCTION_NAMES = frozenset(FUNCTION_DOCS)


@dataclass(frozen=True)
class CaseFacts:
    """What the functions need to know about the case."""

    kind: str
    pack: RulePack
    accepted_on: date | None
    extended: bool


def statutory_due_on(calendar: WorkingCalendar, facts: CaseFacts, accepted_on: date) -> date:
    return calendar.add_working_days(accepted_on, facts.pack.limit_days(facts.kind, facts.extended))


def _days(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value:
        raise ValueError(f"a number of days must be a whole number, got {value!r}")
    if not 0 <= value <= MAX_DAYS:
        raise ValueError(f"a number of days must be between 0 and {MAX_DAYS}, got {value}")
    return int(value)


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {value!r}") from None


def end_of_day(value: Any) -> str:
    return start_of(_date(value) + timedelta(days=1)).isoformat()


def host_functions(calendar: WorkingCalendar, facts: CaseFacts, now: datetime) -> dict[str, Callable[..., Any]]:
    today = local_date(now)

    def rule(name: Any) -> Any:
        return facts.pack.value(str(name), facts.kind)

    def calendar_date(days: Any) -> str:
        return (today + timedelta(days=_days(days))).isoformat()

    def working_date(days: Any) -> str:
        return calendar.add_working_days(today, _days(days)).isoformat()

    def statutory_deadline() -> str:
        return end_of_day(statutory_due_on(calendar, facts, facts.accepted_on or today).isoformat())

    return {
        "today": lambda: today.isoformat(),
        "rule": rule,
        "calendar_date": calendar_date,
        "working_date": working_date,
        "end_of_day": end_of_day,
        "after_calendar_days": lambda days: end_of_day(calendar_date(days)),
        "after_working_days": lambda days: end_of_day(working_date(days)),
        "statutory_deadline": statutory_deadline,
    }
