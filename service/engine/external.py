"""External tasks: a service or send task with a topic waits for a worker outside the service.

The topic is read from any of the three modellers' ways of writing it, so a file drawn in
Camunda Modeler (Camunda 7 or 8) runs as drawn::

    <bpmn:serviceTask id="info_check" name="信息核对">
      <bpmn:extensionElements>
        <jiuzhu:topic>provincial_check</jiuzhu:topic>              <!-- ours -->
        <zeebe:taskDefinition type="provincial_check" />           <!-- Camunda 8 -->
        <jiuzhu:form><jiuzhu:field name="result" type="enum" options="pass,fail" /></jiuzhu:form>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:serviceTask id="x" camunda:type="external" camunda:topic="provincial_check" />   <!-- Camunda 7 -->

Inside SpiffWorkflow such a task is a manual task: ``do_engine_steps`` stops at it (as at a user
task) until the host completes it with the variables a worker returned, checked against the
task's ``<jiuzhu:form>`` when it declares one. Java delegates and expressions (``camunda:class``,
``camunda:expression``, ``camunda:delegateExpression``) cannot run here and are refused by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import SpiffTaskParser
from SpiffWorkflow.spiff.specs.defaults import ManualTask

from .model import DefinitionInvalid, FieldSpec, Problem
from .user_tasks import _field

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
JIUZHU_NS = "urn:jiuzhu:bpmn:1"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
EXTERNAL_TAGS = ("serviceTask", "sendTask")
TOPIC = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,99}$")
_JAVA = ("class", "expression", "delegateExpression")


@dataclass(frozen=True)
class ExternalTaskInfo:
    """A task done by a worker outside the service: its topic and the variables it must return."""

    element_id: str
    name: str
    topic: str
    form: tuple[FieldSpec, ...] = ()


class ExternalTaskParser(SpiffBpmnParser):  # type: ignore[misc]
    """Spiff's parser with service and send tasks made into tasks that wait for the host."""

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (SpiffTaskParser, ManualTask),
        full_tag("sendTask"): (SpiffTaskParser, ManualTask),
    }


def _topic(task: etree._Element) -> str | None:
    ext = task.find(f"{{{BPMN_NS}}}extensionElements")
    if ext is not None:
        ours = ext.find(f"{{{JIUZHU_NS}}}topic")
        if ours is not None:
            return (ours.text or "").strip()
        zeebe = ext.find(f"{{{ZEEBE_NS}}}taskDefinition")
        if zeebe is not None:
            return (zeebe.get("type") or "").strip()
    camunda = task.get(f"{{{CAMUNDA_NS}}}topic")
    return camunda.strip() if camunda is not None else None


def _one(task: etree._Element, known: set[str]) -> ExternalTaskInfo:
    element_id = task.get("id") or ""
    java = [a for a in _JAVA if task.get(f"{{{CAMUNDA_NS}}}{a}") is not None]
    if java:
        raise DefinitionInvalid([Problem(element_id, f"camunda:{java[0]} calls Java code, which cannot run here; "
                                                     "give the task a topic (camunda:topic) and run a worker for it")])
    topic = _topic(task)
    if not topic:
        kind = etree.QName(task).localname
        raise DefinitionInvalid([Problem(element_id, f"a {kind} is done by an external worker and needs a topic: "
                                                     "<jiuzhu:topic>, camunda:topic or zeebe:taskDefinition type")])
    if not TOPIC.match(topic):
        raise DefinitionInvalid([Problem(element_id, f"topic {topic[:120]!r} must be letters, digits, '_', '-' or '.' "
                                                     "(at most 100, starting with a letter)")])
    ext = task.find(f"{{{BPMN_NS}}}extensionElements")
    fields = tuple(_field(n, element_id, known) for n in ext.iter(f"{{{JIUZHU_NS}}}field")) if ext is not None else ()
    if len({f.name for f in fields}) != len(fields):
        raise DefinitionInvalid([Problem(element_id, "form has a field twice")])
    return ExternalTaskInfo(element_id, task.get("name") or element_id, topic, fields)


def parse_external_tasks(root: etree._Element, known_functions: Iterable[str]) -> dict[str, ExternalTaskInfo]:
    """Every service and send task of the file with its topic; DefinitionInvalid naming each one that has none."""
    known = set(known_functions)
    tasks: dict[str, ExternalTaskInfo] = {}
    problems: list[Problem] = []
    for tag in EXTERNAL_TAGS:
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            try:
                info = _one(node, known)
                tasks[info.element_id] = info
            except DefinitionInvalid as exc:
                problems += exc.problems
    if problems:
        raise DefinitionInvalid(problems)
    return tasks
