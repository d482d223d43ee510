"""Spot-check draws: one row per county, kind and month, holding the population and the sample."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class SpotCheckMonth(Base):
    """A month whose approvals have been sampled, so every worker draws each month once."""

    __tablename__ = "spot_check_months"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    draws: Mapped[int] = mapped_column(Integer)


class SpotCheckDraw(Base):
    __tablename__ = "spot_check_draws"
    __table_args__ = (UniqueConstraint("month", "county", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    county: Mapped[str] = mapped_column(String(6))  # the 6-digit county code the sample is drawn for
    kind: Mapped[str] = mapped_column(String(8))
    rule_pack: Mapped[str] = mapped_column(String(60))
    ratio: Mapped[float] = mapped_column(Float)
    population: Mapped[list[Any]] = mapped_column(JSON)  # case numbers approved that month
    sample: Mapped[list[Any]] = mapped_column(JSON)  # the case numbers drawn
    method: Mapped[str] = mapped_column(String(200))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
