"""Mutated diagrams never crash or hang the deployment endpoint: 201/200, or 422 with reasons.

Hypothesis mutates real diagrams (ours and the foreign-tool files) structurally (drop, duplicate,
move or retag elements, rewrite attributes and expression texts) and byte-wise (truncate, flip,
insert). The bound on time is the test's own timeout: a hang fails the run.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.definitions.test_deploy_api import deploy
from tests.factories import Api

ROOT = Path(__file__).resolve().parents[2]
SEEDS = [ROOT / "processes" / "dibao.bpmn", ROOT / "processes" / "delegation.dmn",
         *sorted((Path(__file__).resolve().parent / "foreign").glob("*.bpmn"))]
SEED_BYTES = [p.read_bytes() for p in SEEDS]
TEXTS = [
    "", "True", "eligible", "__import__('os').system('id')", "().__class__.__base__.__subclasses__()", "${amount > 1}",
    "=amount > 1", "'P7D'", "P7D", "'R3/PT1H'", "rule('publicity_days')", "rule('nope')", "after_working_days(-1)",
    "after_working_days(10**9)", "end_of_day('2026-02-30')", "'x' * 10**7", "1+" * 1500 + "1", "(" * 300 + ")" * 300,
    "confirmer", "lambda: 0", "[i for i in range(10**9)]", "while True:\n  pass", "a = 1\nb = a +", "\x00", "中文 变量",
    "township", "county", "village", "Lane_1", "-1", "1e309", "yes", "9" * 400,
]
TAGS = ["userTask", "serviceTask", "scriptTask", "task", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
        "eventBasedGateway", "complexGateway", "subProcess", "callActivity", "intermediateCatchEvent", "boundaryEvent",
        "startEvent", "endEvent", "businessRuleTask", "lane", "process", "decision", "rule", "inputEntry", "text"]
ATTRS = ["id", "name", "sourceRef", "targetRef", "isExecutable", "default", "attachedToRef", "processRef", "hitPolicy",
         "scriptFormat", "workingDays", "calendarDays", "type", "minItems", "messageRef", "calledElement"]


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str) and e is not root]


def _mutate(data: st.DataObject, document: bytes) -> bytes:
    root = etree.fromstring(document)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        elements = _elements(root)
        if not elements:
            break
        node = data.draw(st.sampled_from(elements), label="element")
        op = data.draw(st.sampled_from(["drop", "dup", "attr", "text", "retag", "move"]), label="op")
        parent = node.getparent()
        if op == "drop" and parent is not None:
            parent.remove(node)
        elif op == "dup" and parent is not None:
            parent.append(etree.fromstring(etree.tostring(node)))
        elif op == "attr":
            node.set(data.draw(st.sampled_from(ATTRS)), data.draw(st.sampled_from(TEXTS) | st.text(max_size=40)).replace("\x00", ""))
        elif op == "text":
            node.text = data.draw(st.sampled_from(TEXTS) | st.text(max_size=60)).replace("\x00", "")
        elif op == "retag":
            node.tag = f"{{{etree.QName(node).namespace or ''}}}{data.draw(st.sampled_from(TAGS))}"
        elif op == "move":
            target = data.draw(st.sampled_from(elements), label="new parent")
            if target not in set(node.iter()):  # never under itself
                target.append(node)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _garble(data: st.DataObject, document: bytes) -> bytes:
    op = data.draw(st.sampled_from(["truncate", "flip", "insert"]), label="byte op")
    at = data.draw(st.integers(0, len(document)), label="offset")
    if op == "truncate":
        return document[:at]
    if op == "flip":
        return document[:at] + bytes([data.draw(st.integers(0, 255))]) + document[at + 1:]
    return document[:at] + data.draw(st.binary(min_size=1, max_size=64)) + document[at:]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@settings(max_examples=int(os.environ.get("JIUZHU_FUZZ_EXAMPLES", "150")), deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_diagrams_get_201_or_reasoned_422(api: Api, database_url: str, data: st.DataObject) -> None:
    document = data.draw(st.sampled_from(SEED_BYTES), label="seed")
    with contextlib.suppress(ValueError, TypeError):  # lxml refused the mutation itself: deploy the seed as it is
        document = _mutate(data, document)
    if data.draw(st.booleans(), label="garble bytes"):
        document = _garble(data, document)
    response = deploy(api, document, "fuzz.bpmn")
    assert response.status_code in (200, 201, 422), response.text
    if response.status_code == 422:
        problems = response.json()["detail"]
        assert problems and all(isinstance(p["msg"], str) and p["msg"] for p in problems), problems
