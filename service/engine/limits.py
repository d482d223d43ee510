"""The engine's limits on what a diagram may make it do, beside the evaluator's (``guards.Limits``).

A diagram can be valid BPMN and still never finish: a multi-instance over ten million items, a cycle
timer that started in the year 2000 and catches up once a second, a call activity that calls its
own process, a loop of script tasks. What can be seen in the file is refused at deploy (the loader,
naming the element); what depends on case data is checked as it runs and stops the operation with
a :class:`~service.engine.model.ProcessError` naming the element, which the host turns into an
incident on that case.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from . import expressions, guards
from .model import Problem, ProcessError


@dataclass(frozen=True)
class EngineLimits:
    max_instances: int = 1000  # multi-instance items (cardinality or collection) and standard-loop repetitions
    max_cycle_catchup: int = 100  # missed repetitions of a cycle timer that are still fired
    max_call_depth: int = 5  # call activities nested inside one another
    max_steps: int = 2000  # engine steps (script tasks, gateways, events) in one operation
    operation_cpu_seconds: float = 10.0  # CPU time of one operation (start, complete a task, fire timers)


ENGINE = EngineLimits()
MAX_DEPTH = 900  # SpiffWorkflow stops looking 1,000 tasks down a path: a deeper workflow would look finished


def configure(engine: EngineLimits, expression: guards.Limits) -> None:
    """Use these limits for every deploy and operation in this process from now on."""
    global ENGINE  # noqa: PLW0603 - one process-wide setting, read by every operation
    ENGINE = engine
    guards.configure(expression)


class Budget:
    """One operation's allowance of engine steps and CPU time."""

    def __init__(self) -> None:
        self.limits = ENGINE
        self.steps = 0
        self.deadline = time.thread_time() + self.limits.operation_cpu_seconds

    def step(self, element_id: str | None, depth: int) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise ProcessError(element_id, f"more than {self.limits.max_steps} engine steps in one operation "
                                           "(a loop without a user task or timer?)")
        if depth > MAX_DEPTH:
            raise ProcessError(element_id, f"the case has run more than {MAX_DEPTH} steps along one path "
                                           "(a loop that does not end?)")
        self.check_time(element_id)

    def check_time(self, element_id: str | None) -> None:
        if time.thread_time() > self.deadline:
            raise ProcessError(element_id, f"the operation took more than {self.limits.operation_cpu_seconds} s of CPU time")


