"""External tasks copied out of the workflow: workers fetch and lock them by topic."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class ExternalTask(Base):
    """One service or send task waiting for (or done by) a worker; the lock is ``worker_id`` until ``lock_expires_at``."""

    __tablename__ = "external_tasks"
    __table_args__ = (Index("ix_external_tasks_status_topic_created_at", "status", "topic", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the workflow's task id
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12))  # open, done, cancelled, incident
    variables: Mapped[dict[str, Any]] = mapped_column(JSON)
    worker_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retries: Mapped[int | None] = mapped_column(Integer, nullable=True)  # left, as the last failure said
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # not fetched before
    failures: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
