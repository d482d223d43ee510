"""Process-wide state in one row: the persisted test clock, the system audit chain head, the calendar version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base, UTCDateTime


class AppState(Base):
    __tablename__ = "app_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fake_now: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), default="")
    calendar_version: Mapped[int] = mapped_column(Integer, default=0)
