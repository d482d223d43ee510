"""The compact stored form: it gives back exactly what SpiffWorkflow wrote, and rows in its own form still load."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest

from service.calendar.functions import FUNCTION_NAMES
from service.clock import SHANGHAI
from service.engine import Host, Instance, ProcessError, compile_bpmn, storage
from service.engine.rows import STATE_SERIALIZER

from ..factories import (
    ACCEPT,
    ARCHIVE,
    CONFIRM,
    INFO,
    LS_ELIGIBLE,
    SELF_CARE,
    TK_ELIGIBLE,
    TO_PUBLICITY,
    VISIT,
)
from .diagrams import diagram
from .walker import Walker

AFTER_PUBLICITY = datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI)


def spiff_form(instance: Instance) -> dict[str, Any]:
    """The workflow as SpiffWorkflow's own converter writes it (spec left out), through JSON."""
    dct = STATE_SERIALIZER.to_dict(instance.workflow)
    dct[STATE_SERIALIZER.VERSION_KEY] = STATE_SERIALIZER.VERSION
    result: dict[str, Any] = json.loads(json.dumps(dct, cls=STATE_SERIALIZER._encoder_cls))
    return result


def assert_exact(w: Walker) -> None:
    stored = json.loads(w.snapshot.state)
    assert stored[storage.FORMAT_KEY] == storage.FORMAT
    assert storage.expand(stored) == spiff_form(w.instance())


def legacy(w: Walker) -> str:
    """The row as it was written before the compact form: SpiffWorkflow's JSON without the spec."""
    return json.dumps(spiff_form(w.instance()))


def test_dibao_to_the_end_round_trips_exactly_at_every_step() -> None:
    w = Walker("dibao", "dibao")
    assert_exact(w)
    for element_id, data in TO_PUBLICITY:
        w.do(element_id, data)
        assert_exact(w)
    w.object()  # an objection during publicity: a message and a boundary event
    assert_exact(w)
    w.do("handle_objection", {"upheld": False, "note": "不成立"})
    assert_exact(w)
    w.wait_until(AFTER_PUBLICITY)
    assert_exact(w)
    w.do("confirm", CONFIRM)
    assert_exact(w)
    w.do("archive", ARCHIVE)
    assert_exact(w)
    assert w.snapshot.finished and w.snapshot.end_element == "closed_approved"
    assert w.instance().completed_elements()[-1] == "closed_approved"


@pytest.mark.parametrize(("process", "kind", "steps"), [
    ("tekun", "tekun", [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("self_care_assessment", SELF_CARE),
                        ("review", TK_ELIGIBLE)]),
    ("linshi", "linshi", [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("review", LS_ELIGIBLE)]),
])
def test_other_procedures_round_trip_exactly(process: str, kind: str, steps: list[tuple[str, dict[str, Any]]]) -> None:
    w = Walker(process, kind)
    for element_id, data in steps:
        w.do(element_id, data)
        assert_exact(w)
    assert "deadline" in w.at


def test_a_dibao_case_in_publicity_is_stored_in_under_8_kb_and_a_third_of_spiffworkflows_form() -> None:
    w = Walker("dibao", "dibao")
    w.walk(TO_PUBLICITY)
    assert "publicity" in w.at
    assert len(w.snapshot.state.encode()) < 8 * 1024
    assert len(w.snapshot.state) < len(legacy(w)) / 2


def test_a_row_in_spiffworkflows_own_form_still_loads_and_is_written_compact() -> None:
    w = Walker("dibao", "dibao")
    w.walk(TO_PUBLICITY)
    old = legacy(w)
    assert storage.FORMAT_KEY not in json.loads(old)
    w.snapshot = Instance.restore(w.process, old).snapshot(w.host())
    assert_exact(w)
    w.snapshot = Instance.restore(w.process, old).fire_timers(Host(AFTER_PUBLICITY, w.host().functions))
    assert json.loads(w.snapshot.state)[storage.FORMAT_KEY] == storage.FORMAT
    assert set(w.roles()) == {"confirm"}


def _task(element_id: str) -> str:
    return (f'<bpmn:userTask id="{element_id}" name="{element_id}"><bpmn:extensionElements>'
            "<jiuzhu:role>'township'</jiuzhu:role></bpmn:extensionElements></bpmn:userTask>")


def test_a_subprocess_and_children_out_of_order_round_trip_exactly() -> None:
    body = ('<bpmn:subProcess id="sub"><bpmn:startEvent id="s_start"/>' + _task("inner") +
            '<bpmn:endEvent id="s_end"/><bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="inner"/>'
            '<bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="s_end"/></bpmn:subProcess>'
            '<bpmn:parallelGateway id="split"/>' + _task("a") + _task("b") +
            '<bpmn:parallelGateway id="join"/><bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="split"/>'
            '<bpmn:sequenceFlow id="f2" sourceRef="split" targetRef="sub"/><bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="a"/>'
            '<bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="b"/><bpmn:sequenceFlow id="f5" sourceRef="sub" targetRef="join"/>'
            '<bpmn:sequenceFlow id="f6" sourceRef="a" targetRef="join"/><bpmn:sequenceFlow id="f7" sourceRef="b" targetRef="join"/>'
            '<bpmn:sequenceFlow id="f8" sourceRef="join" targetRef="end"/>')
    process = compile_bpmn(diagram(body), {}, FUNCTION_NAMES)
    host = Host(datetime(2026, 11, 2, 9, tzinfo=SHANGHAI), {})
    instance, snapshot = Instance.start(process, {"n": 1}, host)
    stored = json.loads(snapshot.state)
    assert stored["subprocesses"], "the embedded subprocess is a workflow of its own"
    for sub in stored["subprocesses"].values():
        assert isinstance(sub["tasks"], list)
    assert storage.expand(json.loads(snapshot.state)) == spiff_form(instance)
    # a parent whose children are not in the order the list gives: written out, given back as they were
    dct = spiff_form(instance)
    parent = next(t for t in dct["tasks"].values() if len(t["children"]) > 1)
    parent["children"].reverse()
    again = json.loads(json.dumps(storage.compact(json.loads(json.dumps(dct)))))
    assert storage.expand(again) == dct
    for element_id in ("b", "inner", "a"):
        task = next(t for t in snapshot.ready if t.element_id == element_id)
        instance = Instance.restore(process, snapshot.state)
        snapshot = instance.complete_task(task.task_id, {element_id: True}, Host(host.now + timedelta(minutes=1), {}))
        assert storage.expand(json.loads(snapshot.state)) == spiff_form(instance)
    assert snapshot.finished


def test_an_unknown_form_is_refused_as_unreadable() -> None:
    w = Walker("dibao", "dibao")
    stored = json.loads(w.snapshot.state)
    stored[storage.FORMAT_KEY] = 99
    with pytest.raises(ProcessError, match="cannot be read"):
        Instance.restore(w.process, json.dumps(stored))
