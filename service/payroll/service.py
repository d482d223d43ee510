"""Payment rosters: generated as drafts, checked, issued (frozen into the audit chain), supplemented.

A county has one regular roster per payment period (a month, or a quarter from its first month, by
the rule pack's ``payment_months``). Generating again while it is a draft replaces the draft;
once issued it never changes, and a correction is a supplementary roster for the same month.
Issuing puts every row, township by township, and the roster's checksum in the audit chain; after
the pack's ``payment_day`` it is allowed but reported late.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import scope_prefix
from ..beneficiaries import service as beneficiaries
from ..beneficiaries.models import Beneficiary
from ..cases.models import Case
from ..cases.workflow import Operation
from ..errors import Conflict, Invalid, NotFound
from ..registers.models import DeathRecord
from . import generate, periods
from .models import Payroll, PayrollHold, PayrollRow
from .overpay import record_overpayments

SECTION_FIELDS = ("case_number", "name", "village", "kind", "monthly_amount", "months", "amount", "change")


def _check_county(user: User, county: str) -> None:
    if len(county) != 6 or not county.isdigit():
        raise Invalid("a county is a 6-digit code", ("body", "county"))
    prefix = scope_prefix(user.region)
    if user.role != "admin" and not county.startswith(prefix):
        raise NotFound(f"county {county} not found")


def _first_month(month: str) -> date:
    try:
        return periods.month_start(month)
    except ValueError:
        raise Invalid("month must be YYYY-MM", ("body", "month")) from None


def _rosters(session: Session, county: str, month: str) -> list[Payroll]:
    query = select(Payroll).where(Payroll.county == county, Payroll.month == month).order_by(Payroll.id).with_for_update()
    return list(session.scalars(query))


def _previous(session: Session, county: str, first: date) -> int | None:
    query = (select(Payroll.id).where(Payroll.county == county, Payroll.kind == "regular", Payroll.status == "issued",
                                      Payroll.month < first.strftime("%Y-%m")).order_by(Payroll.month.desc()).limit(1))
    return session.scalar(query)


def _plan(op: Operation, user: User, county: str, month: str, supplementary: bool) -> generate.Plan:
    first = _first_month(month)
    pack = op.services.rules.choose(county.ljust(12, "0"), first)
    span, day = int(pack.value("payment_months", "dibao")), int(pack.value("payment_day", "dibao"))
    existing = _rosters(op.session, county, month)
    regular = next((p for p in existing if p.kind == "regular" and p.status == "issued"), None)
    kind = "supplementary" if supplementary else "regular"
    if not supplementary and regular is not None:
        raise Conflict(f"the roster for {county} {month} is already issued (id {regular.id}); "
                       "a correction is a supplementary roster")
    if supplementary and regular is None:
        raise Conflict(f"no issued roster for {county} {month} to supplement")
    if not supplementary and not periods.opens_period(first, span):
        raise Invalid(f"rule pack {pack.id} pays every {span} months: a roster is made in a period's first month",
                      ("body", "month"))
    for draft in (p for p in existing if p.kind == kind and p.status == "draft"):
        _discard(op, draft)
    span = regular.months if regular is not None else span
    payroll = Payroll(county=county, month=month, kind=kind, status="draft", rule_pack=pack.id, months=span,
                      pay_by=first.replace(day=day), row_count=0, held_count=0, total=0.0, late=False,
                      created_at=op.now, created_by=user.name)
    op.session.add(payroll)
    op.session.flush()
    return generate.Plan(payroll=payroll, months=periods.period(first, span), supplementary=supplementary,
                         previous_id=None if supplementary else _previous(op.session, county, first))


def _discard(op: Operation, draft: Payroll) -> None:
    op.session.execute(delete(PayrollRow).where(PayrollRow.payroll_id == draft.id))
    op.session.execute(delete(PayrollHold).where(PayrollHold.payroll_id == draft.id))
    audit.record(op.session, case=None, at=op.now, actor=op.actor, type="payroll.discarded",
                 data={"payroll_id": draft.id, "county": draft.county, "month": draft.month, "kind": draft.kind})
    op.session.delete(draft)
    op.session.flush()


def create(op: Operation, user: User, county: str, month: str, supplementary: bool = False) -> Payroll:
    """Generate a draft roster for the county and month, with its checks and the township tasks of its hits."""
    _check_county(user, county)
    plan = _plan(op, user, county, month, supplementary)
    record_overpayments(op, county)
    paid = [] if not supplementary else list(op.session.scalars(
        select(Payroll.id).where(Payroll.county == county, Payroll.month == month, Payroll.status == "issued")))
    hits = generate.stream_rows(op.session, plan, paid)
    generate.stopped_since(op.session, plan)
    generate.linshi_rows(op.session, plan, hits)
    _open_township_tasks(op, hits)
    p = plan.payroll
    audit.record(op.session, case=None, at=op.now, actor=op.actor, type="payroll.generated",
                 data={"payroll_id": p.id, "county": county, "month": month, "kind": p.kind, "rows": p.row_count,
                       "held": p.held_count, "total": p.total})
    return p


def _open_township_tasks(op: Operation, hits: generate.Hits) -> None:
    """A hit the register did not know yet is suspended; each opens a recheck (the township's task) unless one is open."""
    for b in op.session.scalars(select(Beneficiary).where(Beneficiary.id.in_(hits.deceased)).order_by(Beneficiary.id)):
        beneficiaries.report_death(op, b, hits.deceased[b.id], "发放前殡葬信息比对")
    for b in op.session.scalars(select(Beneficiary).where(Beneficiary.id.in_(hits.duplicates)).order_by(Beneficiary.id)):
        origin = op.session.get(Case, b.case_id)
        assert origin is not None
        beneficiaries.request_recheck(op, origin, "发放前比对：重复享受 on two benefits at once")


def _section_rows(session: Session, payroll_id: int) -> Iterator[tuple[str, list[list[Any]]]]:
    """The roster's rows township by township, as the audit chain and the checksum take them."""
    query = (select(PayrollRow).where(PayrollRow.payroll_id == payroll_id)
             .order_by(PayrollRow.township, PayrollRow.village, PayrollRow.id).execution_options(yield_per=generate.CHUNK))
    township, rows = None, []
    for row in session.scalars(query):
        if township is not None and row.township != township:
            yield township, rows
            rows = []
        township = row.township
        rows.append([getattr(row, f) for f in SECTION_FIELDS])
        session.expunge(row)
    if township is not None:
        yield township, rows


def issue(op: Operation, user: User, payroll_id: int) -> Payroll:
    """Freeze the draft: its rows and checksum go into the audit chain; late after the pack's payment day."""
    p = load(op.session, user, payroll_id, lock=True)
    if p.status != "draft":
        raise Conflict(f"roster {p.id} is already issued")
    if p.kind == "regular" and any(r.status == "issued" and r.kind == "regular" for r in _rosters(op.session, p.county, p.month)):
        raise Conflict(f"the roster for {p.county} {p.month} is already issued")
    dead = op.session.scalar(select(PayrollRow.case_number).join(DeathRecord, DeathRecord.id_number == PayrollRow.id_number)
                             .where(PayrollRow.payroll_id == p.id).limit(1))
    if dead is not None:
        raise Conflict(f"case {dead} on roster {p.id} is now on the death register: generate the roster again")
    digest = hashlib.sha256()
    for township, rows in _section_rows(op.session, p.id):
        body = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
        digest.update(body.encode())
        audit.record(op.session, case=None, at=op.now, actor=op.actor, type="payroll.section",
                     data={"payroll_id": p.id, "township": township, "fields": list(SECTION_FIELDS), "rows": rows})
    p.status, p.checksum, p.issued_at, p.issued_by = "issued", digest.hexdigest(), op.now, user.name
    p.late = op.today > p.pay_by
    audit.record(op.session, case=None, at=op.now, actor=op.actor, type="payroll.issued",
                 data={"payroll_id": p.id, "county": p.county, "month": p.month, "kind": p.kind, "rows": p.row_count,
                       "total": p.total, "checksum": p.checksum, "late": p.late, "pay_by": p.pay_by})
    return p


def _sections(township: str) -> Any:
    """Rosters with rows or holds in the township (its section)."""
    return (select(PayrollRow.payroll_id).where(PayrollRow.township == township)
            .union(select(PayrollHold.payroll_id).where(PayrollHold.township == township)))


def _visible(user: User) -> Any:
    """Which rosters the user sees: the county's own (or any within a wider scope), a township's with its section."""
    prefix = scope_prefix(user.region)
    if user.role == "admin":
        return Payroll.id.is_not(None)
    if user.role == "township":
        return Payroll.county.startswith(prefix[:6]) & Payroll.id.in_(_sections(prefix))
    return Payroll.county.startswith(prefix) if len(prefix) <= 6 else Payroll.county == prefix[:6]


def load(session: Session, user: User, payroll_id: int, *, lock: bool = False) -> Payroll:
    query = select(Payroll).where(Payroll.id == payroll_id, _visible(user))
    p = session.scalar(query.with_for_update(of=Payroll) if lock else query)
    if p is None:
        raise NotFound(f"roster {payroll_id} not found")
    return p


def section(user: User) -> str | None:
    """The township a township user sees of a roster (its section); None: the whole roster."""
    prefix = scope_prefix(user.region)
    return prefix if user.role == "township" else None


def search(session: Session, user: User, month: str | None) -> list[Payroll]:
    query = select(Payroll).where(_visible(user)).order_by(Payroll.month.desc(), Payroll.id.desc()).limit(500)
    if month:
        query = query.where(Payroll.month == month)
    return list(session.scalars(query))


def _rows_query(p: Payroll, township: str | None) -> Select[PayrollRow]:
    query = select(PayrollRow).where(PayrollRow.payroll_id == p.id)
    if township:
        query = query.where(PayrollRow.township.startswith(township))
    return query


def rows(session: Session, p: Payroll, township: str | None) -> Iterator[PayrollRow]:
    """Every row (of a township's section), by township and village, streamed."""
    query = _rows_query(p, township).order_by(PayrollRow.township, PayrollRow.village, PayrollRow.id)
    yield from session.scalars(query.execution_options(yield_per=generate.CHUNK))


def row_page(session: Session, p: Payroll, township: str | None, page: int, page_size: int) -> tuple[list[PayrollRow], int]:
    query = _rows_query(p, township)
    total = p.row_count if township is None else session.scalar(
        select(func.count()).select_from(query.with_only_columns(PayrollRow.id).subquery())) or 0
    ordered = query.order_by(PayrollRow.township, PayrollRow.village, PayrollRow.id)
    return list(session.scalars(ordered.offset((page - 1) * page_size).limit(page_size))), total


def holds(session: Session, p: Payroll, township: str | None) -> list[PayrollHold]:
    query = select(PayrollHold).where(PayrollHold.payroll_id == p.id)
    if township:
        query = query.where(PayrollHold.township.startswith(township))
    return list(session.scalars(query.order_by(PayrollHold.township, PayrollHold.village, PayrollHold.id)))


def counties(session: Session) -> list[str]:
    """The counties that have beneficiaries."""
    query = select(func.substr(Beneficiary.region, 1, 6)).distinct().order_by(func.substr(Beneficiary.region, 1, 6))
    return [str(c) for c in session.scalars(query)]
