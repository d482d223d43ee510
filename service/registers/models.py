"""The death register (殡葬信息): one row per person reported dead by the funeral or civil registry."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class DeathRecord(Base):
    __tablename__ = "death_records"

    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    died_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
