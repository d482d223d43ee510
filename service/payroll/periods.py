"""Which months a roster pays and which of them a beneficiary is due: pure functions, one rule each.

A beneficiary is due a month when the benefit ran in it: approved by the month's end, not stopped
before it began (a benefit stopped on the 15th is due that month, not the next; stopped on the 1st,
not that month), and, in 渐退, within the pack's number of months from the first taper month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def month_start(month: str) -> date:
    """``2026-11`` → 2026-11-01; ValueError when it is not a month."""
    if len(month) != 7 or month[4] != "-":
        raise ValueError("month must be YYYY-MM")
    return date(int(month[:4]), int(month[5:]), 1)


def shift(first: date, months: int) -> date:
    index = first.month - 1 + months
    return date(first.year + index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def period(first: date, months: int) -> list[date]:
    """The first days of the months a roster for ``first`` covers (1 monthly, 3 quarterly)."""
    return [shift(first, i) for i in range(months)]


def opens_period(first: date, months: int) -> bool:
    """Whether a regular roster may be made for this month: every month, or a quarter's first month."""
    return (first.month - 1) % months == 0


@dataclass(frozen=True)
class Benefit:
    """What decides whether a beneficiary is due a month."""

    since: date
    stopped_on: date | None = None
    taper_from: date | None = None  # the first month of 渐退
    taper_months: int | None = None


def taper_month(b: Benefit, first: date) -> int | None:
    """Which month of 渐退 ``first`` is (1-based), or None outside 渐退."""
    if b.taper_from is None or b.taper_months is None or first < b.taper_from:
        return None
    return months_between(b.taper_from, first) + 1


def is_due(b: Benefit, first: date) -> bool:
    if b.since > month_end(first):
        return False
    if b.stopped_on is not None and b.stopped_on <= first:
        return False
    n = taper_month(b, first)
    return n is None or b.taper_months is None or n <= b.taper_months


def due_months(b: Benefit, months: list[date]) -> int:
    return sum(1 for first in months if is_due(b, first))


def change(b: Benefit, months: list[date], previous_amount: float | None, amount: float) -> str:
    """The row's change since the last roster: new, adjusted, unchanged, stopping, or 渐退 ``taper n/m``."""
    last = months[-1]
    n = taper_month(b, last)
    if n is not None and b.taper_months:
        return f"taper {n}/{b.taper_months}"
    if not is_due(b, shift(last, 1)):
        return "stopping"
    if previous_amount is None:
        return "new"
    return "unchanged" if abs(previous_amount - amount) < 0.005 else "adjusted"
