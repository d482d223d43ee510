"""Working days against the State Council's published schedules (国办发明电〔2024〕12号, 〔2025〕7号)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from service.calendar.workdays import OutOfRange, WorkingCalendar, package_schedule, schedule_from_lists

CAL = WorkingCalendar()
CALENDARS = Path(__file__).resolve().parents[2] / "processes" / "calendars"


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 1, 26), True),    # Sunday, 调休上班 before Spring Festival
    (date(2025, 1, 28), False),   # 除夕
    (date(2025, 2, 4), False),    # 正月初七, the last day off
    (date(2025, 2, 8), True),     # Saturday, 调休上班
    (date(2025, 9, 28), True),    # Sunday before National Day
    (date(2025, 10, 8), False),   # National Day + Mid-Autumn, 8 days
    (date(2025, 10, 11), True),   # Saturday, 调休上班
    (date(2026, 1, 4), True),     # Sunday after New Year
    (date(2026, 2, 14), True),    # Saturday before Spring Festival
    (date(2026, 2, 23), False),   # the ninth day off
    (date(2026, 2, 28), True),
    (date(2026, 9, 20), True),    # Sunday before National Day
    (date(2026, 10, 7), False),
    (date(2026, 10, 10), True),
    (date(2026, 11, 21), False),  # an ordinary Saturday
])
def test_official_days(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(("start", "days", "expected"), [
    (date(2026, 9, 30), 30, date(2026, 11, 17)),  # accepted the day before National Day 2026
    (date(2025, 9, 26), 30, date(2025, 11, 13)),  # across 2025's eight-day National Day and two 调休 Saturdays
    (date(2026, 2, 13), 1, date(2026, 2, 14)),    # the Saturday before Spring Festival is a working day
    (date(2026, 2, 14), 1, date(2026, 2, 24)),    # then nine days off
    (date(2026, 11, 2), 0, date(2026, 11, 2)),
    (date(2026, 11, 6), 1, date(2026, 11, 9)),    # Friday → Monday
])
def test_add_working_days_does_not_count_the_start(start: date, days: int, expected: date) -> None:
    assert CAL.add_working_days(start, days) == expected


def test_working_days_between_is_signed() -> None:
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 11, 17)) == 30
    assert CAL.working_days_between(date(2026, 11, 17), date(2026, 9, 30)) == -30
    assert CAL.working_days_between(date(2026, 11, 2), date(2026, 11, 2)) == 0


def test_working_days_between_counts_each_day_across_years_and_leap_days() -> None:
    """The running counts give what a walk over every day between gives, whatever the two dates."""
    calendar = WorkingCalendar()
    days = [date(2023, 12, 25), date(2024, 1, 1), date(2024, 2, 28), date(2024, 2, 29), date(2024, 3, 1),
            date(2024, 12, 31), date(2025, 1, 1), date(2025, 1, 28), date(2025, 10, 8), date(2026, 2, 14),
            date(2026, 12, 31), date(2027, 1, 4)]
    for start in days:
        for end in days:
            walked, day = 0, min(start, end)
            while day < max(start, end):
                day += timedelta(days=1)
                walked += calendar.is_working_day(day)
            assert calendar.working_days_between(start, end) == (walked if end >= start else -walked), (start, end)


def test_the_seeded_files_agree_with_the_package_every_day() -> None:
    for path in sorted(CALENDARS.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        year = raw["year"]
        official = WorkingCalendar({year: schedule_from_lists(year, raw["holidays"], raw["workdays"], raw["source"])})
        day = date(year, 1, 1)
        while day.year == year:
            assert official.is_working_day(day) == CAL.is_working_day(day), day
            day = date.fromordinal(day.toordinal() + 1)


def test_an_override_replaces_the_package_for_its_year() -> None:
    assert package_schedule(2027).workdays == frozenset()  # not yet published when the package was released
    published = WorkingCalendar({2027: schedule_from_lists(2027, [date(2027, 2, 11)], [date(2027, 2, 20)], "test")})
    assert published.is_working_day(date(2027, 2, 20)) and not published.is_working_day(date(2027, 2, 11))
    assert published.is_working_day(date(2027, 2, 8))  # the package's statutory holidays are replaced too


def test_years_out_of_range() -> None:
    with pytest.raises(OutOfRange):
        CAL.add_working_days(date(2099, 12, 30), 10)
    with pytest.raises(ValueError):
        CAL.add_working_days(date(2026, 1, 1), -1)
