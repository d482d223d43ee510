"""Recording a case's income account, and holding the review and confirmation to it.

The township records the household's monthly income by item and its rigid expenditures (after the
home visit and the information check); the computation (:mod:`service.income.compute`) runs under
the case's own rule pack and is stored with the inputs. A review, confirmation or recheck opinion
whose eligibility or amount differs from the computation needs ``override_reason``, which is kept
in the case's history (``income.overridden``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..audit import service as audit
from ..cases.models import Case
from ..cases.workflow import Operation
from ..errors import Conflict, Invalid, problem
from .compute import Household, Standards, compute
from .models import IncomeAccount

ACCOUNTED_KINDS = ("dibao", "tekun")
# the tasks that decide eligibility and amount: (the yes/no field, the amount field); a recheck's
# confirmation approves the opinion (``decide``), which is where the recheck is held to the account
DECISIONS = {"review": ("eligible", "monthly_amount"), "confirm": ("approved", "amount"), "decide": ("outcome", "monthly_amount")}
DECIDING = {"application": ("review", "confirm"), "recheck": ("decide",)}


def record(op: Operation, case: Case, household: Household, actor: str) -> IncomeAccount:
    """Store (or replace) the case's income account and its computation."""
    if case.status != "active":
        raise Conflict(f"case {case.number} is {case.status}")
    if case.kind not in ACCOUNTED_KINDS:
        raise Conflict(f"case {case.number} is {case.kind}: income is accounted for dibao and tekun")
    pack = op.services.rules.get(case.rule_pack)
    result = compute(case.kind, household, Standards.from_pack(pack, case.kind, case.hukou)).as_dict()
    inputs = {"members": household.members, "income": {k: float(v) for k, v in household.income.items()},
              "expenditure": {k: float(v) for k, v in household.expenditure.items()},
              "single_person": household.single_person, "single_person_income": float(household.single_person_income)}
    account = op.session.get(IncomeAccount, case.id)
    if account is None:
        account = IncomeAccount(case_id=case.id)
        op.session.add(account)
    account.rule_pack, account.household, account.result = pack.id, inputs, result
    account.recorded_at, account.recorded_by = op.now, actor
    case.facts = {**(case.facts or {}), "income_status": result["status"], "computed_amount": result["amount"]}
    audit.record(op.session, case=case, at=op.now, actor=actor, type="income.accounted",
                 data={"rule_pack": pack.id, "household": inputs, "result": result})
    op.session.flush()
    return account


def _differs(element_id: str, data: dict[str, Any], result: dict[str, Any]) -> str | None:
    """What the decision changes in the computation, or None when it follows it."""
    flag, amount_field = DECISIONS[element_id]
    eligible = result["status"] == "eligible"
    decided = data.get(flag)
    if element_id == "decide":
        if decided == "stop" and eligible:
            return "stops a benefit the income account finds eligible"
        if decided in ("continue", "adjust") and not eligible:
            return "continues a benefit the income account finds above the line"
        decided = decided == "adjust"
        if not decided:
            return None
    elif decided is not eligible:
        return f"{flag} is {decided} but the income account says {result['status']}"
    amount = data.get(amount_field)
    if decided and amount is not None and abs(float(amount) - float(result["amount"])) >= 0.005:
        return f"{amount_field} {amount} differs from the computed {result['amount']}"
    return None


def check_decision(op: Operation, case: Case, element_id: str, data: dict[str, Any], actor: str) -> None:
    """Refuse a decision that departs from the income account without ``override_reason``; record one that has it."""
    if element_id not in DECIDING.get(case.purpose, ()):
        return
    account = op.session.get(IncomeAccount, case.id)
    if account is None:
        return
    why = _differs(element_id, data, account.result)
    if why is None:
        return
    reason = str(data.get("override_reason") or "").strip()
    if not reason:
        raise Invalid([problem(("body", "data", "override_reason"),
                               f"与家庭经济状况核算结果不一致，须说明理由 the decision {why}: give override_reason")])
    audit.record(op.session, case=case, at=op.now, actor=actor, type="income.overridden", element_id=element_id,
                 data={"why": why, "reason": reason, "computed": account.result["amount"]})


def household_of(members: int, income: dict[str, float], expenditure: dict[str, float], single_person: bool,
                 single_person_income: float) -> Household:
    def money(values: dict[str, float]) -> dict[str, Decimal]:
        return {k: Decimal(str(v)) for k, v in values.items()}

    return Household(members=members, income=money(income), expenditure=money(expenditure), single_person=single_person,
                     single_person_income=Decimal(str(single_person_income)))
