"""A case's income account: what was recorded, under which pack, and what it computed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class IncomeAccount(Base):
    __tablename__ = "income_accounts"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    rule_pack: Mapped[str] = mapped_column(String(60))
    household: Mapped[dict[str, Any]] = mapped_column(JSON)  # members, income and expenditure by item, 单人保
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # the computation (service.income.compute)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))
