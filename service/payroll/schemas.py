"""What clients send and receive for payment rosters."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


class PayrollIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"month": "2026-12", "county": "220283"}]})

    month: Month
    county: Annotated[str, Field(pattern=r"^\d{6}$", description="the county's 6-digit code")]
    supplementary: bool = Field(False, description="a supplementary roster for a month already issued (corrections)")


class RowOut(BaseModel):
    case_number: str
    name: str
    id_number: str
    township: str
    township_name: str = Field(default="", description="the township's name (the code itself when the register does not know it)")
    village: str
    village_name: str = Field(default="", description="the village's name (the code itself when the register does not know it)")
    kind: str
    monthly_amount: float
    amount: float = Field(description="to pay on this roster: the monthly amount × months (less what was paid, when supplementary)")
    months: int
    change: str = Field(description="new, unchanged, adjusted, stopping, taper n/m (渐退), linshi, supplement")
    bank: str | None
    account: str | None = Field(description="masked")


class HeldOut(BaseModel):
    case_number: str
    name: str
    id_number: str
    township: str
    township_name: str = Field(default="", description="the township's name (the code itself when the register does not know it)")
    village: str
    village_name: str = Field(default="", description="the village's name (the code itself when the register does not know it)")
    kind: str
    amount: float
    reason: str = Field(description="deceased, duplicate or stopped")
    detail: dict[str, Any]


class PayrollOut(BaseModel):
    id: int
    county: str
    county_name: str = Field(default="", description="the county's name (the code itself when the register does not know it)")
    month: str
    kind: str = Field(description="regular or supplementary")
    status: str = Field(description="draft or issued")
    rule_pack: str
    months: int = Field(description="months a regular row pays: 1 monthly, 3 quarterly")
    pay_by: date
    row_count: int = Field(description="rows on the roster (in your section, for a township)")
    rows: list[RowOut] = Field(description="one page of rows, by township and village (page, page_size)")
    held: list[HeldOut] = Field(description="people left out by the pre-payment checks, with the reason")
    total: float
    checksum: str | None
    late: bool = Field(description="issued after the pack's payment day")
    created_at: Instant
    issued_at: Instant | None
    page: int
    page_size: int


class PayrollSummary(BaseModel):
    id: int
    county: str
    county_name: str = Field(default="", description="the county's name (the code itself when the register does not know it)")
    month: str
    kind: str
    status: str
    row_count: int
    held_count: int
    total: float
    checksum: str | None
    late: bool
    pay_by: date
    issued_at: Instant | None


class OverpaymentOut(BaseModel):
    case_number: str
    name: str
    stopped_on: date
    months: int
    amount: float
    reason: str
    recorded_at: Instant


class OverpaymentPage(BaseModel):
    items: list[OverpaymentOut]
    total_amount: float
