"""Overpayments (追缴): months paid on issued rosters after a benefit stopped or its holder died.

A month is overpaid when the roster paid it and the benefit was no longer due in it (stopped or
dead on or before the month's first day; :mod:`service.payroll.periods` has the rule). One record
per roster row, made once: generating every roster, and every death the register learns of,
records what is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import scope_prefix
from ..beneficiaries.models import Beneficiary
from ..cases.workflow import Operation
from ..registers.deaths import DeathsRecorded
from . import periods
from .models import Overpayment, Payroll, PayrollRow


def _stop(stopped_on: date | None, died_on: date | None) -> date:
    return min(d for d in (stopped_on, died_on) if d is not None)


def record_overpayments(op: Operation, county: str | None = None, beneficiary_ids: Iterable[int] | None = None) -> int:
    """Record what issued rosters overpaid to stopped or dead beneficiaries (of a county, or the given ones)."""
    recorded = select(Overpayment.payroll_row_id)
    query = (select(PayrollRow, Payroll.county, Beneficiary.stopped_on, Beneficiary.died_on, Beneficiary.stop_reason)
             .join(Payroll, Payroll.id == PayrollRow.payroll_id).join(Beneficiary, Beneficiary.id == PayrollRow.beneficiary_id)
             .where(Payroll.status == "issued", or_(Beneficiary.stopped_on.is_not(None), Beneficiary.died_on.is_not(None)),
                    PayrollRow.id.not_in(recorded)))
    if county is not None:
        query = query.where(Payroll.county == county)
    if beneficiary_ids is not None:
        query = query.where(PayrollRow.beneficiary_id.in_(list(beneficiary_ids)))
    count = 0
    for row, row_county, stopped_on, died_on, reason in op.session.execute(query.order_by(PayrollRow.id)).all():
        stop = _stop(stopped_on, died_on)
        months = sum(1 for first in periods.period(row.first_month, row.months) if first >= stop)
        paid_months = min(months, row.months)
        if paid_months == 0:
            continue
        amount = round(float(row.amount) * paid_months / row.months, 2)
        why = f"死亡 died {died_on.isoformat()}" if died_on is not None and stop == died_on else f"停保 stopped: {reason or ''}"
        op.session.add(Overpayment(payroll_row_id=row.id, beneficiary_id=row.beneficiary_id, county=row_county,
                                   case_number=row.case_number, name=row.name, stopped_on=stop, months=paid_months,
                                   amount=amount, reason=why[:200], recorded_at=op.now))
        audit.record(op.session, case=None, at=op.now, actor=op.actor, type="payroll.overpayment",
                     data={"payroll_id": row.payroll_id, "case_number": row.case_number, "stopped_on": stop,
                           "months": paid_months, "amount": amount})
        count += 1
    op.session.flush()
    return count


def overpayments(session: Session, user: User, county: str | None) -> tuple[list[Overpayment], float]:
    query = select(Overpayment).order_by(Overpayment.id.desc()).limit(1000)
    prefix = scope_prefix(user.region)
    if user.role != "admin":
        query = query.where(Overpayment.county == prefix[:6])
    if county:
        query = query.where(Overpayment.county == county)
    items = list(session.scalars(query))
    return items, round(sum(float(o.amount) for o in items), 2)


def follow_deaths(event: DeathsRecorded) -> None:
    """A beneficiary new on the death register: what the issued rosters paid after the death is recorded at once."""
    ids = select(Beneficiary.id).where(Beneficiary.applicant_id_number.in_([d.id_number for d in event.deaths]))
    record_overpayments(event.op, beneficiary_ids=list(event.op.session.scalars(ids)))
