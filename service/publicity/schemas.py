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
    from_: date | None = Field(alias="from", serialization_alias="from")
    until: date | None

    model_config = {"populate_by_name": True}


class NoticePage(BaseModel):
    items: list[Notice]
    total: int
