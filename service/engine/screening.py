"""Screening a BPMN file's expressions, scripts and timers before it is compiled: each must pass the
safe evaluator's checks, and one written for another engine (JUEL, FEEL) is refused with the reason."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from lxml import etree

from . import expressions
from .model import Problem
from .timer_checks import check_timer_expression, check_timer_value

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
JIUZHU_NS = "urn:jiuzhu:bpmn:1"
_EXPRESSION_TAGS = {
    (BPMN_NS, "conditionExpression"),
    (BPMN_NS, "loopCardinality"),
    (BPMN_NS, "completionCondition"),
    (BPMN_NS, "condition"),
    (SPIFF_NS, "messagePayload"),
    (JIUZHU_NS, "role"),
}
_TIMER_TAGS = {(BPMN_NS, "timeDate"), (BPMN_NS, "timeDuration"), (BPMN_NS, "timeCycle")}
_SCRIPT_TAGS = {(BPMN_NS, "script"), (SPIFF_NS, "preScript"), (SPIFF_NS, "postScript")}
FLOW_NODE_TAGS = {
    "userTask", "manualTask", "task", "scriptTask", "serviceTask", "businessRuleTask", "sendTask",
    "receiveTask", "callActivity", "subProcess", "transaction", "startEvent", "endEvent",
    "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway", "sequenceFlow",
}


def owner_id(node: etree._Element) -> str | None:
    """The id of the flow element (task, event, gateway, flow) that holds this XML node."""
    current: Any = node
    while current is not None:
        qname = etree.QName(current)
        if qname.namespace == BPMN_NS and qname.localname in FLOW_NODE_TAGS:
            return str(current.get("id"))
        current = current.getparent()
    return None


def text_of(node: etree._Element) -> str:
    return (node.text or "").strip()


_SCRIPT_FORMATS = {"", "python", "python3", "text/python", "text/x-python", "application/x-python"}


def _foreign_dialect(text: str) -> str | None:
    """A readable reason for expressions written for other engines (they would only give a syntax error)."""
    if text.startswith(("${", "#{")):
        return "a JUEL expression (Camunda 7) is not supported; write it Python-style, e.g. approved or amount > 1000"
    if text.startswith("=") and not text.startswith("=="):
        return "a FEEL expression (Camunda 8 / Zeebe) is not supported; write it Python-style, without the leading '='"
    return None


def _check_one(key: tuple[str, str], node: etree._Element, text: str, known: set[str], probe: Callable[[str], Any] | None) -> None:
    dialect = _foreign_dialect(text)
    if dialect and (key in _EXPRESSION_TAGS or key in _TIMER_TAGS):
        raise expressions.ForbiddenExpression(text, dialect)
    if key in _SCRIPT_TAGS and text:
        script_format = (node.getparent().get("scriptFormat") or "") if node.getparent() is not None else ""
        if script_format.lower() not in _SCRIPT_FORMATS:
            raise expressions.ForbiddenExpression(text[:80], f"scriptFormat '{script_format}' is not supported; scripts are "
                                                             "Python-style assignments checked by the service")
        expressions.check(text, known, script=True)
    elif key in _TIMER_TAGS:
        check_timer_expression(text, known)
        if probe is not None and not expressions.free_names(text):
            check_timer_value(probe(text), text)
    elif key in _EXPRESSION_TAGS and text:
        expressions.check(text, known)


def check_bpmn_expressions(root: etree._Element, known_functions: Iterable[str], probe: Callable[[str], Any] | None = None) -> list[Problem]:
    """Every expression, script and timer in the file must pass the safe evaluator's checks.

    A timer that reads no case data is also evaluated (``probe``), so one that cannot give a due
    time — an unknown rule name, a bad date — is refused now rather than when a case reaches it.
    """
    known = set(known_functions)
    problems: list[Problem] = []
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        qname = etree.QName(node)
        key = (qname.namespace, qname.localname)
        try:
            _check_one(key, node, text_of(node), known, probe)
        except expressions.ExpressionError as exc:
            problems.append(Problem(owner_id(node), f"{qname.localname}: {exc.reason}: {exc.source!r}"))
    return problems
