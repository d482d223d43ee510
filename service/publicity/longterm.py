"""Long-term publicity (长期公示, seed 002 §三(二)2 "建立并实行长期公示制度"; seed 001 §四(一) "对全市在保的社会救助对象
通过政府网站进行公示"; seed 000 §二(四)1 "对在享社会救助对象…进行长期公示") and the monthly confirmed decisions.

What a line may hold is seed 000 §二(四)2: "不得公示申请人姓名、家庭成员数量、保障金额、所在地以外的其他信息，特别是
不得公示未成年人有关信息": the name (masked when the pack's ``publicity_mask_name`` says so), the household size,
the amount and the place. A household whose applicant is under 18 is listed without a name. Emergency
linshi, paid before any publicity, is listed after the fact (事后公示) when the pack's
``linshi_emergency_after_publicity`` says so, and left out otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..auth.service import within
from ..beneficiaries.models import Beneficiary
from ..calendar.rules import RuleBook
from ..cases.models import Case
from ..clock import local_date, start_of
from ..dates import month_bounds
from ..privacy import mask_name
from .service import amount_of, is_minor, named, place


def shown_name(rules: RuleBook, region: str, name: str, id_number: str, today: date) -> str | None:
    """The name as the region's pack publishes it; never a minor's."""
    if is_minor(id_number, today):
        return None
    return mask_name(name) if rules.choose(region, today).value("publicity_mask_name", "dibao") else name


def on_benefit(session: Session, rules: RuleBook, today: date, region: str, page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Everyone now on dibao or tekun in the region (a village or township), by place."""
    query = select(Beneficiary).where(Beneficiary.status == "active", within(Beneficiary.region, region))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(Beneficiary.region, Beneficiary.id).offset((page - 1) * page_size).limit(page_size)))
    return named(session, [{
        "kind": b.kind, "name": shown_name(rules, b.region, b.applicant_name, b.applicant_id_number, today),
        "household_size": b.household_size, "amount": b.amount, "place": place(b.region), "since": b.since,
    } for b in rows], [b.region for b in rows]), total


def _after_the_fact(rules: RuleBook, case: Case, today: date) -> bool | None:
    """None: not emergency linshi; True/False: whether the pack publishes it after the fact."""
    if case.kind != "linshi" or not (case.application or {}).get("emergency"):
        return None
    return bool(rules.choose(case.region, today).value("linshi_emergency_after_publicity", "linshi"))


def decisions(session: Session, rules: RuleBook, today: date, month: str, region: str, page: int,
              page_size: int) -> tuple[list[dict[str, Any]], int]:
    """The month's confirmed decisions (确认救助) in the region, all three kinds, with their amounts."""
    first, last = month_bounds(month)
    query = select(Case).where(Case.purpose == "application", Case.status == "approved", within(Case.region, region),
                               Case.closed_at >= start_of(first), Case.closed_at < start_of(last + timedelta(days=1)))
    out, regions = [], []
    for case in session.scalars(query.order_by(Case.closed_at, Case.id)):
        after = _after_the_fact(rules, case, today)
        if after is False:
            continue
        out.append({
            "case_number": case.number, "kind": case.kind,
            "name": shown_name(rules, case.region, case.applicant_name, case.applicant_id_number, today),
            "household_size": 1 + len(case.household or []), "amount": amount_of(case.facts or {}),
            "place": place(case.region), "decided_on": local_date(case.closed_at) if case.closed_at else None,
            "after_the_fact": bool(after),
        })
        regions.append(case.region)
    window = slice((page - 1) * page_size, page * page_size)
    return named(session, out[window], regions[window]), len(out)
