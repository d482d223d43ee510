"""Evaluating a decision table outside a running workflow, for what-if runs.

The table is the one SpiffWorkflow would build for a business rule task, evaluated by its DMN
engine with our safe script engine over plain case data: the same rules and hit policy a case
would meet, without running or changing any case.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from . import expressions
from .loader import CompiledDecision, parse_xml
from .model import ProcessError
from .scripting import SafeScriptEngine

_TABLES: dict[str, Any] = {}


def _table(decision: CompiledDecision) -> Any:
    table = _TABLES.get(decision.checksum)
    if table is None:
        parser = SpiffBpmnParser()
        parser.add_dmn_xml(parse_xml(decision.xml))
        dmn = parser.dmn_parsers[decision.key]
        dmn.parse()
        table = dmn.decision.decisionTables[0]
        _TABLES[decision.checksum] = table
    return table


def decide(decision: CompiledDecision, data: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> dict[str, Any]:
    """The outputs the decision gives for this data (empty when no rule matches)."""
    engine = SafeScriptEngine(functions)
    task = SimpleNamespace(data=dict(data), workflow=SimpleNamespace(script_engine=engine))
    try:
        result: dict[str, Any] = dict(DMNEngine(_table(decision)).result(task))
    except expressions.ExpressionError as exc:
        raise ProcessError(decision.key, f"{exc.reason} in {exc.source!r}") from None
    except Exception as exc:  # noqa: BLE001 - the DMN engine wraps evaluation failures in its own types
        inner = getattr(exc, "exception", None) or exc.__cause__ or exc
        reason = inner.reason if isinstance(inner, expressions.ExpressionError) else str(inner)
        raise ProcessError(decision.key, reason) from None
    return result
