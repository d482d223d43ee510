"""What clients receive about beneficiaries."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from ..clock import Instant

RecheckClass = Literal["A", "B", "C"]
BeneficiaryStatus = Literal["active", "tapering", "stopped", "near_dibao"]


class CaseRef(BaseModel):
    id: int
    number: str


class RecheckOut(BaseModel):
    id: int
    number: str
    status: str
    outcome: str | None = Field(description="continue, adjust or stop once completed")
    created_at: Instant
    closed_at: Instant | None


class BeneficiaryOut(BaseModel):
    id: int
    number: str = Field(description="the approving case's number")
    case_id: int
    kind: str
    status: str
    region: str
    hukou: str
    applicant: dict[str, Any]
    household_size: int
    recheck_class: str = Field(description="A yearly, B half-yearly, C monthly (urban) or quarterly (rural), per the rule pack")
    amount: float = Field(description="yuan per month")
    support_mode: str | None = None
    self_care: str | None = None
    since: date
    next_recheck_on: date | None
    last_recheck_on: date | None
    rechecks: int
    open_recheck: CaseRef | None
    stopped_on: date | None = Field(description="the day the benefit stops (the date of death; after 渐退, the month after its last)")
    stop_reason: str | None
    suspended: str | None = Field(None, description="held from every roster: deceased (on the death register)")
    died_on: date | None = None
    taper: dict[str, Any] | None = Field(None, description="渐退: months, from (first month), until (last month)")
    bank: str | None = None
    account: str | None = Field(None, description="the payee account, masked")


class BeneficiaryDetail(BeneficiaryOut):
    recheck_cases: list[RecheckOut]


class BeneficiaryPage(BaseModel):
    items: list[BeneficiaryOut]
    total: int
    page: int
    page_size: int
