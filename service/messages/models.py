"""Messages received, by their sender's id: the same id twice has one effect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class ReceivedMessage(Base):
    __tablename__ = "received_messages"

    message_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[int] = mapped_column(Integer, index=True)  # the case it was correlated to (or opened)
    sender: Mapped[str] = mapped_column(String(100))
    variables: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
