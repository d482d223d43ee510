"""Moving a running case to another version of its process, with SpiffWorkflow's diff utilities.

``plan`` compares the case's own spec with the target's (tasks are aligned by BPMN id) and says
what each step of the case would undergo. A completed step whose definition changed, or whose
element is gone, blocks the migration: what the case did can no longer be explained by the diagram
it would be on. Open tasks and waiting events are re-created on the new version (SpiffWorkflow
resets them); a timer whose definition did not change keeps the due time it had.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from .loader import CompiledProcess
from .model import Host, ProcessError, Snapshot
from .rows import SERIALIZER
from .runtime import Instance

# Attributes that change what a diagram shows, not what a step did: renaming a completed step is safe.
COSMETIC = frozenset({"bpmn_name", "description", "documentation", "manual", "lookahead"})
_STATES = {TaskState.COMPLETED: "completed", TaskState.READY: "ready", TaskState.WAITING: "waiting"}


@dataclass(frozen=True)
class ElementDiff:
    element_id: str
    name: str
    attributes: tuple[str, ...] = ()


@dataclass(frozen=True)
class StepEffect:
    element_id: str
    name: str
    state: str
    effect: str  # kept, reset, removed, blocks


@dataclass
class MigrationPlan:
    added: list[ElementDiff] = field(default_factory=list)
    removed: list[ElementDiff] = field(default_factory=list)
    changed: list[ElementDiff] = field(default_factory=list)
    steps: list[StepEffect] = field(default_factory=list)

    @property
    def blocking(self) -> list[StepEffect]:
        return [s for s in self.steps if s.effect == "blocks"]

    @property
    def safe(self) -> bool:
        return not self.blocking


def _element(spec: Any, attributes: list[str] | tuple[str, ...] = ()) -> ElementDiff:
    return ElementDiff(spec.bpmn_id, spec.bpmn_name or "", tuple(sorted(attributes)))


def _bpmn(spec: Any) -> bool:
    return spec is not None and getattr(spec, "bpmn_id", None) is not None


def _diffs(instance: Instance, target: CompiledProcess) -> tuple[SpecDiff, WorkflowDiff, dict[str, WorkflowDiff]]:
    """The spec diff and the workflow diffs, as ``diff_workflow`` makes them, keeping the spec diff for the report."""
    workflow = instance.workflow
    try:
        spec_diff = SpecDiff(SERIALIZER.registry, workflow.spec, target.spec)
        top = WorkflowDiff(workflow, spec_diff)
        subs = {}
        for sp_id, subprocess in workflow.subprocesses.items():
            new = target.subprocess_specs.get(subprocess.spec.name)
            if new is None:
                raise ProcessError(None, f"subprocess '{subprocess.spec.name}' does not exist in the target version")
            subs[sp_id] = WorkflowDiff(subprocess, SpecDiff(SERIALIZER.registry, subprocess.spec, new))
    except ProcessError:
        raise
    except Exception as exc:  # noqa: BLE001 - an alignment failure is a refusal, not a crash
        raise ProcessError(None, f"the versions cannot be compared: {type(exc).__name__}: {exc}") from None
    return spec_diff, top, subs


def plan(instance: Instance, target: CompiledProcess) -> MigrationPlan:
    """What migrating would change, without changing anything."""
    return _plan(instance, _diffs(instance, target)[0])


def _elements(spec_diff: SpecDiff) -> MigrationPlan:
    return MigrationPlan(
        added=sorted((_element(s) for s in spec_diff.added if _bpmn(s)), key=lambda e: e.element_id),
        removed=sorted((_element(s) for s in spec_diff.removed if _bpmn(s)), key=lambda e: e.element_id),
        changed=sorted((_element(s, c) for s, c in spec_diff.changed.items() if _bpmn(s)), key=lambda e: e.element_id),
    )


def compare(old: CompiledProcess, new: CompiledProcess) -> MigrationPlan:
    """The elements added, removed and changed from one version of a process to another (no steps)."""
    try:
        result = _elements(SpecDiff(SERIALIZER.registry, old.spec, new.spec))
    except Exception as exc:  # noqa: BLE001 - an alignment failure is a refusal, not a crash
        raise ProcessError(None, f"the versions cannot be compared: {type(exc).__name__}: {exc}") from None
    renamed = {e.element_id: e.name for e in new.elements.values()}  # a changed element is shown as it is now
    result.changed = [ElementDiff(e.element_id, renamed.get(e.element_id) or e.name, e.attributes) for e in result.changed]
    return result


def _plan(instance: Instance, spec_diff: SpecDiff) -> MigrationPlan:
    result = _elements(spec_diff)
    changed = {s.bpmn_id: set(c) for s, c in spec_diff.changed.items() if _bpmn(s)}
    removed = {e.element_id for e in result.removed}
    for task in instance.workflow.get_tasks(state=TaskState.COMPLETED | TaskState.READY | TaskState.WAITING):
        spec = task.task_spec
        if not _bpmn(spec):
            continue
        state = _STATES.get(task.state, TaskState.get_name(task.state).lower())
        if state == "completed":
            substantive = changed.get(spec.bpmn_id, set()) - COSMETIC
            effect = "blocks" if spec.bpmn_id in removed or substantive else "kept"
        else:
            effect = "removed" if spec.bpmn_id in removed else "reset"
        result.steps.append(StepEffect(spec.bpmn_id, spec.bpmn_name or "", state, effect))
    return result


def migrate(instance: Instance, target: CompiledProcess, host: Host) -> tuple[MigrationPlan, Snapshot]:
    """Move the workflow onto ``target``; refused (ProcessError) when a completed step changed."""
    spec_diff, top, subs = _diffs(instance, target)
    result = _plan(instance, spec_diff)
    if not result.safe:
        names = ", ".join(sorted({s.element_id for s in result.blocking}))
        raise ProcessError(None, f"completed steps changed in the target version: {names}")
    due = _timer_values(instance, result)
    workflow = instance.workflow

    def move() -> None:
        migrate_workflow(top, workflow, target.spec)
        for sp_id, sp_diff in subs.items():
            subprocess = workflow.subprocesses[sp_id]
            migrate_workflow(sp_diff, subprocess, target.subprocess_specs[subprocess.spec.name])
        workflow.subprocess_specs = target.subprocess_specs
        instance.process = target
        _restore_timer_values(instance, due)

    return result, instance._operate(host, move)


def _timer_values(instance: Instance, result: MigrationPlan) -> dict[str, Any]:
    """Due times already computed by waiting events whose definition is unchanged, by element id."""
    changed = {e.element_id for e in result.changed}
    kept = {}
    for task in instance.workflow.get_tasks(state=TaskState.WAITING):
        element_id = getattr(task.task_spec, "bpmn_id", None)
        value = task.internal_data.get("event_value")
        if element_id and value is not None and element_id not in changed:
            kept[element_id] = value
    return kept


def _restore_timer_values(instance: Instance, kept: dict[str, Any]) -> None:
    for task in instance.workflow.get_tasks(state=TaskState.WAITING):
        element_id = getattr(task.task_spec, "bpmn_id", None)
        if element_id in kept:
            task.internal_data["event_value"] = kept[element_id]
