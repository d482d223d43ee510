"""The request and response bodies of the calendar endpoints."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class WorkingDayOut(BaseModel):
    start: date
    days: int
    date: date


class YearOut(BaseModel):
    year: int
    holidays: list[date] = Field(description="dates off (public holidays, and weekends inside a holiday)")
    workdays: list[date] = Field(description="weekend dates that are working days (调休上班)")
    source: str
    provisional: bool = Field(description="true when only statutory holidays are known: the year's schedule is not yet published")


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "holidays": ["2027-01-01", "2027-02-06", "2027-02-07"], "workdays": ["2027-02-14"], "source": "国办发明电〔2026〕x号"}})

    holidays: list[Any]
    workdays: list[Any]
    source: str = Field(default="", max_length=200)


class PublishedOut(BaseModel):
    year: int
    recomputed: int = Field(description="open cases whose statutory due date moved")
    tasks: int = Field(description="open tasks whose stage due date moved")
    timers: int = Field(description="waiting timers whose due time moved")
