"""What the public sends and receives: a report in, a receipt out, a status by receipt; nothing else."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RECEIPT_PATTERN = r"^JB-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
ReportStatus = Literal["received", "dismissed", "referred"]


class ReportIn(BaseModel):
    """A report from the public (监督举报). No token; at most a few per client an hour."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"region": "220283101001", "subject": "低保对象家中新购轿车", "text": "某村某户今年新购轿车一辆，仍在享受低保。",
         "contact": "139xxxxxxxx"}]})

    region: str = Field(pattern=r"^\d{12}$", description="the village or township (12-digit code) the report concerns")
    subject: str = Field(min_length=1, max_length=100, pattern=r"\S", description="a short title")
    text: str = Field(min_length=1, max_length=5000, pattern=r"\S", description="what happened")
    contact: str | None = Field(default=None, max_length=100, description="optional: how the county may reach you")


class ReceiptOut(BaseModel):
    receipt: str = Field(description="keep it: the only way to ask about the report")


class StatusOut(BaseModel):
    status: ReportStatus = Field(description="received 已受理待处理, dismissed 经核处不予立案, referred 已转入复核或入户抽查")
