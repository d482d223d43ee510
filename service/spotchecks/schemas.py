"""The request and response bodies of the spotchecks endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ..clock import Instant


class SpotCheckOut(BaseModel):
    case_id: int
    number: str
    subject_number: str = Field(description="the approved case this spot check re-visits")
    status: str
    conclusion: str | None = Field(description="consistent, rectify, reinvestigate or revoke once completed")


class DrawOut(BaseModel):
    month: str
    county: str
    kind: str
    rule_pack: str
    ratio: float
    seed: str = Field(description="what each case's lot is hashed with: '<month>|<county>|<kind>'")
    method: str
    population: list[str] = Field(description="the case numbers approved in the month")
    sample: list[str]
    drawn_at: Instant
    checks: list[SpotCheckOut]
