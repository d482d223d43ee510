"""Payment rosters (发放名册): a county's roster for a month, its rows, the people held out, and overpayments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime

Money = Numeric(12, 2, asdecimal=False)


class Payroll(Base):
    __tablename__ = "payrolls"
    __table_args__ = (Index("ix_payrolls_county_month", "county", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county: Mapped[str] = mapped_column(String(6))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    kind: Mapped[str] = mapped_column(String(14))  # regular, supplementary
    status: Mapped[str] = mapped_column(String(8))  # draft, issued
    rule_pack: Mapped[str] = mapped_column(String(60))
    months: Mapped[int] = mapped_column(Integer)  # months a regular row covers (1 monthly, 3 quarterly)
    pay_by: Mapped[date] = mapped_column(Date)  # the pack's payment day in the month
    row_count: Mapped[int] = mapped_column(Integer, default=0)
    held_count: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[float] = mapped_column(Money, default=0)
    checksum: Mapped[str | None] = mapped_column(String(64), nullable=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    issued_by: Mapped[str | None] = mapped_column(String(100), nullable=True)


class PayrollRow(Base):
    """One payment: a beneficiary's benefit for the months covered, or a confirmed linshi amount."""

    __tablename__ = "payroll_rows"
    __table_args__ = (Index("ix_payroll_rows_payroll_id_township", "payroll_id", "township"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("payrolls.id", ondelete="CASCADE"))
    beneficiary_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    case_id: Mapped[int] = mapped_column(Integer, index=True)
    case_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18))
    township: Mapped[str] = mapped_column(String(9))
    village: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(8))
    monthly_amount: Mapped[float] = mapped_column(Money)
    months: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Money)
    change: Mapped[str] = mapped_column(String(20))  # new, unchanged, adjusted, stopping, taper n/m, linshi
    first_month: Mapped[date] = mapped_column(Date)  # the first day of the first month paid
    bank: Mapped[str | None] = mapped_column(String(60), nullable=True)
    account: Mapped[str | None] = mapped_column(String(40), nullable=True)


class PayrollHold(Base):
    """Someone left out of a roster by the pre-payment checks, with the reason."""

    __tablename__ = "payroll_holds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payroll_id: Mapped[int] = mapped_column(ForeignKey("payrolls.id", ondelete="CASCADE"), index=True)
    beneficiary_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # none for a linshi amount
    case_id: Mapped[int] = mapped_column(Integer)
    case_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(60))
    id_number: Mapped[str] = mapped_column(String(18))
    township: Mapped[str] = mapped_column(String(9))
    village: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(8))
    amount: Mapped[float] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(12))  # deceased, duplicate, stopped
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class Overpayment(Base):
    """Money paid for months after a benefit stopped (追缴): one record per roster row that overpaid."""

    __tablename__ = "overpayments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    payroll_row_id: Mapped[int] = mapped_column(ForeignKey("payroll_rows.id"), unique=True)
    beneficiary_id: Mapped[int] = mapped_column(Integer, index=True)
    county: Mapped[str] = mapped_column(String(6), index=True)
    case_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(60))
    stopped_on: Mapped[date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Money)
    reason: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
