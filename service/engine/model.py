"""Plain types the engine hands to the rest of the service: no SpiffWorkflow types leave it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

FIELD_TYPES = ("string", "text", "boolean", "integer", "number", "date", "enum", "list", "attendees", "map", "document")
# the kinds of a case's documents, with their Chinese labels: a ``document`` field names one (``kind="..."``)
DOCUMENT_KINDS = {
    "application": "申请材料",
    "home_visit_record": "入户调查表",
    "appraisal_record": "评议记录",
    "meeting_minutes": "会议纪要",
    "other": "其他材料",
    "archive": "一户一档",  # produced by archiving, never uploaded
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a user task's form, declared in the diagram (``<jiuzhu:field>``)."""

    name: str
    type: str
    label: str = ""
    required: bool = True
    required_when: str | None = None
    min: float | None = None
    max: float | None = None
    exclusive_min: float | None = None
    min_items: int | None = None
    options: tuple[str, ...] = ()
    kind: str | None = None  # a ``document`` field: the kind of document it takes

    def describe(self) -> dict[str, Any]:
        """The field as clients see it in a task's ``form``."""
        out: dict[str, Any] = {"name": self.name, "type": self.type, "label": self.label}
        out["required"] = self.required and self.required_when is None
        if self.required_when is not None:
            out["required_when"] = self.required_when
        for key in ("min", "max", "exclusive_min", "min_items"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.options:
            out["options"] = list(self.options)
        if self.kind is not None:
            out["kind"] = self.kind
        return out


@dataclass(frozen=True)
class FormCheck:
    """A rule the submitted values must meet with the case's data (``<jiuzhu:check>``).

    ``test`` is evaluated with the case's data and the submitted fields (and ``rule(...)``); when it
    is false the field is refused with ``message``, followed by the value of ``limit`` when given.
    """

    field: str
    test: str
    message: str
    limit: str | None = None


class CheckFailed(Exception):
    """Submitted values that break a form check: the field and the message (with the limit)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Deadline:
    """A user task's stage limit: an expression giving a number of working or calendar days.

    With ``unit_expression`` the unit comes from the case (``rule('refusal_notice_unit')``): ``unit``
    is then only what the element was written with. A number of days that is ``None`` means no limit.
    """

    expression: str
    unit: str  # "working" or "calendar"
    unit_expression: str | None = None


@dataclass(frozen=True)
class UserTaskInfo:
    element_id: str
    name: str
    lane: str | None
    role_expression: str | None
    deadline: Deadline | None
    form: tuple[FieldSpec, ...]
    checks: tuple[FormCheck, ...] = ()


@dataclass(frozen=True)
class ElementInfo:
    element_id: str
    name: str
    kind: str  # BPMN tag without namespace: userTask, intermediateCatchEvent, endEvent, ...
    event: str | None = None  # timer, message, signal, terminate, ... for events


@dataclass(frozen=True)
class Problem:
    """Why a diagram was refused, pointing at the element."""

    element_id: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"element_id": self.element_id, "reason": self.reason}


class DefinitionInvalid(Exception):
    """A BPMN or DMN file was refused; ``problems`` say where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.element_id or '-'}: {p.reason}" for p in problems))
        self.problems = problems


class ProcessError(Exception):
    """Running a case failed inside the diagram (an expression failed, a task is gone)."""

    def __init__(self, element_id: str | None, reason: str) -> None:
        super().__init__(f"{element_id or '-'}: {reason}")
        self.element_id = element_id
        self.reason = reason


@dataclass(frozen=True)
class Host:
    """What the host gives each engine operation: the instant, and the whitelisted functions."""

    now: datetime
    functions: Mapping[str, Callable[..., Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Position:
    """Where a token is: a ready user task or a waiting event."""

    element_id: str
    name: str
    kind: str
    due_at: datetime | None = None


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person."""

    task_id: str
    element_id: str
    name: str
    role: str | None
    stage_days: int | None
    stage_unit: str | None


@dataclass(frozen=True)
class ReadyExternal:
    """A service or send task waiting for a worker outside the service."""

    task_id: str
    element_id: str
    name: str
    topic: str


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    element_id: str
    due_at: datetime
    expression: str


@dataclass(frozen=True)
class Happened:
    """An element that completed during an operation, in order."""

    element_id: str
    name: str
    kind: str


@dataclass
class Snapshot:
    """The state after an operation, everything the host stores beside the JSON."""

    state: str
    positions: list[Position]
    ready: list[ReadyTask]
    timers: list[WaitingTimer]
    happened: list[Happened]
    data: dict[str, Any]
    finished: bool
    end_element: str | None
    external: list[ReadyExternal] = field(default_factory=list)
