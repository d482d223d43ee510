"""Full-review batches: one per township and month, each a case holding the county's task."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class ReviewMonth(Base):
    """A month whose decisions went to review, so every worker opens each month's batches once."""

    __tablename__ = "review_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    batches: Mapped[int] = mapped_column(Integer)


class ReviewBatch(Base):
    __tablename__ = "review_batches"
    __table_args__ = (UniqueConstraint("month", "township"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    township: Mapped[str] = mapped_column(String(9))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    decisions: Mapped[list[Any]] = mapped_column(JSON)  # [{"number", "case_id", "kind", "status", "amount"}]