def check_instances(element_id: str | None, count: object) -> int:
    """A multi-instance's cardinality or collection size, if within the limit."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ProcessError(element_id, f"loop cardinality must be a whole number ≥ 0, got {count!r}")
    if count > ENGINE.max_instances:
        raise ProcessError(element_id, f"{count} instances is more than the limit of {ENGINE.max_instances}")
    return count


# -- refusing at deploy what can be seen in the file ----------------------------------------------------
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
Evaluate = Callable[[str], Any]


def diagram_problems(root: etree._Element, key: str, evaluate: Evaluate, now: datetime | None) -> list[Problem]:
    """Multi-instances, standard loops, cycle timers and call activities that could not finish in bounds."""
    problems = _instance_problems(root, evaluate) + _loop_problems(root) + _call_problems(root, key)
    if now is not None:
        problems += _cycle_problems(root, evaluate, now)
    return problems


def _owner(node: etree._Element) -> str | None:
    current: Any = node.getparent()
    while current is not None and not current.get("id"):
        current = current.getparent()
    return str(current.get("id")) if current is not None else None


def _constant(text: str, evaluate: Evaluate) -> Any:
    """The value of an expression that reads no case data, else None (it is checked when it runs)."""
    if not text or expressions.free_names(text):
        return None
    try:
        return evaluate(text)
    except expressions.ExpressionError:
        return None  # the expression checks report it


def _instance_problems(root: etree._Element, evaluate: Evaluate) -> list[Problem]:
    problems = []
    for node in root.iter(f"{{{BPMN_NS}}}loopCardinality"):
        value = _constant((node.text or "").strip(), evaluate)
        if value is not None:
            try:
                check_instances(_owner(node.getparent()), value)
            except ProcessError as exc:
                problems.append(Problem(exc.element_id, f"loopCardinality: {exc.reason}"))
    return problems


def _loop_problems(root: etree._Element) -> list[Problem]:
    problems = []
    for node in root.iter(f"{{{BPMN_NS}}}standardLoopCharacteristics"):
        maximum = node.get("loopMaximum")
        if maximum is None or not maximum.strip().isdigit() or int(maximum) > ENGINE.max_instances:
            problems.append(Problem(_owner(node), f"a standard loop needs loopMaximum, a whole number of at most "
                                                  f"{ENGINE.max_instances} (got {maximum!r})"))
    return problems


def _cycle_problems(root: etree._Element, evaluate: Evaluate, now: datetime) -> list[Problem]:
    problems = []
    for node in root.iter(f"{{{BPMN_NS}}}timeCycle"):
        value = _constant((node.text or "").strip(), evaluate)
        if not isinstance(value, str):
            continue
        reason = cycle_overrun(value, now)
        if reason:
            problems.append(Problem(_owner(node.getparent()), f"timeCycle: {reason}: {value!r}"))
    return problems


def cycle_overrun(value: str, now: datetime) -> str | None:
    """Why a cycle (``R[n]/[start/]duration``) would fire without end or catch up too far, or None."""
    parts = value.split("/")
    try:
        _, start, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # noqa: BLE001 - the timer checks report a malformed cycle
        return None
    seconds = interval.total_seconds()
    if seconds <= 0:
        return "a cycle timer's interval must be longer than zero"
    if len(parts) == 3 and start.tzinfo is not None:
        behind = (now - start).total_seconds() / seconds
        if behind > ENGINE.max_cycle_catchup:
            return (f"it starts {int(behind)} repetitions before now; at most {ENGINE.max_cycle_catchup} missed "
                    "repetitions are caught up")
    return None


def _call_problems(root: etree._Element, key: str) -> list[Problem]:
    """A call activity may not call a process above it (recursion), nor nest deeper than the limit."""
    calls: dict[str, list[tuple[str, str]]] = {}
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        calls[str(process.get("id"))] = [(str(c.get("id")), str(c.get("calledElement") or ""))
                                         for c in process.iter(f"{{{BPMN_NS}}}callActivity")]
    problems: list[Problem] = []
    _walk_calls(calls, key, [key], problems)
    return problems


def _walk_calls(calls: dict[str, list[tuple[str, str]]], process: str, path: list[str], problems: list[Problem]) -> None:
    for element_id, called in calls.get(process, []):
        if called in path:
            problems.append(Problem(element_id, f"calls process '{called}', which is already running above it "
                                                f"({' → '.join([*path, called])}): recursion is not allowed"))
        elif len(path) > ENGINE.max_call_depth:
            problems.append(Problem(element_id, f"call activities nest more than {ENGINE.max_call_depth} deep"))
        elif called in calls:
            _walk_calls(calls, called, [*path, called], problems)


# -- checking at run time what depends on case data ----------------------------------------------------
class _BoundedCollection:
    """A multi-instance's input collection, refused when it holds more items than the limit."""

    def __init__(self, inner: Any, element_id: str | None) -> None:
        self.inner = inner
        self.element_id = element_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get(self, my_task: Any) -> Any:
        value = self.inner.get(my_task)
        if isinstance(value, Sized):
            check_instances(self.element_id, len(value))
        return value


def bound_collections(specs: Iterable[BpmnProcessSpec]) -> None:
    """Every multi-instance over a collection of case data checks the collection's size before it starts."""
    for spec in specs:
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, MultiInstanceTask) and task_spec.data_input is not None \
                    and not isinstance(task_spec.data_input, _BoundedCollection):
                task_spec.data_input = _BoundedCollection(task_spec.data_input, task_spec.bpmn_id)
