"""A beneficiary: an approved dibao or tekun case under dynamic management."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class Beneficiary(Base):
    __tablename__ = "beneficiaries"
    __table_args__ = (Index("ix_beneficiaries_status_next_recheck_on", "status", "next_recheck_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)  # the approving application
    number: Mapped[str] = mapped_column(String(32))  # that case's number
    kind: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(12), index=True)
    hukou: Mapped[str] = mapped_column(String(8))
    applicant_name: Mapped[str] = mapped_column(String(60))
    applicant_id_number: Mapped[str] = mapped_column(String(18), index=True)
    household_size: Mapped[int] = mapped_column(Integer)
    recheck_class: Mapped[str] = mapped_column(String(1))  # A, B or C (seed 002)
    amount: Mapped[float] = mapped_column(Numeric(12, 2, asdecimal=False))  # yuan per month
    support_mode: Mapped[str | None] = mapped_column(String(12), nullable=True)  # tekun: centralised / dispersed
    self_care: Mapped[str | None] = mapped_column(String(8), nullable=True)  # tekun: full / partial / none
    status: Mapped[str] = mapped_column(String(12))  # active, tapering (渐退), stopped, near_dibao (低保边缘家庭)
    since: Mapped[date] = mapped_column(Date)
    next_recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    last_recheck_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    recheck_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)  # the open recheck
    rechecks: Mapped[int] = mapped_column(Integer, default=0)
    last_report_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the household's last 定期报告
    stopped_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    stop_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    suspended: Mapped[str | None] = mapped_column(String(12), nullable=True)  # held from rosters: deceased
    died_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # from the death register
    taper_months: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 渐退: months paid after income rose
    taper_from: Mapped[date | None] = mapped_column(Date, nullable=True)  # the first month of 渐退
    bank: Mapped[str | None] = mapped_column(String(60), nullable=True)  # 代理金融机构
    account: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class PeriodicReport(Base):
    """A household's periodic report (定期报告, seed 002 §三(二)2), recorded by the township."""

    __tablename__ = "periodic_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiaries.id"), index=True)
    reported_on: Mapped[date] = mapped_column(Date)
    changed: Mapped[bool] = mapped_column(Boolean)  # something changed: a recheck (change_report) opened
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(60))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recheck_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True)
