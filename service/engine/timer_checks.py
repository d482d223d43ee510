"""Timer expressions: checked when a diagram is deployed, so a timer that cannot evaluate is refused then."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from . import expressions
from .timeshift import engine_time

_ISO_LIKE = re.compile(r"^(R\d*/|P|\d{4}-\d{2}-\d{2})", re.IGNORECASE)


_ANY_INSTANT = datetime(2000, 1, 1, tzinfo=UTC)  # a cycle's parser asks for "now"; its syntax does not depend on it


def _check_literal(value: str, source: str) -> None:
    try:
        with engine_time(_ANY_INSTANT):
            if value.upper().startswith("R"):
                TimerEventDefinition.parse_iso_recurring_interval(value)
            else:
                TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - Spiff raises bare Exception for a bad duration
        raise expressions.ForbiddenExpression(source, "not an ISO 8601 date, duration or cycle") from None


def check_timer_expression(text: str, known_functions: Iterable[str]) -> None:
    """Refuse a timer text that cannot give a due time: empty, unquoted ISO, bad literal, unknown call."""
    if not text:
        raise expressions.ForbiddenExpression(text, "timer has no expression")
    if _ISO_LIKE.match(text) and not text.startswith(("'", '"')):
        raise expressions.ForbiddenExpression(text, "not an ISO 8601 date, duration or cycle, nor an expression")
    expressions.check(text, known_functions)
    tree = ast.parse(text.strip(), mode="eval").body
    if isinstance(tree, ast.Constant):
        if not isinstance(tree.value, str):
            raise expressions.ForbiddenExpression(text, "a timer must give an ISO 8601 string")
        _check_literal(tree.value, text)


def check_timer_value(value: object, source: str) -> None:
    """What a timer expression gave must be an ISO 8601 date, duration or cycle string."""
    if not isinstance(value, str):
        raise expressions.ForbiddenExpression(source, f"a timer must give an ISO 8601 string, this gives {type(value).__name__}")
    _check_literal(value, source)


def due_time(value: Any) -> datetime | None:
    """The instant a waiting timer task's stored value names (a cycle keeps ``{'next': iso}``); None if none."""
    if isinstance(value, dict):  # a cycle timer keeps {'next': iso, ...}
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        parsed = TimerEventDefinition.parse_time_or_duration(value)
    except Exception:  # noqa: BLE001 - a malformed value is reported as "no due time"
        return None
    return datetime.fromisoformat(parsed.isoformat()) if isinstance(parsed, datetime) else None
