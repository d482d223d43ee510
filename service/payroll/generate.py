"""Generating a county's payment roster (发放名册) for a month, with the pre-payment checks.

The roster is built as a stream: the county's due beneficiaries are read in chunks of
:data:`CHUNK`, each chunk is checked against the death register and the duplicate list with one
query each, and its rows are inserted at once, so a county of any size is generated in bounded
memory. Before every payment (seed 000 §二(六)3 "每月发放前…殡葬信息的比对"):

- ``deceased``: the person is on the death register (or already suspended as deceased);
- ``duplicate``: the person is on two benefits at once (dibao and tekun, or two places), counting
  every member of each approving application;
- ``stopped``: paid on the last roster, but the benefit has stopped since.

Hits are held out with the reason; nothing is paid to them. A deceased hit not yet known is
suspended and a recheck opens for it, and a duplicate opens a recheck on each benefit: the
township's task to resolve it. A regular roster pays the pack's period (one month, or a quarter in
its first month); a supplementary roster pays what is due for an issued month and was not paid.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..auth.service import within
from ..beneficiaries.models import Beneficiary
from ..cases.models import Case, CasePerson
from ..registers.deaths import died
from . import periods
from .models import Payroll, PayrollHold, PayrollRow

CHUNK = 2000
PAYABLE = ("active", "tapering", "stopped")  # stopped ones may still be due a month they stopped in
COLUMNS = (Beneficiary.id, Beneficiary.case_id, Beneficiary.number, Beneficiary.kind, Beneficiary.region,
           Beneficiary.applicant_name, Beneficiary.applicant_id_number, Beneficiary.amount, Beneficiary.since,
           Beneficiary.stopped_on, Beneficiary.taper_from, Beneficiary.taper_months, Beneficiary.suspended,
           Beneficiary.bank, Beneficiary.account)


@dataclass
class Hits:
    """Who was held and needs a township task, collected while streaming (few, unlike the rows)."""

    deceased: dict[int, date] = field(default_factory=dict)  # beneficiary id → date of death, not yet suspended
    duplicates: set[int] = field(default_factory=set)  # beneficiary ids


@dataclass
class Plan:
    payroll: Payroll
    months: list[date]
    previous_id: int | None  # the last issued regular roster before this one: what "change" compares with
    supplementary: bool


def _benefit(b: Any) -> periods.Benefit:
    return periods.Benefit(since=b.since, stopped_on=b.stopped_on, taper_from=b.taper_from, taper_months=b.taper_months)


def _due(session: Session, plan: Plan) -> Iterator[Sequence[Any]]:
    """The county's beneficiaries due a month of the period, by township and village, in chunks."""
    first, last = plan.months[0], periods.month_end(plan.months[-1])
    query = (select(*COLUMNS).where(within(Beneficiary.region, plan.payroll.county), Beneficiary.status.in_(PAYABLE),
                                    Beneficiary.since <= last,
                                    Beneficiary.stopped_on.is_(None) | (Beneficiary.stopped_on > first))
             .order_by(Beneficiary.region, Beneficiary.id))
    return session.execute(query.execution_options(yield_per=CHUNK)).partitions()


def duplicates(session: Session, county: str) -> dict[str, list[str]]:
    """ID number → the case numbers of the benefits that person is on, for people on two or more."""
    people = (select(CasePerson.id_number).join(Beneficiary, Beneficiary.case_id == CasePerson.case_id)
              .where(Beneficiary.status.in_(("active", "tapering"))).group_by(CasePerson.id_number)
              .having(func.count(CasePerson.case_id) > 1))
    found: dict[str, list[str]] = defaultdict(list)
    query = (select(CasePerson.id_number, Beneficiary.number, Beneficiary.region)
             .join(Beneficiary, Beneficiary.case_id == CasePerson.case_id)
             .where(CasePerson.id_number.in_(people), Beneficiary.status.in_(("active", "tapering"))))
    involved: set[str] = set()
    for id_number, number, region in session.execute(query):
        found[id_number].append(number)
        if region.startswith(county):
            involved.add(id_number)
    return {k: sorted(v) for k, v in found.items() if k in involved}


def _people_of(session: Session, case_ids: list[int], wanted: dict[str, list[str]]) -> dict[int, str]:
    """Approving case id → the first of its people on two benefits."""
    if not wanted or not case_ids:
        return {}
    query = select(CasePerson.case_id, CasePerson.id_number).where(CasePerson.case_id.in_(case_ids))
    return {case_id: id_number for case_id, id_number in session.execute(query) if id_number in wanted}


def _amounts(session: Session, payroll_ids: list[int], beneficiary_ids: list[int]) -> dict[int, float]:
    """Beneficiary id → what the given rosters pay them (monthly amount of one roster, or the sum over several)."""
    if not payroll_ids:
        return {}
    column = PayrollRow.monthly_amount if len(payroll_ids) == 1 else PayrollRow.amount
    query = (select(PayrollRow.beneficiary_id, func.sum(column)).where(
        PayrollRow.payroll_id.in_(payroll_ids), PayrollRow.beneficiary_id.in_(beneficiary_ids))
        .group_by(PayrollRow.beneficiary_id))
    return {int(bid or 0): float(total) for bid, total in session.execute(query)}


def _person(b: Any) -> dict[str, Any]:
    return {"case_id": b.case_id, "case_number": b.number, "name": b.applicant_name, "id_number": b.applicant_id_number,
            "township": b.region[:9], "village": b.region, "kind": b.kind}


