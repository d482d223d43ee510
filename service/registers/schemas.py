"""The request and response bodies of the registers endpoints."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..clock import Instant


class CountyVisitOut(BaseModel):
    status: str = Field(description="pending (not yet open: the case is before acceptance), open, or done")
    due_on: str | None = None
    completed_at: Instant | None = None
    completed_by: str | None = None


class NearRelativeOut(BaseModel):
    case_id: int
    number: str
    kind: str
    status: str
    region: str
    region_name: str = Field(default="", description="the region's name (the code itself when the register does not know it)")
    applicant: dict[str, Any]
    detail: dict[str, Any] | None = Field(description="the staff member and the kinship, when the application gave them")
    registered_at: Instant
    county_home_visit: CountyVisitOut


class NearRelativePage(BaseModel):
    items: list[NearRelativeOut]
    total: int
    page: int
    page_size: int


class DeathImportOut(BaseModel):
    imported: int = Field(description="people new on the register")
    already_known: int = Field(description="rows for people the register already had (the first record stands)")
    matched_beneficiaries: int = Field(description="beneficiaries among the new: suspended, each with a recheck opened")
    flagged_cases: int = Field(description="open applications whose applicant is among the new")
