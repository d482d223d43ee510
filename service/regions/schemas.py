"""The response bodies of the region endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RegionName(BaseModel):
    name: str = Field(description="the region's name; the code itself when the register does not know it",
                      examples=["舒兰市"])
    label: str = Field(description="the names from the province down, space-separated; falls back to the code",
                       examples=["吉林省 吉林市 舒兰市"])


class RegionChild(BaseModel):
    code: str = Field(description="12 digits")
    name: str


class RegionOut(BaseModel):
    code: str = Field(description="12 digits (the code asked for, padded)")
    name: str
    label: str
    level: int = Field(description="1 province, 2 prefecture, 3 county, 4 township, 5 village")
    source: str = Field(description="library (seeded county-level names) or import (a county's file)")
    children: list[RegionChild] = Field(description="the regions right below, by code (at most 1000)")
