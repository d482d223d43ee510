"""Reading user tasks' forms, roles and stage deadlines from the diagram's ``jiuzhu`` extensions.

A user task declares what it accepts::

    <bpmn:extensionElements>
      <jiuzhu:role>confirmer</jiuzhu:role>                 <!-- optional: role from task data -->
      <jiuzhu:form>
        <jiuzhu:field name="visitors" type="list" label="入户调查人员" minItems="2" />
        <jiuzhu:field name="amount" type="number" requiredWhen="approved" exclusiveMin="0" />
        <jiuzhu:field name="visit_record" type="document" kind="home_visit_record" label="入户调查表（签字）" />
      </jiuzhu:form>
      <jiuzhu:deadline workingDays="rule('investigation_days')" />
    </bpmn:extensionElements>
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from . import expressions
from .model import (
    DOCUMENT_KINDS,
    FIELD_TYPES,
    Deadline,
    DefinitionInvalid,
    FieldSpec,
    FormCheck,
    Problem,
    UserTaskInfo,
)

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
JIUZHU_NS = "urn:jiuzhu:bpmn:1"
_NUMBER_ATTRS = {"min": "min", "max": "max", "exclusiveMin": "exclusive_min"}
_KNOWN_ATTRS = {"name", "type", "label", "required", "requiredWhen", "minItems", "options", "kind", *_NUMBER_ATTRS}


def _numbers(node: etree._Element) -> tuple[dict[str, float], int | None]:
    numbers = {key: float(node.get(attr) or "") for attr, key in _NUMBER_ATTRS.items() if node.get(attr) is not None}
    return numbers, int(node.get("minItems") or "") if node.get("minItems") else None


def _document_kind_problem(field_type: str, kind: str | None) -> str | None:
    """A ``document`` field names the kind of document it takes (``kind="home_visit_record"``); no other field has one."""
    uploadable = sorted(set(DOCUMENT_KINDS) - {"archive"})
    if field_type == "document" and kind not in uploadable:
        return f"a document field needs kind=\"...\", one of {', '.join(uploadable)}"
    if field_type != "document" and kind is not None:
        return "kind is only for a field of type document"
    return None


def _field(node: etree._Element, element_id: str, known: set[str]) -> FieldSpec:
    def refuse(reason: str) -> DefinitionInvalid:
        return DefinitionInvalid([Problem(element_id, f"form field '{node.get('name')}': {reason}")])

    unknown = set(node.attrib) - _KNOWN_ATTRS
    if unknown:
        raise refuse(f"unknown attribute(s) {', '.join(sorted(unknown))}")
    name, kind = node.get("name") or "", node.get("type") or "string"
    if not name.isidentifier() or name.startswith("_"):
        raise refuse("name must be a plain identifier")
    if kind not in FIELD_TYPES:
        raise refuse(f"type '{kind}' is not one of {', '.join(FIELD_TYPES)}")
    required_when = node.get("requiredWhen")
    if required_when:
        try:
            expressions.check(required_when, known)
        except expressions.ExpressionError as exc:
            raise refuse(f"requiredWhen: {exc.reason}") from None
    try:
        numbers, min_items = _numbers(node)
    except ValueError:
        raise refuse("min, max, exclusiveMin and minItems must be numbers") from None
    options = tuple(o.strip() for o in (node.get("options") or "").split(",") if o.strip())
    if kind in ("enum", "attendees") and not options:
        raise refuse(f"{'an enum' if kind == 'enum' else 'attendees'} needs options=\"a,b\"")
    document_kind = node.get("kind")
    wrong_kind = _document_kind_problem(kind, document_kind)
    if wrong_kind:
        raise refuse(wrong_kind)
    return FieldSpec(
        name=name,
        type=kind,
        label=node.get("label") or name,
        required=(node.get("required", "true").lower() != "false") and not required_when,
        required_when=required_when or None,
        min_items=min_items,
        options=options,
        kind=document_kind,
        **numbers,
    )


def _deadline(task: etree._Element, element_id: str, known: set[str]) -> Deadline | None:
    node = task.find(f"{{{BPMN_NS}}}extensionElements/{{{JIUZHU_NS}}}deadline")
    if node is None:
        return None
    days, unit_text = node.get("days"), node.get("unit")
    if days and unit_text:
        for text in (days, unit_text):
            try:
                expressions.check(text, known)
            except expressions.ExpressionError as exc:
                raise DefinitionInvalid([Problem(element_id, f"deadline: {exc.reason}: {text!r}")]) from None
        return Deadline(days, "working", unit_text)
    for attr, unit in (("workingDays", "working"), ("calendarDays", "calendar")):
        text = node.get(attr)
        if text:
            try:
                expressions.check(text, known)
            except expressions.ExpressionError as exc:
                raise DefinitionInvalid([Problem(element_id, f"deadline: {exc.reason}: {text!r}")]) from None
            return Deadline(text, unit)
    raise DefinitionInvalid([Problem(element_id, "deadline needs workingDays=\"...\", calendarDays=\"...\" or days=\"...\" with unit=\"...\"")])


def _checks(ext: etree._Element, element_id: str, names: list[str], known: set[str]) -> tuple[FormCheck, ...]:
    checks = []
    for node in ext.iter(f"{{{JIUZHU_NS}}}check"):
        field, test, message = node.get("field") or "", node.get("test") or "", node.get("message") or ""
        if field not in names or not test or not message:
            raise DefinitionInvalid([Problem(element_id, "a check needs field (one of the form's), test and message")])
        for text in filter(None, (test, node.get("limit"))):
            try:
                expressions.check(text, known)
            except expressions.ExpressionError as exc:
                raise DefinitionInvalid([Problem(element_id, f"check on '{field}': {exc.reason}")]) from None
        checks.append(FormCheck(field, test, message, node.get("limit")))
    return tuple(checks)


def parse_user_tasks(root: etree._Element, known_functions: Iterable[str]) -> dict[str, UserTaskInfo]:
    """Every user task of the file with its form; lanes are attached after Spiff has parsed."""
    known = set(known_functions)
    tasks: dict[str, UserTaskInfo] = {}
    problems: list[Problem] = []
    for task in root.iter(f"{{{BPMN_NS}}}userTask"):
        element_id = task.get("id") or ""
        ext = task.find(f"{{{BPMN_NS}}}extensionElements")
        role_node = ext.find(f"{{{JIUZHU_NS}}}role") if ext is not None else None
        try:
            fields = [_field(n, element_id, known) for n in ext.iter(f"{{{JIUZHU_NS}}}field")] if ext is not None else []
            names = [f.name for f in fields]
            if len(set(names)) != len(names):
                raise DefinitionInvalid([Problem(element_id, "form has a field twice")])
            tasks[element_id] = UserTaskInfo(
                element_id=element_id,
                name=task.get("name") or element_id,
                lane=None,
                role_expression=(role_node.text or "").strip() if role_node is not None else None,
                deadline=_deadline(task, element_id, known),
                form=tuple(fields),
                checks=_checks(ext, element_id, names, known) if ext is not None else (),
            )
        except DefinitionInvalid as exc:
            problems += exc.problems
    if problems:
        raise DefinitionInvalid(problems)
    return tasks
