"""Official schedules published after the holidays package was released (override store)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class CalendarYear(Base):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holidays: Mapped[list[str]] = mapped_column(JSON)
    workdays: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(100))
