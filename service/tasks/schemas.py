"""What clients send and receive for tasks."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant


class TaskOut(BaseModel):
    id: str
    case_id: int
    case_number: str | None = None
    kind: str
    purpose: str = Field(default="application", description="the case's purpose: application, recheck or spot_check")
    element_id: str
    name: str
    role: str
    region: str
    region_name: str = Field(default="", description="the region's name (the code itself when the register does not know it)")
    status: str
    opened_at: Instant
    due_on: date | None
    overdue: bool
    form: list[dict[str, Any]]
    completed_at: Instant | None = None
    completed_by: str | None = None


class TaskPage(BaseModel):
    items: list[TaskOut]
    total: int
    page: int
    page_size: int


class CompleteIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"data": {"visitors": ["王五", "赵六"], "findings": "家中无经营性收入", "disputed": False}}},
    )

    data: dict[str, Any] = Field(description="the task's form fields; see the task's `form`")
