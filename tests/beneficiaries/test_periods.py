"""Recheck periods: month arithmetic, the class the ages give, and packs that must say the periods."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from service.beneficiaries.service import default_class, recheck_months
from service.calendar.rules import RulePackError, parse_pack
from service.cases.models import Case
from service.config import ROOT
from service.dates import add_months

from ..factories import resident_id

SHULAN = (ROOT / "processes" / "rules" / "shulan-2023.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 11, 10), 1, date(2026, 12, 10)),
    (date(2026, 11, 10), 3, date(2027, 2, 10)),
    (date(2027, 1, 31), 1, date(2027, 2, 28)),   # a shorter month: its last day
    (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 8, 31), 6, date(2027, 2, 28)),
    (date(2026, 12, 15), 12, date(2027, 12, 15)),
])
def test_add_months(day: date, months: int, expected: date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("births", "today", "expected"), [
    (["19560101"], date(2026, 11, 10), "A"),               # 70
    (["19800101", "20150601"], date(2026, 11, 10), "A"),   # a minor in the household
    (["19620101"], date(2026, 11, 10), "B"),               # 64
    (["19800101", "19661231"], date(2026, 11, 10), "C"),   # the member is still 59
    (["19800101", "19661231"], date(2027, 1, 1), "B"),     # ... and 60 the day after the birthday
    (["19800101"], date(2026, 11, 10), "C"),
])
def test_default_class_by_age(births: list[str], today: date, expected: str) -> None:
    ids = [resident_id(b) for b in births]
    case = Case(applicant_id_number=ids[0], household=[{"id_number": i} for i in ids[1:]])
    assert default_class(case, today) == expected


@pytest.mark.parametrize(("kind", "klass", "hukou", "months"), [
    ("dibao", "A", "rural", 12), ("dibao", "B", "urban", 6), ("dibao", "C", "urban", 1), ("tekun", "C", "rural", 3)])
def test_periods_come_from_the_pack(kind: str, klass: str, hukou: str, months: int) -> None:
    assert recheck_months(parse_pack(SHULAN, "shulan-2023.yaml"), kind, klass, hukou) == months


def test_a_pack_without_a_recheck_period_is_refused() -> None:
    raw = yaml.safe_load(SHULAN)
    del raw["kinds"]["tekun"]["recheck_months_c_rural"]
    with pytest.raises(RulePackError, match="tekun.recheck_months_c_rural"):
        parse_pack(yaml.safe_dump(raw, allow_unicode=True), "broken.yaml")
