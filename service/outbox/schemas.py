"""What admins send and see for webhook subscriptions."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant


class SubscriptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "name": "county-dashboard", "url": "https://dashboard.example/hooks/jiuzhu", "secret": "a long random secret",
        "types": ["case.", "task.completed"], "region": "220283000000"}})

    name: str = Field(min_length=1, max_length=100)
    url: str = Field(min_length=8, max_length=500, description="http(s) URL that receives each event as a POST")
    secret: str = Field(min_length=16, max_length=200, description="signs every request (HMAC-SHA256); never shown again")
    types: list[str] = Field(default_factory=list, max_length=50,
                             description="audit event type prefixes (case., task.completed, ...); empty: every event")
    region: str = Field(default="", pattern=r"^(\d{12})?$", description="only cases in this region; empty: everything")


class SubscriptionOut(BaseModel):
    id: int
    name: str
    url: str
    types: list[str]
    region: str
    active: bool
    pending: int = Field(description="events not yet delivered")
    failures: int = Field(description="failed attempts in a row")
    paused_until: Instant | None = Field(description="the next attempt, after failures")
    last_error: str | None
    created_at: Instant
