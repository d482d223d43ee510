"""The script engine SpiffWorkflow is given: every expression and script goes to our evaluator."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from . import expressions
from .limits import check_instances, cycle_overrun
from .model import ProcessError
from .timeshift import engine_now


class _SafeEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__({})
        self.functions = functions

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        names: Mapping[str, Any] = ChainMap(external_context, context) if external_context else context
        return expressions.evaluate(expression, names, self.functions)

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        names: Mapping[str, Any] = ChainMap(context, external_context) if external_context else context
        context.update(expressions.execute(script, names, self.functions))
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        raise expressions.ForbiddenExpression(str(kwargs.get("operation_name", "")), "service calls are not supported")


class SafeScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """A PythonScriptEngine that never calls eval or exec."""

    def __init__(self, functions: Mapping[str, Callable[..., Any]]) -> None:
        super().__init__(environment=_SafeEnvironment(functions))

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        """As Spiff's; a multi-instance's cardinality and a cycle timer's catch-up must be within the engine's limits."""
        result = super().evaluate(task, expression, external_context)
        spec = getattr(task, "task_spec", None)
        if isinstance(spec, MultiInstanceTask) and expression == spec.cardinality:
            check_instances(spec.bpmn_id, result)
        definition = getattr(spec, "event_definition", None)
        if isinstance(definition, CycleTimerEventDefinition) and expression == definition.expression and isinstance(result, str):
            reason = cycle_overrun(result, engine_now())
            if reason:
                raise ProcessError(spec.bpmn_id, reason)  # type: ignore[union-attr]
        return result
