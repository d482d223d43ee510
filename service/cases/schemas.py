"""What clients send and receive for cases."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Path as PathParam
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from stdnum import exceptions as stdnum_errors
from stdnum import numdb
from stdnum.cn import ric

from ..clock import Instant
from ..tasks.schemas import TaskOut

Kind = Literal["dibao", "tekun", "linshi"]
CaseId = Annotated[int, PathParam(ge=1, le=2_147_483_647, description="the case id")]
Status = Literal["active", "approved", "rejected", "withdrawn", "terminated", "completed"]  # completed: a recheck or spot check
Purpose = Literal["application", "recheck", "spot_check", "report", "review"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Region = Annotated[str, StringConstraints(pattern=r"^\d{12}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

_ID_REASONS = {
    stdnum_errors.InvalidChecksum: "校验码错误 the check digit is wrong",
    stdnum_errors.InvalidLength: "长度应为18位 must be 18 characters",
    stdnum_errors.InvalidFormat: "格式错误 must be 17 digits and a digit or X",
    stdnum_errors.InvalidComponent: "出生日期无效 the birth date is not a real date",
}


def check_id_number(value: str) -> str:
    """A resident ID (GB 11643): 18 characters, a real birth date, a known address code, the check digit.

    The address code is checked against every code that ever existed, not against those in force
    in the birth year as ``stdnum`` does: GB 11643 codes the county of residence when the number
    was issued, so a Shulan (220283, since 1992) resident born in 1965 rightly has 220283.
    """
    number = ric.compact(value.strip().upper())
    try:
        if len(number) != 18:
            raise stdnum_errors.InvalidLength()
        if not number[:-1].isdigit() or not (number[-1].isdigit() or number[-1] == "X"):
            raise stdnum_errors.InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise stdnum_errors.InvalidChecksum()
        ric.get_birth_date(number)
    except stdnum_errors.ValidationError as exc:
        reason = next((r for cls, r in _ID_REASONS.items() if isinstance(exc, cls)), str(exc))
        raise ValueError(f"居民身份证号码无效 invalid resident ID: {reason}") from None
    if not _known_address(number[:6]):
        raise ValueError(f"居民身份证号码无效 invalid resident ID: 地址码 {number[:6]} 不存在 unknown address code")
    return number


def _known_address(code: str) -> bool:
    info = numdb.get("cn/loc").info(code)
    return any("county" in props for _, props in info)


def birth_date(id_number: str) -> date:
    born: date = ric.get_birth_date(id_number)
    return born


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"name": "张三", "id_number": "11010519491231002X"}})

    name: Name
    id_number: Annotated[str, Field(min_length=1, max_length=32, description="18-character resident ID, checksum-valid")]

    @field_validator("id_number")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_id_number(value)


class Member(Person):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "name": "李四", "id_number": "110105195001010012", "relation": "spouse"}})

    relation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] = Field(
        description="relation to the applicant: spouse, child, parent, ..."
    )


class Application(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text
    monthly_income: Annotated[float, Field(ge=0, le=1_000_000)] = 0
    requested_amount: Annotated[float, Field(ge=0, le=1_000_000)] = 0
    emergency: bool = False
    cause: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=200)] = Field(
        default=None, description="linshi (required): the cause of hardship, a category of the rule pack (`fire`, "
        "`traffic_accident`, `serious_illness`, `natural_disaster`, …, or its Chinese label 火灾、交通事故、…); the same "
        "person is helped once a year per category"
    )
    cause_detail: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=200)] = Field(
        default=None, description="linshi: the cause in the applicant's words, beside the category (e.g. 房屋火灾)"
    )


class NearRelativeDetail(BaseModel):
    """Who on the staff the household is close kin to (近亲属备案表)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {
        "staff_name": "王五", "staff_position": "村委会委员", "relation": "兄弟"}})

    staff_name: Name
    staff_position: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=50)] = None
    relation: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class CaseCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {
            "kind": "dibao", "region": "220283101001", "hukou": "rural",
            "applicant": {"name": "张三", "id_number": "11010519491231002X"},
            "household": [{"name": "李四", "id_number": "110105195001010012", "relation": "spouse"}],
            "near_relative_of_staff": False,
            "application": {"reason": "因病致贫", "monthly_income": 400, "requested_amount": 0, "emergency": False},
        }},
    )

    kind: Kind
    region: Region
    hukou: Literal["urban", "rural"]
    applicant: Person
    household: Annotated[list[Member], Field(max_length=30)] = []
    near_relative_of_staff: bool = False
    near_relative_detail: NearRelativeDetail | None = Field(
        default=None, description="with near_relative_of_staff: the staff member and the kinship, for the register")
    application: Application

    @model_validator(mode="after")
    def _distinct_people(self) -> CaseCreate:
        seen = [self.applicant.id_number] + [m.id_number for m in self.household]
        if len(set(seen)) != len(seen):
            raise ValueError("the same resident ID appears twice in the household")
        return self


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"reason": "人户分离，需函请居住地调查"}})

    reason: Text


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"text": "申请人家庭有经营性收入未申报"}})

    text: Text


class PositionOut(BaseModel):
    element_id: str
    name: str
    kind: str | None = None
    due_at: Instant | None = None


class ProcessRef(BaseModel):
    key: str
    version: int


class CaseOut(BaseModel):
    id: int
    number: str
    kind: str
    purpose: str = Field(default="application", description="application, or a recheck or spot check the service opened")
    subject_case_id: int | None = Field(default=None, description="the case a recheck or spot check is about")
    status: str
    region: str
    region_name: str = Field(default="", description="the region's name (the code itself when the register does not know it)")
    region_label: str = Field(default="", description="the names from the province down: 吉林省 吉林市 舒兰市 某某镇 某某村")
    process: ProcessRef
    rule_pack: str
    rule_pack_version: int = Field(default=1, description="the version of the rule pack the case started with, which it keeps")
    positions: list[PositionOut]
    tasks: list[TaskOut]
    accepted_on: date | None
    due_on: date | None
    extended: bool
    overdue: bool
    working_days_left: int | None
    applicant: dict[str, Any]
    household_size: int
    facts: dict[str, Any]
    incident: dict[str, Any] | None = None
    created_at: Instant
    closed_at: Instant | None


class CasePath(BaseModel):
    """Where a case has been and where it is, for drawing it on its diagram."""

    process: ProcessRef
    completed: list[str] = Field(description="element ids of completed steps, oldest first (a step repeated appears again)")
    positions: list[PositionOut]


class CasePage(BaseModel):
    items: list[CaseOut]
    total: int
    page: int
    page_size: int


class HistoryEvent(BaseModel):
    at: Instant
    actor: str
    type: str
    element_id: str | None
    data: dict[str, Any]
