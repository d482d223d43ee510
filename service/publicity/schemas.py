"""The request and response bodies of the publicity endpoints."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class Notice(BaseModel):
    case_number: str
    kind: str
    name: str | None = Field(description="masked (张*); null when the applicant is a minor")
    household_size: int
    amount: float | None = Field(description="the proposed monthly amount, yuan")
    place: str
    township_name: str = Field(default="", description="the township's name (the code itself when the region register does not know it)")
    village_name: str = Field(default="", description="the village's name (the code itself when the region register does not know it)")
    place_name: str = Field(default="", description="the place by name, province to village: 吉林省 吉林市 舒兰市 溪河镇 红星村")
    from_: date | None = Field(alias="from", serialization_alias="from")
    until: date | None

    model_config = {"populate_by_name": True}


class NoticePage(BaseModel):
    items: list[Notice]
    total: int


class Listed(BaseModel):
    """One household on dibao or tekun, as long-term publicity shows it."""

    kind: str
    name: str | None = Field(description="as the rule pack publishes it (masked 张* by default); null when the applicant is a minor")
    household_size: int
    amount: float = Field(description="yuan per month")
    place: str
    township_name: str = Field(default="", description="the township's name (the code itself when the region register does not know it)")
    village_name: str = Field(default="", description="the village's name (the code itself when the region register does not know it)")
    place_name: str = Field(default="", description="the place by name, province to village: 吉林省 吉林市 舒兰市 溪河镇 红星村")
    since: date


class ListedPage(BaseModel):
    items: list[Listed]
    total: int


class Decision(BaseModel):
    """One confirmed decision of the month (审核确认结果公示)."""

    case_number: str
    kind: str
    name: str | None = Field(description="as the rule pack publishes it; null when the applicant is a minor")
    household_size: int
    amount: float | None = Field(description="yuan: per month for dibao and tekun, once for linshi")
    place: str
    township_name: str = Field(default="", description="the township's name (the code itself when the region register does not know it)")
    village_name: str = Field(default="", description="the village's name (the code itself when the region register does not know it)")
    place_name: str = Field(default="", description="the place by name, province to village: 吉林省 吉林市 舒兰市 溪河镇 红星村")
    decided_on: date | None
    after_the_fact: bool = Field(description="emergency linshi paid first and publicised after (事后公示)")


class DecisionPage(BaseModel):
    items: list[Decision]
    total: int
