"""processes/delegation.dmn row by row: who confirms, and whether the county deliberates (一事一议)."""

from __future__ import annotations

import pytest

from service.calendar.functions import FUNCTION_NAMES, CaseFacts, host_functions
from service.calendar.workdays import WorkingCalendar
from service.engine import Host, Instance, compile_bpmn, compile_dmn

from .diagrams import diagram
from .walker import PROCESSES, RULES, START

DECIDE = diagram(
    '<bpmn:businessRuleTask id="decide"><bpmn:extensionElements><spiffworkflow:calledDecisionId>delegation'
    "</spiffworkflow:calledDecisionId></bpmn:extensionElements></bpmn:businessRuleTask><bpmn:endEvent id=\"end\"/>"
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/><bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>')


def decide(xml: bytes, pack: str, kind: str, amount: float, household: int = 1, emergency: bool = False) -> tuple[str, bool] | tuple[str, bool, bool]:
    process = compile_bpmn(DECIDE, {"delegation": compile_dmn(xml, FUNCTION_NAMES)}, FUNCTION_NAMES)
    facts = CaseFacts(kind, RULES.get(pack), None, False)
    host = Host(START, host_functions(WorkingCalendar(), facts, START))
    data = {"kind": kind, "proposed_amount": amount, "household_size": household, "emergency": emergency}
    _, snapshot = Instance.start(process, data, host)
    if snapshot.data["conference"]:
        return snapshot.data["confirmer"], snapshot.data["deliberation"], True
    return snapshot.data["confirmer"], snapshot.data["deliberation"]


TABLE = (PROCESSES / "delegation.dmn").read_bytes()


@pytest.mark.parametrize(("pack", "kind", "amount", "household", "emergency", "expected"), [
    ("shulan-2023", "dibao", 0, 3, False, ("township", False)),
    ("shulan-2023", "tekun", 900, 1, False, ("township", False)),
    ("national-2021", "dibao", 0, 3, False, ("county", False)),
    ("national-2021", "tekun", 900, 1, False, ("county", False)),
    ("shulan-2023", "linshi", 3000, 3, True, ("township", False)),
    ("shulan-2023", "linshi", 3001, 3, True, ("county", True)),
    ("shulan-2023", "linshi", 12600, 3, False, ("township", False)),
    ("shulan-2023", "linshi", 12601, 3, False, ("county", True)),
    ("shulan-2023", "linshi", 60000, 1, False, ("county", True)),   # seed 001 names no ceiling: 一事一议
    ("national-2021", "linshi", 1000, 1, True, ("county", False)),   # the county confirms; no township limit
    ("national-2021", "linshi", 60000, 1, False, ("county", False)),
    ("naiman-2022", "linshi", 50000, 4, False, ("county", False)),   # seed 000: the ceiling is 50,000, inclusive
    ("naiman-2022", "linshi", 50001, 4, True, ("county", False, True)),  # above it: the case conference (seed 004)
    ("naiman-2022", "dibao", 0, 1, False, ("county", False)),
])
def test_rows(pack: str, kind: str, amount: float, household: int, emergency: bool, expected: tuple[object, ...]) -> None:
    assert decide(TABLE, pack, kind, amount, household, emergency) == expected


def test_an_empty_household_counts_as_one_person() -> None:
    assert decide(TABLE, "shulan-2023", "linshi", 1000, household=0, emergency=True) == ("township", False)


def test_changing_the_table_changes_the_route() -> None:
    county_only = TABLE.replace(b'<outputEntry id="r1_confirmer"><text>"township"</text>',
                                b'<outputEntry id="r1_confirmer"><text>"county"</text>')
    assert county_only != TABLE
    assert decide(county_only, "shulan-2023", "dibao", 0) == ("county", False)
