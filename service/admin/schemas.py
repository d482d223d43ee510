"""The request and response bodies of the admin endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..calendar.workdays import MAX_YEAR, MIN_YEAR


class ClockIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"now": "2026-12-01T09:00:00+08:00"}})

    now: datetime = Field(description="any instant, earlier or later than the clock, in the calendar's years 2000–2099; "
                                      "without an offset it is Asia/Shanghai")

    @field_validator("now")
    @classmethod
    def _in_the_calendar(cls, value: datetime) -> datetime:
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"the clock must stay within the calendar's years {MIN_YEAR}–{MAX_YEAR}")
        return value


class ClockOut(BaseModel):
    now: datetime
    fired: int
    rechecks_started: int = Field(0, description="rechecks opened because they fell due by the new time")
    spot_checks_started: int = Field(0, description="spot checks drawn for months that are over by the new time")
