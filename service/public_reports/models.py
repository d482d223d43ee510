"""A public report: its receipt, the case that triages it, and the hashed client that sent it (for the rate limit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class PublicReport(Base):
    __tablename__ = "public_reports"
    __table_args__ = (Index("ix_public_reports_client_created_at", "client", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    receipt: Mapped[str] = mapped_column(String(24), unique=True)  # what the reporter holds; unguessable
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    region: Mapped[str] = mapped_column(String(12), index=True)
    client: Mapped[str] = mapped_column(String(64))  # sha256 of the client address, never the address itself
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
