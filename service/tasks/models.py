"""User tasks copied out of the workflow: the queues are queries on this table."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class CaseTask(Base):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_status_role_region", "status", "role", "region"),
        Index("ix_tasks_status_due_on", "status", "due_on"),
        Index("ix_tasks_status_region_due_on", "status", "region", "due_on"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(12))
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    stage_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stage_unit: Mapped[str | None] = mapped_column(String(10), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[str | None] = mapped_column(String(100), nullable=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
