"""Driving one diagram at the engine level, restoring the workflow from its JSON before every step."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from service.calendar.functions import FUNCTION_NAMES, CaseFacts, host_functions
from service.calendar.packfiles import load_book
from service.calendar.workdays import WorkingCalendar
from service.clock import SHANGHAI
from service.engine import CompiledProcess, Host, Instance, Snapshot, compile_bpmn, compile_dmn

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
RULES = load_book(PROCESSES / "rules", "shulan-2023")
START = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)  # a Monday
_COMPILED: dict[str, CompiledProcess] = {}


def compiled(key: str) -> CompiledProcess:
    if key not in _COMPILED:
        decisions = {"delegation": compile_dmn((PROCESSES / "delegation.dmn").read_bytes(), FUNCTION_NAMES)}
        _COMPILED[key] = compile_bpmn((PROCESSES / f"{key}.bpmn").read_bytes(), decisions, FUNCTION_NAMES)
    return _COMPILED[key]


class Walker:
    """Drives one workflow; after every operation the JSON is restored into a fresh instance."""

    def __init__(self, process: str, kind: str, pack: str = "shulan-2023", **data: Any) -> None:
        self.process = compiled(process)
        self.facts = CaseFacts(kind, RULES.get(pack), None, False)
        self.now = START
        start = {"kind": kind, "near_relative_of_staff": False, "household_size": 2, "emergency": False,
                 "proposed_amount": 0, "hukou": "rural", **data}
        _, self.snapshot = Instance.start(self.process, start, self.host())
        self.restores = 0

    def host(self) -> Host:
        return Host(self.now, host_functions(WorkingCalendar(), self.facts, self.now))

    def instance(self) -> Instance:
        self.restores += 1
        return Instance.restore(self.process, self.snapshot.state)

    def do(self, element_id: str, data: dict[str, Any]) -> Snapshot:
        task = next((t for t in self.snapshot.ready if t.element_id == element_id), None)
        assert task is not None, f"{element_id} is not ready; positions: {sorted(self.at)}"
        self.snapshot = self.instance().complete_task(task.task_id, data, self.host())
        return self.snapshot

    def walk(self, steps: list[tuple[str, dict[str, Any]]]) -> Snapshot:
        for element_id, data in steps:
            self.do(element_id, data)
        return self.snapshot

    def object(self) -> Snapshot:
        self.snapshot = self.instance().deliver_message("objection", {"objection_text": "x"}, self.host())
        return self.snapshot

    def wait_until(self, instant: datetime) -> Snapshot:
        self.now = instant
        self.snapshot = self.instance().fire_timers(self.host())
        return self.snapshot

    @property
    def at(self) -> set[str]:
        return {p.element_id for p in self.snapshot.positions}

    @property
    def happened(self) -> list[str]:
        return [h.element_id for h in self.snapshot.happened]

    def roles(self) -> dict[str, str | None]:
        return {t.element_id: t.role for t in self.snapshot.ready}

    def due(self, element_id: str) -> datetime | None:
        return next(p.due_at for p in self.snapshot.positions if p.element_id == element_id)
