"""What clients receive about beneficiaries."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant

RecheckClass = Literal["A", "B", "C"]
Trigger = Literal["data_warning", "change_report", "public_report", "periodic_report", "other"]
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
    region_name: str = Field(default="", description="the region's name (the code itself when the register does not know it)")
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
    last_report_on: date | None = Field(default=None, description="the household's last periodic report (定期报告)")


class BeneficiaryDetail(BeneficiaryOut):
    recheck_cases: list[RecheckOut]


class BeneficiaryPage(BaseModel):
    items: list[BeneficiaryOut]
    total: int
    page: int
    page_size: int


class RecheckIn(BaseModel):
    """A recheck asked for now, before its scheduled day (seed 001 §七(三), seed 002 (二)2)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"trigger": "data_warning", "reason": "市级比对：家庭成员名下新登记车辆", "effective_from": "2026-10-01"}]})

    trigger: Trigger = Field(description="data_warning 数据比对预警, change_report 家庭主动申报, public_report 举报, "
                                         "periodic_report 定期报告, other 其他")
    reason: str = Field(min_length=1, max_length=2000, pattern=r"\S", description="why, in writing")
    effective_from: date | None = Field(default=None, description="the day the change happened, if known: a stop takes "
                                                                  "effect from it (not before the benefit began, not after today)")


class PeriodicReportIn(BaseModel):
    """A household's periodic report (定期报告), recorded by the township."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reported_on": "2026-12-01", "changed": False, "note": "家庭收入、人口无变化"}]})

    reported_on: date = Field(description="the day the household reported (not after today)")
    changed: bool = Field(description="the household reports a change: a recheck opens (trigger change_report)")
    note: str = Field(min_length=1, max_length=2000, pattern=r"\S", description="what the household reported")


class PeriodicReportOut(BaseModel):
    id: int
    reported_on: date
    changed: bool
    note: str
    recorded_by: str
    recheck: CaseRef | None
    next_report_due: date | None = Field(description="when the next report is due, by the pack's period for the class")


class PeriodicReportList(BaseModel):
    items: list[PeriodicReportOut]
    next_report_due: date | None


class PayeeIn(BaseModel):
    """Where the benefit is paid: the agent financial institution (代理金融机构) and the account."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"bank": "舒兰农商银行", "account": "6228480012345678"}]})

    bank: str = Field(min_length=1, max_length=60, pattern=r"\S", description="代理金融机构")
    account: str = Field(pattern=r"^\d{8,30}$", description="the account number, digits only")
