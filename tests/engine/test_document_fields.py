"""A form's ``document`` field: the diagram names the kind of document it takes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from service.engine import DefinitionInvalid
from service.engine.user_tasks import _KNOWN_ATTRS

from .diagrams import one_task
from .test_loader import load

STATIC = Path(__file__).resolve().parents[2] / "service" / "web" / "static"


def _form(field: str) -> bytes:
    return one_task(f"<jiuzhu:form>{field}</jiuzhu:form>")


def test_a_document_field_is_described_with_its_kind() -> None:
    process = load(_form('<jiuzhu:field name="visit_record" type="document" kind="home_visit_record" label="入户调查表（签字）" />'))
    (field,) = process.user_tasks["task"].form
    assert field.describe() == {"name": "visit_record", "type": "document", "kind": "home_visit_record",
                                "label": "入户调查表（签字）", "required": True}


@pytest.mark.parametrize(("field", "reason"), [
    pytest.param('<jiuzhu:field name="r" type="document" />', "needs kind", id="no-kind"),
    pytest.param('<jiuzhu:field name="r" type="document" kind="passport" />', "needs kind", id="unknown-kind"),
    pytest.param('<jiuzhu:field name="r" type="document" kind="archive" />', "needs kind", id="archive-is-produced-not-asked"),
    pytest.param('<jiuzhu:field name="r" type="string" kind="other" />', "only for a field of type document", id="kind-on-text"),
])
def test_a_document_field_without_a_known_kind_is_refused_at_the_element(field: str, reason: str) -> None:
    with pytest.raises(DefinitionInvalid) as caught:
        load(_form(field))
    assert caught.value.problems[0].element_id == "task" and reason in caught.value.problems[0].reason


def test_the_dibao_home_visit_requires_the_signed_record() -> None:
    process = load((Path(__file__).resolve().parents[2] / "processes" / "dibao.bpmn").read_bytes())
    record = next(f for f in process.user_tasks["home_visit"].form if f.type == "document")
    assert (record.name, record.kind, record.required) == ("visit_record", "home_visit_record", True)


def test_the_modeler_knows_every_field_attribute_and_type() -> None:
    moddle = json.loads((STATIC / "jiuzhu-moddle.json").read_text(encoding="utf-8"))
    field = next(t for t in moddle["types"] if t["name"] == "Field")
    assert {p["name"] for p in field["properties"]} == _KNOWN_ATTRS
    panel = (STATIC / "properties.js").read_text(encoding="utf-8")
    assert '"document"' in re.search(r"const FIELD_TYPES = \[[^\]]*\]", panel).group(0)  # type: ignore[union-attr]
    assert '["kind", ' in panel
