"""Loading BPMN and DMN files: screening untrusted XML, parsing, and refusing what we cannot run safely."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from ..roles import CASEWORKERS
from . import expressions, limits
from .external import ExternalTaskInfo, ExternalTaskParser, parse_external_tasks
from .model import DefinitionInvalid, ElementInfo, Problem, UserTaskInfo
from .modeler import quote_iso_timers, translate_decision
from .screening import BPMN_NS, FLOW_NODE_TAGS, SPIFF_NS, check_bpmn_expressions, owner_id, text_of
from .user_tasks import parse_user_tasks

DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)
MAX_BYTES = 2_000_000
MAX_KEY = 100
MAX_DAYS = 3660
Probe = Callable[[str, str | None], Any]
"""Evaluates an expression that reads no case data, as the host would (under every rule pack) for a
process key or decision (None): the value, or an ExpressionError saying why it does not evaluate."""
# Lanes may be named in Chinese; each name maps to the role whose users do the lane's tasks.
LANE_ROLES = {"村（居）委会": "village", "乡镇（街道）": "township", "县级民政部门": "county"}


def lane_role(name: str | None) -> str | None:
    """The role a lane stands for (its English role name or its Chinese name), else the name as written."""
    if name is None:
        return None
    cleaned = name.strip().replace("(", "（").replace(")", "）")
    return cleaned if cleaned in CASEWORKERS else LANE_ROLES.get(cleaned, name)

_REFUSED_TAGS = {
    "complexGateway": "complex gateways are not supported",
}


@dataclass
class CompiledDecision:
    """A deployed DMN file: its decision id and the XML Spiff needs to build business rule tasks."""

    key: str
    name: str
    checksum: str
    xml: bytes


@dataclass
class CompiledProcess:
    """A deployed, checked BPMN process with everything the engine needs to run it."""

    key: str
    name: str
    checksum: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    user_tasks: dict[str, UserTaskInfo]
    elements: dict[str, ElementInfo]
    messages: frozenset[str]
    decisions: dict[str, str] = field(default_factory=dict)  # decision id -> checksum used
    decision_tasks: dict[str, str] = field(default_factory=dict)  # decision id -> the business rule task calling it
    cycles: bool = False  # whether any timer is a cycle (each operation then checks their catch-up)
    external_tasks: dict[str, ExternalTaskInfo] = field(default_factory=dict)  # service and send tasks, by element id


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_KEY = re.compile(rf"^[A-Za-z_][A-Za-z0-9_.\-]{{0,{MAX_KEY - 1}}}$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def parse_xml(data: bytes) -> etree._Element:
    """Parse untrusted XML: defusedxml refuses DTDs and entities, then lxml parses without them."""
    if len(data) > MAX_BYTES:
        raise DefinitionInvalid([Problem(None, f"file larger than {MAX_BYTES // 1_000_000} MB")])
    try:
        DefusedET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise DefinitionInvalid([Problem(None, f"refused XML: {type(exc).__name__} (DTDs and entities are not allowed)")]) from None
    except DefusedET.ParseError as exc:
        raise DefinitionInvalid([Problem(None, f"not well-formed XML: {exc}")]) from None
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DefinitionInvalid([Problem(None, f"not well-formed XML: {exc}")]) from None


def file_kind(root: etree._Element) -> str:
    """'bpmn' or 'dmn' from the root element, or a refusal naming what it is."""
    qname = etree.QName(root)
    if qname.localname == "definitions" and qname.namespace == BPMN_NS:
        return "bpmn"
    if qname.localname == "definitions" and qname.namespace in DMN_NAMESPACES:
        return "dmn"
    raise DefinitionInvalid([Problem(None, f"not a BPMN 2.0 or DMN file (root element {root.tag})")])




def _check_structure(root: etree._Element) -> tuple[str, list[Problem]]:
    processes = root.findall(f"{{{BPMN_NS}}}process")
    executable = [p for p in processes if p.get("isExecutable", "false").lower() == "true"]
    if not executable:
        return "", [Problem(None, "no executable process (set isExecutable=\"true\" on the process to run)")]
    if len(executable) > 1:
        ids = ", ".join(str(p.get("id")) for p in executable)
        return "", [Problem(None, f"more than one executable process ({ids}); deploy one per file")]
    key = str(executable[0].get("id") or "")
    if not _KEY.match(key):
        return "", [Problem(None, f"the executable process needs an id of letters, digits, '_', '-' or '.', "
                                  f"at most {MAX_KEY} characters (got {key[:120]!r})")]
    problems = []
    for node in root.iter(f"{{{BPMN_NS}}}*"):
        reason = _REFUSED_TAGS.get(etree.QName(node).localname)
        if reason:
            problems.append(Problem(node.get("id"), reason))
    return key, problems


def _event_type(node: etree._Element) -> str | None:
    for child in node:
        local = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if local.endswith("EventDefinition"):
            return local.removesuffix("EventDefinition")
    return None


def _element_infos(process: etree._Element) -> dict[str, ElementInfo]:
    infos = {}
    for node in process.iter(f"{{{BPMN_NS}}}*"):
        local = etree.QName(node).localname
        if local in FLOW_NODE_TAGS and local != "sequenceFlow" and node.get("id"):
            infos[str(node.get("id"))] = ElementInfo(str(node.get("id")), node.get("name") or "", local, _event_type(node))
    return infos


def _role_problems(user_tasks: Mapping[str, UserTaskInfo]) -> list[Problem]:
    problems = []
    for info in user_tasks.values():
        if info.role_expression:
            continue
        if info.lane is None:
            problems.append(Problem(info.element_id, "user task has no role: put it in a lane named "
                                    f"{' / '.join(LANE_ROLES)} (or {' / '.join(CASEWORKERS)}) or give it <jiuzhu:role>"))
        elif info.lane not in CASEWORKERS:
            problems.append(Problem(info.element_id, f"lane '{info.lane}' is not a role ({', '.join(LANE_ROLES)}; "
                                                     f"or {', '.join(CASEWORKERS)})"))
    return problems


def _called_decisions(root: etree._Element) -> dict[str, str]:
    called: dict[str, str] = {}
    for node in root.iter(f"{{{SPIFF_NS}}}calledDecisionId"):
        called.setdefault(text_of(node), owner_id(node) or "")  # a decision called twice: the first task decides the route
    return called


def compile_bpmn(data: bytes, decisions: Mapping[str, CompiledDecision], known_functions: Iterable[str],
                 probe: Probe | None = None, now: datetime | None = None) -> CompiledProcess:
    """Check and parse a BPMN file; raises DefinitionInvalid naming each element and reason.

    ``now``: the deploy's instant, against which a cycle timer's catch-up is checked (limits.py).
    """
    root = parse_xml(data)
    if file_kind(root) != "bpmn":
        raise DefinitionInvalid([Problem(None, "expected a BPMN file, got DMN")])
    key, problems = _check_structure(root)
    if not key:
        raise DefinitionInvalid(problems)
    bound = (lambda text: probe(text, key)) if probe is not None else None
    quote_iso_timers(root)  # Camunda Modeler's bare P7D is the literal 'P7D'
    problems += check_bpmn_expressions(root, known_functions, bound)
    problems += limits.diagram_problems(root, key, bound or (lambda text: expressions.evaluate(text, {})), now)
    called = _called_decisions(root)
    for decision_id, owner in called.items():
        if decision_id not in decisions:
            problems.append(Problem(owner, f"decision '{decision_id}' is not deployed (deploy its DMN first)"))
    try:
        user_tasks = parse_user_tasks(root, known_functions)
    except DefinitionInvalid as exc:
        problems += exc.problems
        user_tasks = {}
    problems += _deadline_problems(user_tasks, bound)
    try:
        external_tasks = parse_external_tasks(root, known_functions)
    except DefinitionInvalid as exc:
        problems += exc.problems
        external_tasks = {}
    if problems:
        raise DefinitionInvalid(problems)
    spec, subprocess_specs = _spiff_parse(root, key, [decisions[d] for d in called])
    limits.bound_collections([spec, *subprocess_specs.values()])
    user_tasks = _attach_lanes(user_tasks, spec)
    problems = _role_problems(user_tasks)
    if problems:
        raise DefinitionInvalid(problems)
    process = root.find(f"{{{BPMN_NS}}}process[@id='{key}']")
    messages = frozenset(str(m.get("name")) for m in root.iter(f"{{{BPMN_NS}}}message") if m.get("name"))
    return CompiledProcess(
        key=key,
        name=(process.get("name") if process is not None else None) or key,
        checksum=checksum(data),
        spec=spec,
        subprocess_specs=subprocess_specs,
        user_tasks=user_tasks,
        elements=_element_infos(process) if process is not None else {},
        messages=messages,
        decisions={d: decisions[d].checksum for d in called},
        decision_tasks=called,
        cycles=any(True for _ in root.iter(f"{{{BPMN_NS}}}timeCycle")),
        external_tasks=external_tasks,
    )


def _deadline_problems(user_tasks: Mapping[str, UserTaskInfo], probe: Callable[[str], Any] | None) -> list[Problem]:
    """A stage deadline that reads no case data must give a whole number of days."""
    problems = []
    for info in user_tasks.values():
        if probe is None or info.deadline is None or expressions.free_names(info.deadline.expression):
            continue
        try:
            value = probe(info.deadline.expression)
        except expressions.ExpressionError as exc:
            problems.append(Problem(info.element_id, f"deadline: {exc.reason}: {exc.source!r}"))
            continue
        unit = info.deadline.unit_expression
        if unit and not expressions.free_names(unit):
            try:
                if probe(unit) not in ("working", "calendar"):
                    problems.append(Problem(info.element_id, f"deadline: unit {unit!r} must give 'working' or 'calendar'"))
            except expressions.ExpressionError as exc:
                problems.append(Problem(info.element_id, f"deadline: {exc.reason}: {exc.source!r}"))
        if value is None:
            continue  # no stage limit under the default pack
        if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value or not 0 <= value <= MAX_DAYS:
            problems.append(Problem(info.element_id, f"deadline: must give a whole number of days (0–{MAX_DAYS}), "
                                                     f"{info.deadline.expression!r} gives {value!r}"))
    return problems


def _spiff_parse(root: etree._Element, key: str, decisions: list[CompiledDecision]) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    parser = ExternalTaskParser()
    try:
        for decision in decisions:
            parser.add_dmn_xml(parse_xml(decision.xml))
        parser.add_bpmn_xml(etree.ElementTree(root))
        spec = parser.get_spec(key)
        subprocess_specs = parser.get_subprocess_specs(key)
    except ValidationException as exc:
        raise DefinitionInvalid([Problem(exc.id or None, str(exc.args[0]) if exc.args else str(exc))]) from None
    except SpiffWorkflowException as exc:
        raise DefinitionInvalid([Problem(None, str(exc))]) from None
    except RecursionError:
        raise DefinitionInvalid([Problem(None, "cannot be parsed: the diagram nests too deeply")]) from None
    except Exception as exc:  # noqa: BLE001 - the parser's other failures on untrusted input are refusals, not crashes
        raise DefinitionInvalid([Problem(None, f"cannot be parsed: {type(exc).__name__}: {exc}")]) from None
    return spec, subprocess_specs


def _attach_lanes(user_tasks: dict[str, UserTaskInfo], spec: BpmnProcessSpec) -> dict[str, UserTaskInfo]:
    lanes = {ts.bpmn_id: ts.lane for ts in spec.task_specs.values() if getattr(ts, "bpmn_id", None)}
    out = {}
    for element_id, info in user_tasks.items():
        out[element_id] = UserTaskInfo(
            element_id=info.element_id, name=info.name, lane=lane_role(lanes.get(element_id)),
            role_expression=info.role_expression, deadline=info.deadline, form=info.form, checks=info.checks,
        )
    return out


def compile_dmn(data: bytes, known_functions: Iterable[str], probe: Probe | None = None) -> CompiledDecision:
    """Check a DMN file: one decision table whose cells all pass the safe evaluator."""
    root = parse_xml(data)
    if file_kind(root) != "dmn":
        raise DefinitionInvalid([Problem(None, "expected a DMN file, got BPMN")])
    ns = etree.QName(root).namespace
    decisions = root.findall(f"{{{ns}}}decision")
    if len(decisions) != 1:
        raise DefinitionInvalid([Problem(None, f"a DMN file must hold exactly one decision (found {len(decisions)})")])
    decision = decisions[0]
    decision_id = decision.get("id") or ""
    if not _KEY.match(decision_id):
        raise DefinitionInvalid([Problem(None, f"the decision needs an id of letters, digits, '_', '-' or '.', "
                                               f"at most {MAX_KEY} characters (got {decision_id[:120]!r})")])
    if decision.find(f"{{{ns}}}decisionTable") is None:
        raise DefinitionInvalid([Problem(decision_id, "the decision has no decision table")])
    translate_decision(decision, ns)  # S-FEEL cells (DMN standard, Camunda Modeler) as the Python-style cells they mean
    problems = _check_dmn_cells(decision, ns, set(known_functions), probe)
    try:
        parser = SpiffBpmnParser()
        parser.add_dmn_xml(root)
        parser.dmn_parsers[decision_id].parse()
    except Exception as exc:  # noqa: BLE001 - the parser's failures on untrusted input are refusals, not crashes
        problems.append(Problem(decision_id, f"cannot be parsed: {type(exc).__name__}: {exc}"))
    if problems:
        raise DefinitionInvalid(problems)
    # the checksum is the file's as uploaded; the XML kept for running is the translated one
    return CompiledDecision(key=decision_id, name=decision.get("name") or decision_id, checksum=checksum(data),
                            xml=etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _check_dmn_cells(decision: etree._Element, ns: str, known: set[str], probe: Probe | None) -> list[Problem]:
    problems = []
    for node in decision.iter(f"{{{ns}}}inputExpression", f"{{{ns}}}inputEntry", f"{{{ns}}}outputEntry"):
        text_node = node.find(f"{{{ns}}}text")
        text = text_of(text_node) if text_node is not None else ""
        if not text or text == "-":
            continue
        owner = node.get("id") or decision.get("id")
        try:
            if etree.QName(node).localname == "inputEntry":
                _check_input_entry(text, known)
            else:
                expressions.check(text, known)
                if probe is not None and not expressions.free_names(text):
                    probe(text, None)
        except expressions.ExpressionError as exc:
            problems.append(Problem(owner, f"{exc.reason}: {text!r}"))
    return problems


def _check_input_entry(text: str, known: set[str]) -> None:
    """A cell is either a value (compared with ==) or an operator and operand (``> 100``)."""
    candidates = [f"dmninputexpr {text}", f"(dmninputexpr) == ({text})"] if "?" not in text else [text.replace("?", "dmninputexpr")]
    last: expressions.ExpressionError | None = None
    for candidate in candidates:
        try:
            expressions.check(candidate, known)
            return
        except expressions.ExpressionError as exc:
            last = exc
    assert last is not None
    raise expressions.ForbiddenExpression(text, f"neither an S-FEEL simple unary test (\"a\",\"b\"; <= 1000; [1..5]; "
                                                f"not(\"x\"); -) nor a Python-style cell: {last.reason}")
