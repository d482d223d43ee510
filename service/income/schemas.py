"""What clients send and receive for income accounts."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant

IncomeItem = Literal["wages", "business", "property", "transfers", "basic_pension", "other_pension", "other"]
ExpenditureItem = Literal["medical", "schooling", "accident", "disaster"]
Money = Annotated[float, Field(ge=0, le=10_000_000, allow_inf_nan=False)]


class IncomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "members": 3, "income": {"wages": 1500, "basic_pension": 150, "transfers": 100},
        "expenditure": {"medical": 300}, "single_person": False}]})

    members: Annotated[int | None, Field(ge=1, le=50, description="people in the household; default: the case's")] = None
    income: dict[IncomeItem, Money] = Field(default_factory=dict, description="monthly income by item, yuan")
    expenditure: dict[ExpenditureItem, Money] = Field(default_factory=dict, description="monthly rigid expenditure, yuan")
    single_person: bool = Field(False, description="单人保: a seriously ill or disabled member covered alone")
    single_person_income: Money = Field(0, description="that member's own monthly income")


class IncomeOut(BaseModel):
    case_id: int
    rule_pack: str
    household: dict[str, Any]
    result: dict[str, Any] = Field(description="counted, exempt, deductions, net_income, per_capita, standard, near_line, "
                                               "status (eligible, near_dibao, above), basis, amount (yuan per month)")
    recorded_at: Instant
    recorded_by: str