def _hold(plan: Plan, b: Any, reason: str, amount: float, detail: dict[str, Any]) -> dict[str, Any]:
    return {"payroll_id": plan.payroll.id, "beneficiary_id": b.id, **_person(b), "amount": amount, "reason": reason,
            "detail": detail}


@dataclass
class Chunk:
    rows: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)


def _check_chunk(session: Session, plan: Plan, chunk: Sequence[Any], dups: dict[str, list[str]], paid_ids: list[int],
                 hits: Hits) -> Chunk:
    ids = [b.id for b in chunk]
    deaths = died(session, [b.applicant_id_number for b in chunk])
    doubled = _people_of(session, [b.case_id for b in chunk], dups)
    previous = _amounts(session, [plan.previous_id] if plan.previous_id else [], ids)
    paid = _amounts(session, paid_ids, ids) if plan.supplementary else {}
    out = Chunk()
    for b in chunk:
        benefit = _benefit(b)
        months = periods.due_months(benefit, plan.months)
        amount = round(float(b.amount) * months, 2)
        record = deaths.get(b.applicant_id_number)
        if record is not None or b.suspended == "deceased":
            detail = {"died_on": record.died_on.isoformat(), "source": record.source} if record else {"suspended": True}
            out.holds.append(_hold(plan, b, "deceased", amount, detail))
            if record is not None and b.suspended != "deceased":
                hits.deceased[b.id] = record.died_on
        elif b.case_id in doubled:
            out.holds.append(_hold(plan, b, "duplicate", amount, {"cases": dups[doubled[b.case_id]]}))
            hits.duplicates.add(b.id)
        elif months:
            due = round(amount - paid.get(b.id, 0.0), 2)
            if due <= 0:
                continue
            change = "supplement" if plan.supplementary else periods.change(benefit, plan.months, previous.get(b.id), float(b.amount))
            out.rows.append({"payroll_id": plan.payroll.id, "beneficiary_id": b.id, **_person(b),
                             "monthly_amount": float(b.amount), "months": months, "amount": due, "change": change,
                             "first_month": plan.months[0], "bank": b.bank, "account": b.account})
    return out


def stream_rows(session: Session, plan: Plan, paid_ids: list[int]) -> Hits:
    """Insert the roster's rows and holds chunk by chunk; the hits that need a township task."""
    dups = duplicates(session, plan.payroll.county)
    hits = Hits()
    for chunk in _due(session, plan):
        _insert(session, plan.payroll, _check_chunk(session, plan, chunk, dups, paid_ids, hits))
    return hits


def _insert(session: Session, payroll: Payroll, checked: Chunk) -> None:
    if checked.rows:
        session.execute(insert(PayrollRow), checked.rows)
        payroll.row_count += len(checked.rows)
        payroll.total = round(float(payroll.total) + sum(r["amount"] for r in checked.rows), 2)
    if checked.holds:
        session.execute(insert(PayrollHold), checked.holds)
        payroll.held_count += len(checked.holds)


def stopped_since(session: Session, plan: Plan) -> None:
    """Hold out, as ``stopped``, those the last roster paid whose benefit has stopped since."""
    if plan.previous_id is None or plan.supplementary:
        return
    query = (select(*COLUMNS, Beneficiary.stop_reason).join(PayrollRow, PayrollRow.beneficiary_id == Beneficiary.id)
             .where(PayrollRow.payroll_id == plan.previous_id, Beneficiary.status == "stopped",
                    Beneficiary.stopped_on <= plan.months[0]))
    holds = [_hold(plan, b, "stopped", 0.0, {"stopped_on": b.stopped_on.isoformat(), "reason": b.stop_reason})
             for b in session.execute(query)]
    _insert(session, plan.payroll, Chunk(holds=holds))


def linshi_rows(session: Session, plan: Plan, hits: Hits) -> None:
    """Confirmed temporary assistance not yet on an issued roster: the confirmed amount less any advance paid."""
    paid = (select(PayrollRow.case_id).join(Payroll, Payroll.id == PayrollRow.payroll_id)
            .where(Payroll.status == "issued", PayrollRow.beneficiary_id.is_(None)))
    query = (select(Case).where(Case.kind == "linshi", Case.purpose == "application", Case.status == "approved",
                                within(Case.region, plan.payroll.county), Case.id.not_in(paid)).order_by(Case.region, Case.id))
    chunk = Chunk()
    for case in session.scalars(query.execution_options(yield_per=CHUNK)):
        facts = case.facts or {}
        amount = round(float(facts.get("amount") or 0) - float(facts.get("advance_amount") or 0), 2)
        person = {"case_id": case.id, "case_number": case.number, "name": case.applicant_name,
                  "id_number": case.applicant_id_number, "township": case.region[:9], "village": case.region, "kind": "linshi"}
        record = died(session, [case.applicant_id_number]).get(case.applicant_id_number)
        if record is not None:
            chunk.holds.append({"payroll_id": plan.payroll.id, "beneficiary_id": None, **person, "amount": max(amount, 0.0),
                                "reason": "deceased", "detail": {"died_on": record.died_on.isoformat(), "source": record.source}})
        elif amount > 0:
            chunk.rows.append({"payroll_id": plan.payroll.id, "beneficiary_id": None, **person, "monthly_amount": amount,
                               "months": 1, "amount": amount, "change": "linshi", "first_month": plan.months[0],
                               "bank": None, "account": None})
    _insert(session, plan.payroll, chunk)
