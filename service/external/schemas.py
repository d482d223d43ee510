"""What workers send and receive for external tasks (the names follow Camunda's external-task REST API)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant

WorkerId = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:@\-]+$", description="the worker's own id")
Seconds = Field(ge=1, le=86_400, description="seconds, at most a day")


class TopicIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    topic: str = Field(min_length=1, max_length=100)
    lock_seconds: int = Seconds


class FetchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "worker_id": "platform-adapter-1", "max_tasks": 10, "topics": [{"topic": "provincial_check", "lock_seconds": 60}]}})

    worker_id: str = WorkerId
    max_tasks: int = Field(default=10, ge=1, le=100)
    topics: list[TopicIn] = Field(min_length=1, max_length=20)


class LockedOut(BaseModel):
    id: str
    topic: str
    case_id: int
    case_number: str
    element_id: str
    variables: dict[str, Any] = Field(description="the case data at the task, and the people of the household")
    lock_expires_at: Instant
    retries: int | None = Field(description="retries left, as the last failure said; null before any failure")


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "worker_id": "platform-adapter-1", "variables": {"result": "pass", "note": "省级平台比对无异常"}}})

    worker_id: str = WorkerId
    variables: dict[str, Any] = Field(default_factory=dict, description="checked against the task's form when it has one")


class FailureIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "worker_id": "platform-adapter-1", "error": "platform unreachable", "retries": 4, "retry_seconds": 300}})

    worker_id: str = WorkerId
    error: str = Field(min_length=1, max_length=10_000)
    retries: int = Field(ge=0, le=100, description="retries left; 0 makes the task an incident on its case")
    retry_seconds: int = Field(default=0, ge=0, le=86_400, description="back-off before the task can be fetched again")


class ExtendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker_id: str = WorkerId
    lock_seconds: int = Seconds


class RetryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    retries: int = Field(default=1, ge=1, le=100)


class ExternalTaskOut(BaseModel):
    id: str
    case_id: int
    element_id: str
    name: str
    topic: str
    status: str = Field(description="open, done, cancelled or incident")
    worker_id: str | None
    lock_expires_at: Instant | None
    retries: int | None
    retry_at: Instant | None
    failures: int
    error: str | None
    created_at: Instant
    completed_at: Instant | None
