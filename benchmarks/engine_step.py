"""The baseline: one bare SpiffWorkflow step on ``processes/dibao.bpmn``.

A step is what ENGINE-NOTES calls the bare engine cost of completing a task: deserialize the
workflow JSON, complete a ready user task, ``do_engine_steps()``, serialize. It runs on
SpiffWorkflow's own ``PythonScriptEngine`` (plain ``eval``) with the functions the diagram calls, so
the service's safe evaluator, database work and HTTP are all counted as the service's overhead.
The same four elements are completed as in the HTTP measurements.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState

from service.calendar.functions import CaseFacts, host_functions
from service.calendar.packfiles import load_book
from service.calendar.workdays import WorkingCalendar
from service.clock import SystemClock
from service.engine.timeshift import engine_time

from .scenario import STEPS, start_data

ROOT = Path(__file__).resolve().parent.parent
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))


def _spec() -> tuple[Any, Any]:
    parser = SpiffBpmnParser()
    parser.add_dmn_files([str(ROOT / "processes" / "delegation.dmn")])
    parser.add_bpmn_file(str(ROOT / "processes" / "dibao.bpmn"))
    return parser.get_spec("dibao"), parser.get_subprocess_specs("dibao")


def _functions(now: datetime) -> dict[str, Any]:
    rules = load_book(ROOT / "processes" / "rules", "shulan-2023")
    facts = CaseFacts(kind="dibao", pack=rules.get("shulan-2023"), accepted_on=None, extended=False)
    return host_functions(WorkingCalendar(), facts, now)


def _engine(functions: dict[str, Any]) -> PythonScriptEngine:
    return PythonScriptEngine(environment=TaskDataEnvironment(dict(functions)))


def step(state: str, element_id: str, data: dict[str, Any], functions: dict[str, Any]) -> str:
    """Deserialize, complete the ready user task ``element_id``, run the engine, serialize.

    Importing the service makes SpiffWorkflow's timer code ask for the host's instant, so the step
    runs under the wall clock's, as a bare SpiffWorkflow would.
    """
    with engine_time(SystemClock().now()):
        workflow = SERIALIZER.deserialize_json(state)
        workflow.script_engine = _engine(functions)  # the script engine is not serialized
        task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == element_id)
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()
        return str(SERIALIZER.serialize_json(workflow))


def initial_state(functions: dict[str, Any]) -> str:
    spec, subprocess_specs = _spec()
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=_engine(functions))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(start_data())
    with engine_time(SystemClock().now()):
        workflow.do_engine_steps()
    return str(SERIALIZER.serialize_json(workflow))


class Baseline:
    """Bare steps, walked one workflow at a time so they can be interleaved with the HTTP walks."""

    def __init__(self) -> None:
        self.functions = _functions(SystemClock().now())
        self.start = initial_state(self.functions)
        self.per_element: dict[str, list[float]] = {element_id: [] for element_id, _ in STEPS}
        self.cpu_seconds = 0.0
        self.json_bytes = 0

    def walk(self) -> None:
        state = self.start
        for element_id, data in STEPS:
            began, cpu = time.perf_counter(), time.process_time()
            state = step(state, element_id, data, self.functions)
            self.per_element[element_id].append(time.perf_counter() - began)
            self.cpu_seconds += time.process_time() - cpu
            self.json_bytes = max(self.json_bytes, len(state))

    def all(self) -> list[float]:
        return [s for values in self.per_element.values() for s in values]
