"""Interchange files in the style of the BPMN MIWG's A-series references, as Camunda Modeler 5 exports them
for Camunda 7 and Camunda 8: each is deployed through the API and run to each of its ends, saving and
restoring the workflow between steps. The files under interchange/ are our own (see their comments)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from service.calendar.functions import FUNCTION_NAMES, CaseFacts, host_functions
from service.calendar.workdays import WorkingCalendar
from service.engine import CompiledProcess, Host, Instance, Snapshot, compile_bpmn

from ..engine.walker import RULES, START
from ..factories import Api
from .test_deploy_api import deploy

FILES = Path(__file__).resolve().parent / "interchange"


class Run:
    """One workflow of an interchange file, restored from its JSON before every step."""

    def __init__(self, name: str, **data: Any) -> None:
        self.process: CompiledProcess = compile_bpmn((FILES / name).read_bytes(), {}, FUNCTION_NAMES)
        self.now = START
        _, self.snapshot = Instance.start(self.process, data, self.host())

    def host(self) -> Host:
        facts = CaseFacts("dibao", RULES.get("shulan-2023"), None, False)
        return Host(self.now, host_functions(WorkingCalendar(), facts, self.now))

    def instance(self) -> Instance:
        return Instance.restore(self.process, self.snapshot.state)

    def user(self, element_id: str) -> Snapshot:
        task = next(t for t in self.snapshot.ready if t.element_id == element_id)
        self.snapshot = self.instance().complete_task(task.task_id, {}, self.host())
        return self.snapshot

    def worker(self, topic: str) -> Snapshot:
        task = next(t for t in self.snapshot.external if t.topic == topic)
        self.snapshot = self.instance().complete_external(task.task_id, {"done": True}, self.host())
        return self.snapshot

    def at(self, instant: datetime) -> Snapshot:
        self.now = instant
        self.snapshot = self.instance().fire_timers(self.host())
        return self.snapshot

    @property
    def here(self) -> set[str]:
        return {p.element_id for p in self.snapshot.positions}


@pytest.mark.parametrize("name", sorted(p.name for p in FILES.glob("*.bpmn")))
def test_each_interchange_file_deploys(api: Api, database_url: str, name: str) -> None:
    response = deploy(api, (FILES / name).read_bytes(), name)
    assert response.status_code == 201, response.text


def test_a_1_0_tasks_in_sequence_end_at_a_camunda_7_external_task() -> None:
    run = Run("A.1.0-sequence.bpmn")
    assert [t.role for t in run.snapshot.ready] == ["township"]
    run.user("Task_1")
    run.user("Task_2")
    assert [(t.element_id, t.topic) for t in run.snapshot.external] == [("Task_3", "platform_notice")]
    assert run.worker("platform_notice").finished and run.snapshot.end_element == "EndEvent_1"


@pytest.mark.parametrize(("amount", "approver", "role"), [(5000, "Task_big", "county"), (10, "Task_small", "township")])
def test_a_2_0_gateways_route_and_join_with_a_zeebe_task(amount: int, approver: str, role: str) -> None:
    run = Run("A.2.0-gateways.bpmn", amount=amount)
    assert [(t.element_id, t.role) for t in run.snapshot.ready] == [(approver, role)]
    run.user(approver)
    assert run.here == {"Task_a", "Task_b"} and run.snapshot.external[0].topic == "bank-payment"
    run.user("Task_b")
    assert not run.snapshot.finished
    assert run.worker("bank-payment").finished


def test_a_3_0_bare_timers_and_a_message() -> None:
    run = Run("A.3.0-events.bpmn")
    assert [(t.element_id, t.due_at) for t in run.snapshot.timers] == [("Timer_wait", START + timedelta(hours=1))]
    run.at(START + timedelta(minutes=59))
    assert run.here == {"Timer_wait"}
    run.at(START + timedelta(hours=1, seconds=1))
    assert run.here == {"Task_review"}
    assert [t.due_at for t in run.snapshot.timers] == [run.now + timedelta(days=3)]
    run.user("Task_review")
    assert run.here == {"Message_wait"} and run.instance().waiting_messages() == {"bank_notice"}
    run.snapshot = run.instance().deliver_message("bank_notice", {"paid": True}, run.host())
    assert run.snapshot.finished and run.snapshot.end_element == "EndEvent_done"


def test_a_3_0_the_boundary_timer_interrupts_a_late_review() -> None:
    run = Run("A.3.0-events.bpmn")
    run.at(START + timedelta(hours=1, seconds=1))
    run.at(run.now + timedelta(days=3, seconds=1))
    assert run.here == {"Task_remind"}
    assert run.user("Task_remind").end_element == "EndEvent_late"
