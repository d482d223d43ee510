"""The request and response bodies of the supervision endpoints."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field


class OverdueCase(BaseModel):
    id: int
    number: str
    kind: str
    region: str
    region_name: str = Field(default="", description="the region's name (the code itself when the register does not know it)")
    due_on: date
    status: Literal["overdue", "at_risk"]
    working_days_over: int
    working_days_left: int
    stage: list[str]


class LateTask(BaseModel):
    task_id: str
    case_id: int
    number: str
    region: str
    region_name: str = Field(default="", description="the region's name (the code itself when the register does not know it)")
    element_id: str
    name: str
    role: str
    due_on: date | None
    working_days_over: int


class Township(BaseModel):
    township: str
    township_name: str = Field(default="", description="the township's name (the code itself when the register does not know it)")
    overdue: int
    at_risk: int
    stage_overdue: int
    cases: list[OverdueCase]
    late_tasks: list[LateTask]


class OverdueOut(BaseModel):
    as_of: date
    at_risk_days: int
    totals: dict[str, int]
    townships: list[Township]
