"""Dates: the one time zone, ages and month arithmetic (pure functions, no clock)."""

from __future__ import annotations

import calendar
from datetime import date, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""China Standard Time (no daylight saving since 1991): every local date and time of the service."""


def age_on(born: date, on: date) -> int:
    """Full years of someone born on ``born``, on the day ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (01-31 + 1 → 02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_of(day: date) -> str:
    """``YYYY-MM`` of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(month: str) -> date:
    """The first day of ``YYYY-MM``; ValueError when it is not a month."""
    return date.fromisoformat(f"{month}-01")


def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of ``YYYY-MM``; ValueError when it is not a month."""
    first = month_start(month)
    return first, add_months(first, 1) - timedelta(days=1)


def next_month(month: str) -> str:
    return month_of(add_months(month_start(month), 1))
