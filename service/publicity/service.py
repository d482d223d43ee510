"""The public notice of cases in publicity (公示): only what may be published.

Seed 000 §2(4) and DB 19: a notice shows the name, household size, amount and place, for the
publicity period, and nothing else. Names are masked (张*); an applicant under 18 (from the birth
date in the ID number) is never named. No ID number, phone, address detail or household member
ever leaves this module.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum import numdb

from ..auth.service import within
from ..cases.models import Case, CasePosition
from ..cases.schemas import birth_date
from ..dates import age_on
from ..privacy import mask_name
from ..regions.service import lookup

ADULT_AGE = 18


def place(region: str) -> str:
    """Province and county by name (GB/T 2260), then the full code for township and village."""
    names = {k: v for _, props in numdb.get("cn/loc").info(region[:6]) for k, v in props.items()}
    county = names.get("county", "").split("]")[-1].split(",")[-1]
    return f"{names.get('province', '')}{county} {region}".strip()


def place_names(session: Session, regions: set[str]) -> dict[str, dict[str, str]]:
    """Each village code → its township's and its own name and the place as the region register names it
    (``吉林省 吉林市 舒兰市 溪河镇 红星村``); a name the register does not know is the code."""
    named = lookup(session, {*regions, *(r[:9] for r in regions)})
    return {r: {"township_name": named[r[:9]].name, "village_name": named[r].name, "place_name": named[r].label}
            for r in regions}


def named(session: Session, items: list[dict[str, Any]], regions: list[str]) -> list[dict[str, Any]]:
    """The items (one per region, in order), each with its place's names added."""
    names = place_names(session, set(regions))
    return [{**item, **names[region]} for item, region in zip(items, regions, strict=True)]


def amount_of(facts: dict[str, Any]) -> float | None:
    """The monthly amount (dibao, tekun) or the one-off amount (linshi: confirmed, else proposed)."""
    for key in ("monthly_amount", "amount", "proposed_amount"):
        if facts.get(key) is not None:
            return float(facts[key])
    return None


def is_minor(id_number: str, today: date) -> bool:
    return age_on(birth_date(id_number), today) < ADULT_AGE


def notice(case: Case, today: date) -> dict[str, Any]:
    minor = is_minor(case.applicant_id_number, today)
    facts = case.facts or {}
    return {
        "case_number": case.number,
        "kind": case.kind,
        "name": None if minor else mask_name(case.applicant_name),
        "household_size": 1 + len(case.household or []),
        "amount": amount_of(facts),
        "place": place(case.region),
        "from": facts.get("publicity_from"),
        "until": facts.get("publicity_until"),
    }


def in_publicity(session: Session, today: date, region: str | None, page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    query = select(Case).where(Case.status == "active", Case.id.in_(
        select(CasePosition.case_id).where(CasePosition.element_id == "publicity")))
    if region:
        query = query.where(within(Case.region, region))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(Case.region, Case.id).offset((page - 1) * page_size).limit(page_size)))
    return named(session, [notice(c, today) for c in rows], [c.region for c in rows]), total
