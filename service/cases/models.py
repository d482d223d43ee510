"""A case: the application, its workflow JSON, and what queries need copied out of it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..db import Base, UTCDateTime


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_township_status", "township", "status"),
        Index("ix_cases_kind_status", "kind", "status"),
        Index("ix_cases_accepted_on", "accepted_on"),
        Index("ix_cases_closed_at", "closed_at"),
        Index("ix_cases_purpose_status_closed_at", "purpose", "status", "closed_at"),
        Index("ix_cases_status_region_due_on_id", "status", "region", "due_on", "id"),
        Index("ix_cases_status_due_on_id", "status", "due_on", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(12), default="application", server_default="application")  # or recheck, spot_check
    subject_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), nullable=True, index=True)  # what a recheck or spot check is about
    region: Mapped[str] = mapped_column(String(12), index=True)
    township: Mapped[str] = mapped_column(String(9))
    status: Mapped[str] = mapped_column(String(12))
    process_key: Mapped[str] = mapped_column(String(100))
    process_version: Mapped[int] = mapped_column(Integer)
    decisions: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    rule_pack: Mapped[str] = mapped_column(String(60))
    rule_pack_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")  # the version it started with
    applicant_name: Mapped[str] = mapped_column(String(60))
    applicant_id_number: Mapped[str] = mapped_column(String(18), index=True)
    hukou: Mapped[str] = mapped_column(String(8))
    household: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    application: Mapped[dict[str, Any]] = mapped_column(JSON)
    near_relative_of_staff: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    near_relative_detail: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    positions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    incident: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    workflow: Mapped[str] = deferred(mapped_column(Text))
    serializer_version: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __mapper_args__ = {"version_id_col": version}


class CasePosition(Base):
    """One row per token, so ``element_id`` filters use an index instead of reading JSON."""

    __tablename__ = "case_positions"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    element_id: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class CasePerson(Base):
    """Everyone named on a case (applicant and household), so cross-checks by ID number use an index."""

    __tablename__ = "case_people"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(60))
    relation: Mapped[str] = mapped_column(String(20))
