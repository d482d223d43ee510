"""Working days on the official Chinese calendar (工作日).

Weekends and public holidays are off; the State Council's adjusted weekend workdays (调休上班)
are on. The ``holidays`` package knows the schedules published before its release; a schedule
published later is stored as an override for its year and replaces the package's for that year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib.metadata import version

import holidays

MIN_YEAR, MAX_YEAR = 2000, 2099
PACKAGE_SOURCE = f"holidays {version('holidays')} (China)"


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off and adjusted working weekend days."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str


class OutOfRange(ValueError):
    """A date outside the years the calendar covers."""


@lru_cache(maxsize=256)
def package_schedule(year: int) -> YearSchedule:
    """The schedule the ``holidays`` package has for a year."""
    china = holidays.country_holidays("CN", years=year)
    days_off = frozenset(d for d in china if d.year == year)
    workdays = frozenset(d for d in getattr(china, "weekend_workdays", ()) if d.year == year)
    return YearSchedule(year, days_off, workdays, PACKAGE_SOURCE)


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise OutOfRange(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")


class WorkingCalendar:
    """Answers working-day questions from the package's schedules and the published overrides."""

    def __init__(self, overrides: Mapping[int, YearSchedule] | None = None) -> None:
        self.overrides = dict(overrides or {})
        self._years: dict[int, YearSchedule] = {}
        self._counts: dict[int, tuple[int, ...]] = {}

    def schedule(self, year: int) -> YearSchedule:
        check_year(year)
        found = self._years.get(year)
        if found is None:
            found = self.overrides.get(year) or package_schedule(year)
            self._years[year] = found
        return found

    def is_working_day(self, day: date) -> bool:
        schedule = self.schedule(day.year)
        if day in schedule.workdays:
            return True
        return day.weekday() < 5 and day not in schedule.holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start``; ``start`` itself is not counted (民法典 第201条)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; negative when ``end`` is before ``start``.

        Answered from running counts per year, so a supervision list of thousands of cases costs a
        few lookups per case rather than a walk over every day between.
        """
        if end < start:
            return -self.working_days_between(end, start)
        first, last = self._running(start.year), self._running(end.year)
        if start.year == end.year:
            return last[_day_of_year(end)] - first[_day_of_year(start)]
        between = sum(self._running(year)[-1] for year in range(start.year + 1, end.year))
        return first[-1] - first[_day_of_year(start)] + between + last[_day_of_year(end)]

    def _running(self, year: int) -> tuple[int, ...]:
        """Entry k: the working days among the year's first k days (entry 0 is 0, the last the year's total)."""
        counts = self._counts.get(year)
        if counts is None:
            day, total, running = date(year, 1, 1), 0, [0]
            while day.year == year:
                total += self.is_working_day(day)
                running.append(total)
                day += timedelta(days=1)
            counts = self._counts[year] = tuple(running)
        return counts


def _day_of_year(day: date) -> int:
    return day.timetuple().tm_yday


def schedule_from_lists(year: int, days_off: Iterable[date], workdays: Iterable[date], source: str) -> YearSchedule:
    return YearSchedule(year, frozenset(days_off), frozenset(workdays), source)
