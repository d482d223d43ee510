"""Income accounting against hand-worked examples (standard 700 yuan, near-dibao line 1.5 ×, 20% employment cost)."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from service.calendar.rules import RuleBook
from service.income.compute import Household, Standards, compute

RULES = Standards(standard=D(700), tekun_standard=D(910), near_ratio=D("1.5"), exempt_basic_pension=True,
                  employment_deduction_ratio=D("0.2"), deduct_rigid=True)


def test_deductions_exempt_pension_and_employment_cost_then_the_gap_for_the_household() -> None:
    # wages 1500 − 20% (300) = 1200; transfers 100; basic pension 150 exempt → 1300; medical 300 deducted → 1000
    # per capita 1000 / 3 = 333.33; the gap: 700 × 3 − 1000 = 1100
    result = compute("dibao", Household(members=3, income={"wages": D(1500), "basic_pension": D(150), "transfers": D(100)},
                                        expenditure={"medical": D(300)}), RULES)
    assert result.counted == {"wages": D(1200), "transfers": D(100)}
    assert result.exempt == {"basic_pension": D(150), "employment_cost": D(300)}
    assert result.deductions == {"medical": D(300)}
    assert (result.net_income, result.per_capita) == (D(1000), D("333.33"))
    assert (result.status, result.basis, result.amount) == ("eligible", "gap", D(1100))


def test_single_person_coverage_pays_one_member_when_the_household_is_above_the_line() -> None:
    # wages 2000 − 400 = 1600, other pension 400 → 2000 for 2: 1000 each, above 700; the ill member alone: 700 − 0
    household = Household(members=2, income={"wages": D(2000), "other_pension": D(400)}, single_person=True)
    result = compute("dibao", household, RULES)
    assert (result.per_capita, result.status, result.basis, result.amount) == (D(1000), "eligible", "single_person", D(700))
    assert compute("dibao", Household(members=2, income={"wages": D(2000), "other_pension": D(400)}), RULES).status == "near_dibao"


@pytest.mark.parametrize(("business", "status", "amount"), [
    (D("1399.99"), "eligible", D("0.01")),   # 699.995 each: just below the line, a fen of gap
    (D(1400), "near_dibao", D(0)),           # exactly 700 each: not below the standard
    (D(1410), "near_dibao", D(0)),           # 705 each: just above the line → 低保边缘家庭, not refused silently
    (D("2099.99"), "near_dibao", D(0)),      # just below 1050 each
    (D(2100), "above", D(0)),                # 1050 each: at the near-dibao line
])
def test_the_line_and_the_near_dibao_band(business: D, status: str, amount: D) -> None:
    result = compute("dibao", Household(members=2, income={"business": business}), RULES)
    assert (result.status, result.amount, result.near_line) == (status, amount, D(1050))


def test_tekun_is_paid_its_standard_and_rules_off_count_everything() -> None:
    assert compute("tekun", Household(members=1, income={"other_pension": D(300)}), RULES).amount == D(910)
    strict = Standards(standard=D(700), tekun_standard=D(910), near_ratio=D("1.5"), exempt_basic_pension=False,
                       employment_deduction_ratio=D(0), deduct_rigid=False)
    result = compute("dibao", Household(members=1, income={"wages": D(500), "basic_pension": D(150)},
                                        expenditure={"medical": D(600)}), strict)
    assert (result.net_income, result.amount, result.deductions) == (D(650), D(50), {})


def test_expenditure_larger_than_income_leaves_zero_not_a_negative_income() -> None:
    result = compute("dibao", Household(members=1, income={"wages": D(100)}, expenditure={"disaster": D(5000)}), RULES)
    assert (result.net_income, result.amount) == (D(0), D(700))
    with pytest.raises(ValueError):
        compute("dibao", Household(members=0), RULES)


def test_the_packs_hold_every_number_the_computation_reads() -> None:
    book = RuleBook.load(Path(__file__).resolve().parents[2] / "processes" / "rules", "shulan-2023")
    for pack in book.packs.values():
        urban, rural = Standards.from_pack(pack, "dibao", "urban"), Standards.from_pack(pack, "dibao", "rural")
        assert urban.standard == D(str(pack.value("urban_dibao_standard", "dibao")))
        assert rural.standard == D(str(pack.value("rural_dibao_standard", "dibao")))
        assert int(pack.value("payment_months", "dibao")) in (1, 3)
        assert 1 <= int(pack.value("payment_day", "dibao")) <= 28
        assert int(pack.value("taper_months", "dibao")) >= 0
