"""The spot-check sample: reproducible, at least the ratio, independent of the population's order."""

from __future__ import annotations

import random
from datetime import date

import pytest

from service.spotchecks.service import months_to_draw, sample

NUMBERS = [f"DB-2026-{i:06d}" for i in range(1, 11)]


@pytest.mark.parametrize(("count", "ratio", "size"), [(10, 0.3, 3), (10, 0.5, 5), (3, 0.5, 2), (1, 0.5, 1), (7, 1.0, 7), (0, 0.5, 0)])
def test_at_least_the_ratio(count: int, ratio: float, size: int) -> None:
    assert len(sample("2026-11", "220283", "dibao", NUMBERS[:count], ratio)) == size


def test_the_same_month_and_county_give_the_same_sample_whatever_the_order() -> None:
    drawn = sample("2026-11", "220283", "dibao", NUMBERS, 0.5)
    shuffled = NUMBERS[:]
    random.Random(7).shuffle(shuffled)
    assert sample("2026-11", "220283", "dibao", shuffled, 0.5) == drawn == sorted(drawn)
    others = {tuple(sample(month, "220283", "dibao", NUMBERS, 0.5)) for month in ("2026-10", "2026-12", "2027-01")}
    assert others != {tuple(drawn)}  # another month draws afresh


@pytest.mark.parametrize(("latest", "today", "months"), [
    (None, date(2026, 12, 1), ["2026-11"]),
    ("2026-11", date(2026, 12, 31), []),
    ("2026-10", date(2027, 2, 3), ["2026-11", "2026-12", "2027-01"]),
    ("2027-01", date(2026, 12, 1), []),  # the test clock went back
])
def test_months_to_draw(latest: str | None, today: date, months: list[str]) -> None:
    assert months_to_draw(latest, today) == months
