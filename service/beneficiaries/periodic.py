"""The households' periodic reports (定期报告, seed 002 §三(二)2 "严格执行低保对象定期报告和家庭经济信息变化主动申报制度").

The pack says how often each class reports (``periodic_report_months_a``, ``_b``, ``_c_urban``,
``_c_rural``); a report is due that many months after the last one (or after the benefit began).
The township records each report; when the household says something changed, a recheck opens at
once with the trigger ``change_report``. A report not in by its day is *missing*, which supervision
shows per township.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import scoped, within
from ..calendar.rules import RuleBook
from ..cases.workflow import Operation
from ..dates import add_months
from ..errors import Conflict, Invalid, problem
from .models import Beneficiary, PeriodicReport
from .service import RecheckDemand, recheck_on_demand, record_event


def report_months(rules: RuleBook, b: Beneficiary, today: date) -> int:
    name = {"A": "periodic_report_months_a", "B": "periodic_report_months_b"}.get(b.recheck_class,
                                                                                 f"periodic_report_months_c_{b.hukou}")
    return int(rules.choose(b.region, today).value(name, b.kind))


def report_due_on(rules: RuleBook, b: Beneficiary, today: date) -> date | None:
    """The day the next periodic report is due; None once the benefit stopped."""
    if b.status != "active":
        return None
    return add_months(b.last_report_on or b.since, report_months(rules, b, today))


def record(op: Operation, b: Beneficiary, reported_on: date, changed: bool, note: str) -> PeriodicReport:
    """Record a report the household made; a change opens a recheck (or joins the open one)."""
    if b.status != "active":
        raise Conflict(f"beneficiary {b.number} is {b.status}")
    if not b.since <= reported_on <= op.today:
        raise Invalid([problem(("body", "reported_on"), f"须在 {b.since} 至今天 {op.today} 之间 must lie between the benefit's start and today")])
    row = PeriodicReport(beneficiary_id=b.id, reported_on=reported_on, changed=changed, note=note,
                         recorded_by=op.actor, recorded_at=op.now)
    if changed:
        row.recheck_case_id = b.recheck_case_id or recheck_on_demand(op, b, RecheckDemand(
            "change_report", note, effective_from=reported_on, source="periodic report")).id
    b.last_report_on = max(reported_on, b.last_report_on or reported_on)
    op.session.add(row)
    op.session.flush()
    record_event(op, b, "periodic_report", reported_on=reported_on, changed=changed, recheck_case_id=row.recheck_case_id)
    return row


def reports_of(session: Session, b: Beneficiary) -> list[PeriodicReport]:
    query = select(PeriodicReport).where(PeriodicReport.beneficiary_id == b.id).order_by(PeriodicReport.reported_on)
    return list(session.scalars(query))


def missing(session: Session, rules: RuleBook, user: User, today: date, region: str | None) -> list[dict[str, Any]]:
    """Active beneficiaries whose periodic report is past its day, in the user's scope, oldest due first."""
    query = scoped(select(Beneficiary), user, Beneficiary.region).where(Beneficiary.status == "active")
    if region:
        query = query.where(within(Beneficiary.region, region))
    out = []
    for b in session.scalars(query.order_by(Beneficiary.id)):
        due = report_due_on(rules, b, today)
        if due is not None and due < today:
            out.append({"beneficiary_id": b.id, "number": b.number, "region": b.region, "township": b.region[:9],
                        "kind": b.kind, "recheck_class": b.recheck_class, "due_on": due,
                        "last_report_on": b.last_report_on})
    return sorted(out, key=lambda r: (r["due_on"], r["beneficiary_id"]))

