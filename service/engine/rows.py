"""A case's workflow as a row: SpiffWorkflow's serializers (with and without the spec) and the checks
that a row written without its spec still fits the process version it is restored on."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .loader import CompiledProcess


class _StateConverter(BpmnWorkflowConverter):  # type: ignore[misc]  # SpiffWorkflow ships no types
    """Writes a workflow without its spec: the case's process version (and decisions) give it back.

    The spec is two thirds of a case's JSON and the same for every case on a version; leaving it out
    saves converting and parsing it on every operation. ``spec`` and ``subprocess_specs`` are the
    only keys left out, so a row is told apart from a full one by the absence of ``spec``.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))  # full rows, with their spec
STATE_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _StateConverter}))
SERIALIZER_VERSION: str = SERIALIZER.VERSION


def fits(stored: dict[str, Any], process: CompiledProcess) -> bool:
    """Whether every task of a row written without its spec names an element of the process (and subprocess) specs."""
    specs: dict[str | None, Any] = {None: process.spec.task_specs, **{k: v.task_specs for k, v in process.subprocess_specs.items()}}
    workflows = [(None, stored), *((sp.get("spec"), sp) for sp in stored.get("subprocesses", {}).values())]
    for name, workflow in workflows:
        task_specs = specs.get(name)
        if task_specs is None or any(t.get("task_spec") not in task_specs for t in workflow.get("tasks", {}).values()):
            return False
    return True


def same_spec(stored: dict[str, Any], process: CompiledProcess) -> bool:
    """Whether a stored workflow's spec is the compiled process's: same process id, same elements, no subprocesses."""
    spec = stored.get("spec")
    return (
        isinstance(spec, dict) and spec.get("name") == process.spec.name
        and isinstance(spec.get("task_specs"), dict) and spec["task_specs"].keys() == process.spec.task_specs.keys()
        and not stored.get("subprocess_specs") and not process.subprocess_specs
    )
