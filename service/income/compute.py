"""Household income accounting (家庭经济状况核算) as a pure function: no database, no clock.

The household's monthly income is recorded by item and its rigid expenditures by kind. What counts
and what is exempt comes from the rule pack (:class:`Standards`):

- the basic pension's 基础养老金 is not counted when the pack says so (seed 000 §二(二)1);
- wages are counted less the employment-cost deduction (就业成本扣减), a share of wages;
- medical, schooling, accident and disaster expenditure (四类刚性支出) is deducted (seed 002 (一)2(5)).

The per-capita net income is compared with the dibao standard of the household's hukou:

- below it: eligible; dibao pays the gap for the whole household (补差: standard × members − net
  income), tekun pays the tekun standard;
- otherwise, a seriously ill or disabled member covered alone (单人保, seed 000 §二(二)1) is paid the
  gap of a one-person household: standard − that member's own income;
- otherwise, below the near-dibao line (standard × the pack's ratio): a near-dibao household
  (低保边缘家庭, seed 001 §三(一));
- otherwise: above the line.

Amounts are in yuan, computed in decimals and rounded to the fen once, at the end.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, Protocol

INCOME_ITEMS = {
    "wages": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfers": "转移净收入（赡养费等）",
    "basic_pension": "基本养老保险基础养老金",
    "other_pension": "其他养老金、退休金",
    "other": "其他收入",
}
EXPENDITURE_ITEMS = {"medical": "医疗", "schooling": "就学", "accident": "意外事故", "disaster": "自然灾害"}
Status = Literal["eligible", "near_dibao", "above"]
FEN = Decimal("0.01")


class Pack(Protocol):
    def value(self, name: str, kind: str) -> int | float | bool: ...


@dataclass(frozen=True)
class Standards:
    """The pack's numbers for one kind and hukou."""

    standard: Decimal
    tekun_standard: Decimal
    near_ratio: Decimal
    exempt_basic_pension: bool
    employment_deduction_ratio: Decimal
    deduct_rigid: bool

    @classmethod
    def from_pack(cls, pack: Pack, kind: str, hukou: str) -> Standards:
        def number(name: str) -> Decimal:
            return Decimal(str(pack.value(name, kind)))

        return cls(
            standard=number("urban_dibao_standard" if hukou == "urban" else "rural_dibao_standard"),
            tekun_standard=number("tekun_standard"), near_ratio=number("near_dibao_ratio"),
            exempt_basic_pension=bool(pack.value("exempt_basic_pension", kind)),
            employment_deduction_ratio=number("employment_cost_deduction_ratio"),
            deduct_rigid=bool(pack.value("rigid_expenditure_deduction", kind)),
        )


@dataclass(frozen=True)
class Household:
    """What the home visit and the information check found, per month."""

    members: int
    income: Mapping[str, Decimal] = field(default_factory=dict)
    expenditure: Mapping[str, Decimal] = field(default_factory=dict)
    single_person: bool = False  # a seriously ill or disabled member asks to be covered alone (单人保)
    single_person_income: Decimal = Decimal(0)


@dataclass(frozen=True)
class Computation:
    counted: dict[str, Decimal]
    exempt: dict[str, Decimal]
    deductions: dict[str, Decimal]
    net_income: Decimal
    per_capita: Decimal
    standard: Decimal
    near_line: Decimal
    status: Status
    basis: str  # gap, single_person, tekun_standard, or none
    amount: Decimal  # yuan per month; 0 unless eligible

    def as_dict(self) -> dict[str, Any]:
        def money(values: Mapping[str, Decimal]) -> dict[str, float]:
            return {k: float(v) for k, v in values.items()}

        return {
            "counted": money(self.counted), "exempt": money(self.exempt), "deductions": money(self.deductions),
            "net_income": float(self.net_income), "per_capita": float(self.per_capita),
            "standard": float(self.standard), "near_line": float(self.near_line),
            "status": self.status, "basis": self.basis, "amount": float(self.amount),
        }


def _fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def _split_income(income: Mapping[str, Decimal], rules: Standards) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    counted: dict[str, Decimal] = {}
    exempt: dict[str, Decimal] = {}
    for item, amount in income.items():
        if item == "basic_pension" and rules.exempt_basic_pension:
            exempt[item] = amount
        elif item == "wages":
            deduction = amount * rules.employment_deduction_ratio
            exempt["employment_cost"] = _fen(deduction)
            counted[item] = amount - _fen(deduction)
        else:
            counted[item] = amount
    return counted, exempt


def compute(kind: str, household: Household, rules: Standards) -> Computation:
    """The household's net and per-capita income, its status against the lines, and the monthly amount."""
    if household.members < 1:
        raise ValueError("a household has at least one member")
    counted, exempt = _split_income(household.income, rules)
    deductions = dict(household.expenditure) if rules.deduct_rigid else {}
    net = max(Decimal(0), sum(counted.values(), Decimal(0)) - sum(deductions.values(), Decimal(0)))
    members = Decimal(household.members)
    per_capita = _fen(net / members)
    near_line = _fen(rules.standard * rules.near_ratio)
    status: Status
    if net < rules.standard * members:
        status, basis = "eligible", "tekun_standard" if kind == "tekun" else "gap"
        amount = rules.tekun_standard if kind == "tekun" else rules.standard * members - net
    elif household.single_person and household.single_person_income < rules.standard:
        status, basis, amount = "eligible", "single_person", rules.standard - household.single_person_income
    else:
        status = "near_dibao" if net < rules.standard * rules.near_ratio * members else "above"
        basis, amount = "none", Decimal(0)
    return Computation(counted=counted, exempt=exempt, deductions=deductions, net_income=_fen(net), per_capita=per_capita,
                       standard=rules.standard, near_line=near_line, status=status, basis=basis, amount=_fen(amount))
