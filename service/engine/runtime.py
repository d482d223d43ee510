"""Running a case's workflow: start, complete a task, deliver a message, fire and recompute timers.

Every operation runs under the host's instant and functions, converts SpiffWorkflow's errors into
:class:`ProcessError`, and ends with a :class:`Snapshot` of what the host stores beside the JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import (
    BoundaryEvent,
    EventBasedGateway,
)
from SpiffWorkflow.bpmn.specs.mixins.manual_task import ManualTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from . import expressions, limits, storage
from .loader import CompiledProcess, lane_role
from .model import (
    CheckFailed,
    Happened,
    Host,
    Position,
    ProcessError,
    ReadyExternal,
    ReadyTask,
    Snapshot,
    UserTaskInfo,
    WaitingTimer,
)
from .rows import SERIALIZER, STATE_SERIALIZER, fits, same_spec
from .scripting import SafeScriptEngine
from .timer_checks import due_time
from .timeshift import engine_time


def _error(exc: Exception) -> ProcessError:
    """A readable ProcessError from whatever SpiffWorkflow or the evaluator raised."""
    task = getattr(exc, "task", None)
    element_id = getattr(getattr(task, "task_spec", None), "bpmn_id", None)
    inner = getattr(exc, "exception", None) or exc.__cause__ or exc.__context__
    if isinstance(inner, expressions.ExpressionError):
        return ProcessError(element_id, f"{inner.reason} in {inner.source!r}")
    if isinstance(exc, expressions.ExpressionError):
        return ProcessError(element_id, f"{exc.reason} in {exc.source!r}")
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    return ProcessError(element_id, message)


def _event_kind(task: Task) -> str:
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return "timer"
    if isinstance(definition, MessageEventDefinition):
        return "message"
    if isinstance(task.task_spec, EventBasedGateway):
        return "event_gateway"
    return ""


def _has_timer(task: Task) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return True
    if isinstance(definition, MultipleEventDefinition):
        return any(isinstance(d, TimerEventDefinition) for d in definition.event_definitions)
    return False


class Instance:
    """One case's workflow, restored from its JSON."""

    def __init__(self, process: CompiledProcess, workflow: BpmnWorkflow) -> None:
        self.process = process
        self.workflow = workflow

    # -- creating and restoring -------------------------------------------------------------
    @classmethod
    def start(cls, process: CompiledProcess, data: Mapping[str, Any], host: Host) -> tuple[Instance, Snapshot]:
        workflow = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=SafeScriptEngine(host.functions))
        instance = cls(process, workflow)

        def seed() -> None:
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(data)

        return instance, instance._operate(host, seed)

    @classmethod
    def restore(cls, process: CompiledProcess, state: str) -> Instance:
        """The workflow stored in ``state``, on ``process`` — the version (and decisions) it was started on.

        Rows are written without their spec (see :meth:`dump`); the compiled spec of the case's own
        version is attached. Rows written earlier carry their own copy: the compiled spec is used
        when the stored one names the same process and elements, otherwise the stored one is rebuilt.
        """
        try:
            dct = storage.expand(json.loads(state))
            specless = "spec" not in dct
            SERIALIZER.migrate(dct)
            if specless and not fits(dct, process):
                raise ProcessError(None, "stored workflow does not fit its process version")
            if specless or same_spec(dct, process):
                dct["spec"], dct["subprocess_specs"] = process.spec, dict(process.subprocess_specs)
            workflow = SERIALIZER.from_dict(dct)
        except (SpiffWorkflowException, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ProcessError(None, f"stored workflow cannot be read: {exc}") from None
        return cls(process, workflow)

    def dump(self) -> str:
        """The workflow's JSON; without its spec, in the compact form (storage.py), when the workflow runs on the
        compiled spec of its process; whole, in SpiffWorkflow's own form, otherwise."""
        own = self.workflow.spec is self.process.spec and self.workflow.subprocess_specs == self.process.subprocess_specs
        if not own:
            return str(SERIALIZER.serialize_json(self.workflow))
        serializer = STATE_SERIALIZER
        serializer.registry._encoder_mode = True  # as serialize_json: values JSON cannot hold are left to the encoder
        try:
            dct = serializer.to_dict(self.workflow)
            dct[serializer.VERSION_KEY] = serializer.VERSION
            return storage.dumps(dct, serializer._encoder_cls)
        finally:
            serializer.registry._encoder_mode = False

    # -- operations ---------------------------------------------------------------------------
    def complete_task(self, task_id: str, data: Mapping[str, Any], host: Host) -> Snapshot:
        task = self._ready_user_task(task_id)
        info = self.process.user_tasks.get(getattr(task.task_spec, "bpmn_id", "") or "")

        def run() -> None:
            task.set_data(**data)
            if info and info.checks:
                self._check_form(task, info)
            task.run()

        return self._operate(host, run)

    def complete_external(self, task_id: str, data: Mapping[str, Any], host: Host) -> Snapshot:
        """A worker outside the service did a service or send task; ``data`` are its variables."""
        task = self._ready_task(task_id)
        if not isinstance(task.task_spec, ManualTask) or task.task_spec.bpmn_id not in self.process.external_tasks:
            raise ProcessError(None, "the task is not an open external task")

        def run() -> None:
            task.set_data(**data)
            task.run()

        return self._operate(host, run)

    def deliver_message(self, name: str, payload: Mapping[str, Any], host: Host) -> Snapshot:
        definition = self._waiting_message(name)
        if definition is None:
            raise ProcessError(None, f"the case is not waiting for '{name}'")
        event = BpmnEvent(definition, dict(payload))
        return self._operate(host, lambda: self.workflow.catch(event))

    def fire_timers(self, host: Host) -> Snapshot:
        return self._operate(host, self.workflow.refresh_timers)

    def recompute_timers(self, started: Mapping[str, datetime], host_at: Callable[[datetime], Host], host: Host) -> Snapshot:
        """Evaluate every waiting timer again as of the instant it started (calendar or facts changed)."""

        def recompute() -> None:
            for task in self._timer_tasks():
                start = started.get(str(task.id))
                if start is None:
                    continue
                task.internal_data.pop("event_value", None)
                task.internal_data.pop("event_fired", None)
                at = host_at(start)
                with engine_time(start):
                    self.workflow.script_engine = SafeScriptEngine(at.functions)
                    task.task_spec._update(task)
                self.workflow.script_engine = SafeScriptEngine(host.functions)
            self.workflow.refresh_timers()

        return self._operate(host, recompute)

    def cancel(self, host: Host) -> Snapshot:
        return self._operate(host, self.workflow.cancel)

    def snapshot(self, host: Host) -> Snapshot:
        return self._operate(host, lambda: None)

    # -- reading ------------------------------------------------------------------------------
    def current_data(self) -> dict[str, Any]:
        """The case data where its tokens are now (what a decision taken now would read)."""
        data: dict[str, Any] = {}
        for task in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            if getattr(task.task_spec, "bpmn_id", None) is not None:
                data.update(task.data)
        if self.workflow.is_completed():
            data.update(self.workflow.data)
        return _jsonable(data)

    def completed_elements(self) -> list[str]:
        """Element ids of every completed step, in the order they completed (repeats kept)."""
        done = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED) if getattr(t.task_spec, "bpmn_id", None)]
        done.sort(key=lambda t: t.last_state_change)
        return [t.task_spec.bpmn_id for t in done]

    def waiting_messages(self) -> set[str]:
        return {d.name for d in self._message_definitions()}

    def _waiting_message(self, name: str) -> MessageEventDefinition | None:
        return next((d for d in self._message_definitions() if d.name == name), None)

    def _message_definitions(self) -> list[MessageEventDefinition]:
        found = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            definitions = definition.event_definitions if isinstance(definition, MultipleEventDefinition) else [definition]
            found += [d for d in definitions if isinstance(d, MessageEventDefinition)]
        return found

    def _ready_user_task(self, task_id: str) -> Task:
        task = self._ready_task(task_id)
        if not isinstance(task.task_spec, UserTask):
            raise ProcessError(None, "the task is not open")
        return task

    def _ready_task(self, task_id: str) -> Task:
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError):
            task = None
        if task is None or task.state != TaskState.READY:
            raise ProcessError(None, "the task is not open")
        return task

    def _timer_tasks(self) -> list[Task]:
        return [t for t in self.workflow.get_tasks(state=TaskState.WAITING) if _has_timer(t)]

    @contextmanager
    def _engine(self, host: Host) -> Iterator[None]:
        self.workflow.script_engine = SafeScriptEngine(host.functions)
        with engine_time(host.now):
            try:
                yield
            except ProcessError:
                raise
            except (SpiffWorkflowException, WorkflowException, expressions.ExpressionError) as exc:
                raise _error(exc) from None
            except (KeyError, ValueError, TypeError, AttributeError, IndexError) as exc:
                raise _error(exc) from None

    def _operate(self, host: Host, action: Callable[[], Any]) -> Snapshot:
        """Run ``action`` and the engine steps it sets off, within one operation's budget (limits.py)."""
        before = {t.id: t.state for w in (self.workflow, *self.workflow.subprocesses.values()) for t in w.tasks.values()}
        budget = limits.Budget()
        with self._engine(host):
            action()
            self.workflow.do_engine_steps(did_complete_task=lambda task: budget.step(getattr(task.task_spec, "bpmn_id", None),
                                                                                     task.depth))
            if self.process.cycles:
                self._check_cycles(host.now)
            return self._snapshot(host, before)

    def _check_cycles(self, now: datetime) -> None:
        """A cycle timer further behind than the catch-up limit (or with no interval) would fire on and on: stop."""
        for task in self._timer_tasks():
            value = task.internal_data.get("event_value")
            if not isinstance(value, dict) or "duration" not in value or not value.get("cycles"):
                continue
            element_id = getattr(task.task_spec, "bpmn_id", None)
            interval = float(value["duration"])
            if interval <= 0:
                raise ProcessError(element_id, "a cycle timer's interval must be longer than zero")
            behind = (now - datetime.fromisoformat(str(value["next"]))).total_seconds() / interval
            if behind > limits.ENGINE.max_cycle_catchup:
                raise ProcessError(element_id, f"the cycle timer is {int(behind)} repetitions behind; at most "
                                               f"{limits.ENGINE.max_cycle_catchup} missed repetitions are caught up")

    def _snapshot(self, host: Host, before: Mapping[UUID, int]) -> Snapshot:
        positions: list[Position] = []
        ready: list[ReadyTask] = []
        timers: list[WaitingTimer] = []
        external: list[ReadyExternal] = []
        sources: list[Task] = []  # tasks whose data the snapshot shows
        for task in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
            spec = task.task_spec
            element_id = getattr(spec, "bpmn_id", None)
            if element_id is None:
                continue
            if task.state == TaskState.READY and isinstance(spec, UserTask):
                ready.append(self._ready(task, element_id))
                positions.append(Position(element_id, spec.bpmn_name or element_id, "user_task"))
                sources.append(task)
            elif task.state == TaskState.READY and element_id in self.process.external_tasks:
                topic = self.process.external_tasks[element_id].topic
                external.append(ReadyExternal(str(task.id), element_id, spec.bpmn_name or element_id, topic))
                positions.append(Position(element_id, spec.bpmn_name or element_id, "external_task"))
                sources.append(task)
            elif task.state == TaskState.WAITING and isinstance(spec, CatchingEvent):
                due = due_time(task.internal_data.get("event_value")) if _has_timer(task) else None
                if due is not None:
                    timers.append(WaitingTimer(str(task.id), element_id, due, self._timer_text(spec)))
                if not isinstance(spec, BoundaryEvent):
                    positions.append(Position(element_id, spec.bpmn_name or element_id, _event_kind(task), due))
                    sources.append(task)
        data: dict[str, Any] = {}
        for task in sorted(sources, key=lambda t: t.last_state_change):  # newer data wins over a branch that waits since long ago
            data.update(task.data)
        finished = self.workflow.is_completed()
        if finished:
            data.update(self.workflow.data)
            data.update(self.workflow.last_task.data if self.workflow.last_task else {})
        return Snapshot(
            state=self.dump(),
            positions=positions,
            ready=ready,
            timers=timers,
            happened=self._happened(before),
            data=_jsonable(data),
            finished=finished,
            end_element=self._end_element() if finished else None,
            external=external,
        )

    def _ready(self, task: Task, element_id: str) -> ReadyTask:
        info = self.process.user_tasks.get(element_id)
        role = info.lane if info else lane_role(getattr(task.task_spec, "lane", None))
        stage_days, unit = None, None
        if info and info.role_expression:
            role = str(self._evaluate(task, info.role_expression))
        if info and info.deadline:
            days = self._evaluate(task, info.deadline.expression)
            if days is not None:  # None: the case's rule pack sets no limit for this stage
                stage_days, unit = int(days), info.deadline.unit
                if info.deadline.unit_expression:
                    unit = str(self._evaluate(task, info.deadline.unit_expression))
        return ReadyTask(str(task.id), element_id, task.task_spec.bpmn_name or element_id, role, stage_days, unit)

    def _check_form(self, task: Task, info: UserTaskInfo) -> None:
        """The diagram's checks on the submitted fields (an optional field left out reads as None)."""
        names = {**{f.name: None for f in info.form}, **task.data}
        environment = self.workflow.script_engine.environment
        for check in info.checks:
            try:
                passed = environment.evaluate(check.test, names)
                limit = f" {environment.evaluate(check.limit, names)}" if check.limit and not passed else ""
            except Exception as exc:  # noqa: BLE001 - reported with the element it belongs to
                raise _error(exc) from None
            if not passed:
                raise CheckFailed(check.field, f"{check.message}{limit}")

    def _evaluate(self, task: Task, expression: str) -> Any:
        try:
            return self.workflow.script_engine.evaluate(task, expression)
        except Exception as exc:  # noqa: BLE001 - reported with the element it belongs to
            raise _error(exc) from None

    @staticmethod
    def _timer_text(spec: Any) -> str:
        definition = spec.event_definition
        if isinstance(definition, MultipleEventDefinition):
            definition = next(d for d in definition.event_definitions if isinstance(d, TimerEventDefinition))
        return str(getattr(definition, "expression", ""))

    def _happened(self, before: Mapping[UUID, int]) -> list[Happened]:
        done = [
            t for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
            if before.get(t.id) != TaskState.COMPLETED and getattr(t.task_spec, "bpmn_id", None)
        ]
        done.sort(key=lambda t: t.last_state_change)
        out = []
        for task in done:
            element_id = task.task_spec.bpmn_id
            info = self.process.elements.get(element_id)
            kind = (info.event if info else None) or _event_kind(task) or (info.kind if info else type(task.task_spec).__name__)
            out.append(Happened(element_id, task.task_spec.bpmn_name or element_id, kind))
        return out

    def _end_element(self) -> str | None:
        ends = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)]
        ends.sort(key=lambda t: t.last_state_change)
        return ends[-1].task_spec.bpmn_id if ends else None


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """Task data as JSON would give it back (the host stores it as JSON)."""
    result: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return result
