"""What other systems send as messages."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "data_warning", "message_id": "jl-city-2026-11-000123", "business_key": "11010519491231002X",
         "variables": {"reason": "名下新增机动车", "source": "吉林市数据比对平台"}},
        {"name": "objection", "message_id": "hotline-88231", "case_number": "DB-2026-000042",
         "variables": {"objection_text": "申请人家中有经营性收入"}},
    ]})

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$", description="the message's name")
    message_id: str = Field(min_length=1, max_length=100, description="the sender's id for it: the same id twice has one effect")
    case_number: str | None = Field(default=None, min_length=1, max_length=32)
    business_key: str | None = Field(default=None, min_length=1, max_length=18,
                                     description="the resident ID number of the person the message is about")
    variables: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def one_key(self) -> MessageIn:
        if (self.case_number is None) == (self.business_key is None):
            raise ValueError("give exactly one of case_number or business_key")
        bad = [k for k in self.variables if not k.isidentifier() or k.startswith("_")]
        if bad:
            raise ValueError(f"variable names are plain identifiers, not starting with '_' (got {bad[0][:40]!r})")
        return self


class MessageOut(BaseModel):
    case_id: int
    duplicate: bool = Field(description="true when this message id was received before (no second effect)")
