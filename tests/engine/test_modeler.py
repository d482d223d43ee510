"""Diagrams drawn in Camunda Modeler run as drawn: bare ISO 8601 timers, S-FEEL unary tests in DMN.

The unary-test cases are our own, written in the style of the DMN TCK's simple-unary-test cases
(a cell, an input, whether it matches); the TCK's files are not copied into this repository.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from service.calendar.functions import FUNCTION_NAMES, CaseFacts, host_functions
from service.calendar.workdays import WorkingCalendar
from service.engine import DefinitionInvalid, Host, Instance, compile_bpmn, compile_dmn
from service.engine.decisions import decide
from service.engine.modeler import iso_literal

from .diagrams import diagram, timer
from .walker import RULES, START

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs" name="t" namespace="urn:test">
  <decision id="cell" name="one cell">
    <decisionTable id="table" hitPolicy="FIRST">
      <input id="in"><inputExpression id="in_expr" typeRef="string"><text>value</text></inputExpression></input>
      <output id="out" name="hit" typeRef="boolean" />
      <rule id="rule"><inputEntry id="entry"><text>{cell}</text></inputEntry><outputEntry id="o"><text>true</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>"""

UNARY_TESTS = [  # (cell as a DMN modeller writes it, the input, whether the rule matches)
    ('"dibao","tekun"', "tekun", True), ('"dibao","tekun"', "linshi", False), ('"dibao"', "dibao", True),
    ("<= 1000", 1000, True), ("<= 1000", 1000.5, False), ("> 3, < 0", -1, True), ("> 3, < 0", 1, False),
    ("[1..5]", 5, True), ("[1..5]", 0, False), ("(1..5]", 1, False), ("]1..5[", 4, True), ("]1..5[", 5, False),
    ("[1..5[", 5, False), ("[0.5..1.5]", 1, True), ("[-10..-1]", -3, True),
    ('not("x")', "y", True), ('not("x")', "x", False), ("not(1, 2)", 1, False), ("not(1, 2)", 3, True),
    ("not([1..5])", 3, False), ("not(< 0)", 0, True), ("1, 2", 2, True), ("[1..5], 10", 10, True),
    ("-", "anything", True), ("true", True, True), ("false", True, False), ("null", None, True),
    ("? > 2", 3, True), ("'dibao'", "dibao", True), ('? in ("a", "b")', "b", True),  # our Python style, unchanged
]


def cell(text: str) -> bytes:
    return DMN.format(cell=text.replace("&", "&amp;").replace("<", "&lt;")).encode()


@pytest.mark.parametrize(("text", "value", "matches"), UNARY_TESTS)
def test_simple_unary_tests_match_as_the_standard_says(text: str, value: Any, matches: bool) -> None:
    decision = compile_dmn(cell(text), FUNCTION_NAMES)
    assert decide(decision, {"value": value}, {}) == ({"hit": True} if matches else {})


@pytest.mark.parametrize("text", ['date("2026-01-01")', "matches(value, \"^a\")", "[1..]", 'not("x"'])
def test_anything_else_is_refused_naming_the_cell(text: str) -> None:
    with pytest.raises(DefinitionInvalid) as refused:
        compile_dmn(cell(text), FUNCTION_NAMES)
    (problem,) = refused.value.problems
    assert problem.element_id == "entry" and "S-FEEL" in problem.reason


def test_a_table_in_s_feel_mixed_with_python_cells_decides_like_ours() -> None:
    """The delegation table as Camunda Modeler writes it (S-FEEL lists, true/false, -), its limits still Python-style."""
    ours = (PROCESSES / "delegation.dmn").read_text(encoding="utf-8")
    drawn = (ours.replace('? in ("dibao", "tekun")', '"dibao","tekun"').replace("<text>True</text>", "<text>true</text>")
             .replace("<text>False</text>", "<text>false</text>").replace("<text></text>", "<text>-</text>"))
    assert drawn.count('"dibao","tekun"') == 2 and "? &lt;= rule(" in drawn
    table, sfeel = compile_dmn(ours.encode(), FUNCTION_NAMES), compile_dmn(drawn.encode(), FUNCTION_NAMES)
    functions = host_functions(WorkingCalendar(), CaseFacts("linshi", RULES.get("shulan-2023"), None, False), START)
    for kind, emergency, amount, size in product(("dibao", "tekun", "linshi"), (True, False), (0, 900, 1500, 5000), (1, 3)):
        data = {"kind": kind, "emergency": emergency, "proposed_amount": amount, "household_size": size}
        assert decide(sfeel, data, functions) == decide(table, data, functions), data


@pytest.mark.parametrize(("text", "literal"), [
    ("P7D", True), ("PT5M", True), ("P1Y2M3DT4H", True), ("R3/PT1H", True), ("R/2026-12-01T09:00:00+08:00/P1D", True),
    ("2026-12-01", True), ("2026-12-01T09:00:00+08:00", True), ("2026-12-01T01:00:00Z", True),
    ("'P7D'", False), ("working_days(5)", False), ("P", False), ("PT", False), ("P7X", False),
])
def test_which_timer_texts_are_bare_iso_literals(text: str, literal: bool) -> None:
    assert iso_literal(text) is literal


def _due(text: str) -> Any:
    tag = b"timeDuration" if text.strip("'").startswith("P") else b"timeDate"
    process = compile_bpmn(timer(text).replace(b"timeDate", tag), {}, FUNCTION_NAMES)
    functions = host_functions(WorkingCalendar(), CaseFacts("dibao", RULES.get("shulan-2023"), None, False), START)
    _, snapshot = Instance.start(process, {}, Host(START, functions))
    return snapshot.timers[0].due_at


def test_bare_timer_literals_wait_as_their_quoted_expressions() -> None:
    assert _due("PT1H") == _due("'PT1H'") == START + timedelta(hours=1)
    assert _due("2026-12-01T09:00:00+08:00") == START.replace(month=12, day=1)


def test_a_bare_cycle_timer_runs() -> None:
    body = ('<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle>'
            '</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/>')
    process = compile_bpmn(diagram(body), {}, FUNCTION_NAMES)
    functions = host_functions(WorkingCalendar(), CaseFacts("dibao", RULES.get("shulan-2023"), None, False), START)
    _, snapshot = Instance.start(process, {}, Host(START, functions))
    assert snapshot.timers[0].due_at == START + timedelta(hours=1)
