"""What clients send and receive for process definitions, migrations and what-if runs."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..clock import Instant

FileType = Literal["bpmn", "dmn"]


class VersionOut(BaseModel):
    version: int
    name: str
    checksum: str
    filename: str
    deployed_at: Instant
    deployed_by: str
    note: str | None = Field(default=None, description="the designer's change note given at deploy")
    layout_only: bool = Field(default=False, description="the process is the previous version's; only the layout changed")


class DefinitionOut(BaseModel):
    """A deployed key (a process id or a decision id) and all its versions, oldest first."""

    key: str
    type: FileType
    name: str
    newest: int
    versions: list[VersionOut]


class DefinitionList(BaseModel):
    items: list[DefinitionOut]


class DeployOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "key": "delegation", "version": 2, "type": "dmn", "name": "审核确认权限 who confirms", "created": True,
        "checksum": "9f2c…", "layout_only": False, "note": "县级确认改为乡镇确认（舒兰市 2023 年方案）"}})

    key: str
    version: int
    type: FileType
    name: str
    checksum: str
    created: bool = Field(description="false when the file means the same as the newest version (same process and "
                                      "layout, whatever the serialisation), which is returned")
    layout_only: bool = Field(default=False, description="a new version whose process is the previous one's; only the layout changed")
    note: str | None = None


class ValidationOut(BaseModel):
    """A file that passed every check, and what deploying it would do."""

    valid: Literal[True] = True
    key: str
    type: FileType
    name: str
    checksum: str
    newest_version: int | None = Field(description="the version deployed now, or null for a new key")
    would_deploy_as: int = Field(description="the version deploying it would create (the newest when unchanged)")
    unchanged: bool = Field(description="the same process and layout as the newest version (serialisation aside): "
                                        "deploying creates nothing")
    same_as: int | None = Field(default=None, description="the version it is the same as, when unchanged")
    layout_only: bool = Field(default=False, description="the same process as the newest version with another layout")


class MigrateIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"to_version": 2, "dry_run": True}})

    to_version: int = Field(ge=1, le=1_000_000, description="the process version to move the case to")
    dry_run: bool = Field(default=True, description="only report what would change")
    newest_decisions: bool = Field(
        default=False, description="also move to the newest version of each decision (DMN) the process calls; "
                                   "otherwise the case keeps the decision versions it has")


class ElementChange(BaseModel):
    element_id: str
    name: str = ""
    attributes: list[str] = Field(default_factory=list, description="what changed in the element's definition")


class VersionDiffOut(BaseModel):
    """What changed from one version of a process to another, element by element."""

    model_config = ConfigDict(json_schema_extra={"example": {
        "key": "dibao", "from_version": 1, "to_version": 2,
        "added": [{"element_id": "second_review", "name": "复核", "attributes": []}], "removed": [],
        "changed": [{"element_id": "eligible_gateway", "name": "符合条件？", "attributes": ["cond_task_specs"]}]}})

    key: str
    from_version: int
    to_version: int
    added: list[ElementChange]
    removed: list[ElementChange]
    changed: list[ElementChange]


class TaskEffect(BaseModel):
    element_id: str
    name: str
    state: str = Field(description="completed, ready, waiting")
    effect: Literal["kept", "reset", "removed", "blocks"] = Field(
        description="kept: unchanged; reset: an open task or waiting event re-created on the new version; "
                    "removed: its element is gone; blocks: a completed step that changed, so migration is refused")


class MigrationOut(BaseModel):
    case_id: int
    number: str
    process: str
    from_version: int
    to_version: int
    decisions: dict[str, int] = Field(description="decision versions the case would have after migrating")
    dry_run: bool
    safe: bool = Field(description="true when no completed step changed; only then may it migrate")
    migrated: bool
    added: list[ElementChange]
    removed: list[ElementChange]
    changed: list[ElementChange]
    tasks: list[TaskEffect]
    blocking: list[ElementChange] = Field(description="completed steps whose definition changed or was removed")
    positions_after: list[str] | None = Field(default=None, description="element ids holding a token after a real migration")


class DateChange(BaseModel):
    current: date | None
    candidate: date | None
    changed: bool


class StageChange(BaseModel):
    element_id: str
    name: str
    current: date | None
    candidate: date | None
    changed: bool


class RouteChange(BaseModel):
    decision: str
    current: dict[str, Any] | None
    candidate: dict[str, Any] | None
    changed: bool
    already_decided: bool = Field(description="the case has passed this decision; the candidate no longer affects it")


class ConfirmerChange(BaseModel):
    current: str | None = Field(description="who confirms the case now: township or county")
    candidate: str | None = Field(description="who would confirm it under the candidate")
    changed: bool


class WhatIfCase(BaseModel):
    case_id: int
    number: str
    kind: str
    region: str
    process_version: int
    positions: list[str]
    position_names: list[str]
    changed: bool
    summary: list[str] = Field(description="readable lines, e.g. '确认机关 township → county'")
    routes: list[RouteChange] = Field(default_factory=list)
    confirmer: ConfirmerChange | None = Field(default=None, description="who confirms, now and under the candidate, "
                                              "for a case that has not reached its confirmation yet")
    due_on: DateChange | None = None
    stages: list[StageChange] = Field(default_factory=list)
    error: str | None = Field(default=None, description="why this case could not be evaluated against the candidate")


class WhatIfOut(BaseModel):
    process: str
    candidate: dict[str, Any] = Field(description="what was tried: type (dmn or rule_pack), key or id, name")
    note: str
    cases: int
    changed: int
    confirmer_changes: int = Field(default=0, description="open cases whose confirmer would change")
    items: list[WhatIfCase]
