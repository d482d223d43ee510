"""Loading diagrams: the product's own load, and every refusal names the element and the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.calendar.functions import FUNCTION_NAMES
from service.engine import DefinitionInvalid, compile_bpmn, compile_dmn

from .diagrams import diagram, one_task, script, timer

PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def load(data: bytes):  # type: ignore[no-untyped-def]
    decisions = {"delegation": compile_dmn((PROCESSES / "delegation.dmn").read_bytes(), FUNCTION_NAMES)}
    return compile_bpmn(data, decisions, FUNCTION_NAMES)


def refusal(data: bytes) -> list[tuple[str | None, str]]:
    with pytest.raises(DefinitionInvalid) as caught:
        load(data)
    return [(p.element_id, p.reason) for p in caught.value.problems]


def test_dibao_loads_with_the_api_element_ids_and_forms() -> None:
    process = load((PROCESSES / "dibao.bpmn").read_bytes())
    assert process.key == "dibao"
    assert set(process.user_tasks) == {"accept", "supplement", "info_check", "home_visit", "county_home_visit", "appraisal",
                                       "review", "handle_objection", "confirm", "notify_rejection", "archive"}
    assert {"publicity", "objection", "publicity_end", "deadline", "accepted"} <= set(process.elements)
    fields = {f.name: f for f in process.user_tasks["home_visit"].form}
    assert fields["visitors"].min_items == 2 and fields["disputed"].type == "boolean"
    confirm = {f.name: f for f in process.user_tasks["confirm"].form}
    assert set(confirm) == {"approved", "attendees", "minutes", "amount", "reason", "recheck_class", "override_reason"}
    assert confirm["recheck_class"].required is False  # an addition: API.md's fields are enough to confirm
    assert process.user_tasks["confirm"].role_expression == "confirmer"
    assert process.user_tasks["appraisal"].lane == "village"


def test_lanes_named_in_chinese_are_roles() -> None:
    for name, role in (("村（居）委会", "village"), ("乡镇(街道)", "township"), ("县级民政部门", "county"), ("county", "county")):
        assert load(one_task(lane=name)).user_tasks["task"].lane == role, name
    assert refusal(one_task(lane="民政局")) == [("task", "lane '民政局' is not a role (村（居）委会, 乡镇（街道）, 县级民政部门; "
                                                       "or village, township, county)")]


def test_dibao_has_diagram_interchange_for_every_element() -> None:
    text = (PROCESSES / "dibao.bpmn").read_text(encoding="utf-8")
    process = load(text.encode())
    for element_id in process.elements:
        assert f'bpmnElement="{element_id}"' in text, element_id


@pytest.mark.parametrize(("data", "element", "reason"), [
    (b"<not xml", None, "not well-formed"),
    (b"<?xml version='1.0'?><html/>", None, "not a BPMN"),
    (diagram('<bpmn:endEvent id="e"/>', executable=False), None, "no executable process"),
    (one_task(condition="__import__('os').system('id')"), "f4", "not allowed"),
    (one_task(condition="().__class__.__base__.__subclasses__()"), "f4", "not allowed"),
    (one_task(condition="shell('ls')"), "f4", "unknown function shell"),
    (one_task(lane=""), "task", "has no role"),
    (one_task(lane="Lane_1"), "task", "not a role"),
    (one_task('<jiuzhu:form><jiuzhu:field name="x" type="blob"/></jiuzhu:form>'), "task", "type 'blob'"),
    (one_task('<jiuzhu:form><jiuzhu:field name="x" type="enum"/></jiuzhu:form>'), "task", "needs options"),
    (one_task('<jiuzhu:deadline workingDays="os.system(1)"/>'), "task", "not allowed"),
    (timer("P7X"), "wait", "not an ISO 8601"),
    (timer("'P7X'"), "wait", "not an ISO 8601"),
    (timer(""), "wait", "no expression"),
    (timer("sleep(10)"), "wait", "unknown function sleep"),
    (script("import os"), "calc", "not allowed"),
    (script("while True:\n    pass"), "calc", "not allowed"),
    (diagram('<bpmn:serviceTask id="svc"/><bpmn:endEvent id="e"/>'), "svc", "needs a topic"),
    (diagram('<bpmn:sendTask id="snd"><bpmn:extensionElements><jiuzhu:topic>no spaces</jiuzhu:topic>'
             '</bpmn:extensionElements></bpmn:sendTask><bpmn:endEvent id="e"/>'), "snd", "must be letters"),
    (diagram('<bpmn:businessRuleTask id="brt"><bpmn:extensionElements><spiffworkflow:calledDecisionId>nope'
             '</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask>'), "brt", "not deployed"),
])
def test_refusals_name_the_element_and_reason(data: bytes, element: str | None, reason: str) -> None:
    problems = refusal(data)
    assert any(e == element and reason in r for e, r in problems), problems


def test_dtd_and_entities_are_refused() -> None:
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>&lol2;</bpmn:definitions>")
    assert "DTDs and entities are not allowed" in refusal(bomb)[0][1]
    external = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>&x;</bpmn:definitions>")
    assert "not allowed" in refusal(external)[0][1]


def test_a_quoted_iso_timer_and_a_calendar_function_are_accepted() -> None:
    assert load(timer("'P7D'")).key == "p"
    assert load(timer("after_working_days(rule('confirm_days'))")).key == "p"


def test_dmn_cells_go_through_the_evaluator() -> None:
    text = (PROCESSES / "delegation.dmn").read_text(encoding="utf-8")
    bad = text.replace("<text>\"township\"</text>", "<text>__import__('os')</text>", 1).encode()
    with pytest.raises(DefinitionInvalid) as caught:
        compile_dmn(bad, FUNCTION_NAMES)
    assert caught.value.problems[0].element_id == "r1_confirmer"
