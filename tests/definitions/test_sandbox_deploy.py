"""Every known escape, in every place a diagram can hold an expression, is refused at deploy naming the element."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from ..engine.diagrams import one_task, script, timer
from ..factories import Api

ESCAPES = [
    "().__class__.__base__.__subclasses__()",
    "__import__('os').system('id')",
    "kind.__class__",
    "open('/etc/passwd').read()",
    "9**9**9",
    "'a' * 10**10",
]
DMN = (Path(__file__).resolve().parents[2] / "processes" / "delegation.dmn").read_text(encoding="utf-8")

PLACES: dict[str, tuple[Callable[[str], bytes], str, str]] = {
    # place: (file for an expression, element the refusal must name, file name)
    "gateway condition": (lambda x: one_task(condition=escape(x)), "f4", "p.bpmn"),
    "script task": (lambda x: script(escape(f"x = {x}")), "calc", "p.bpmn"),
    "timer": (lambda x: timer(escape(x)), "wait", "p.bpmn"),
    "pre-script": (lambda x: one_task(f"<spiffworkflow:preScript>{escape('x = ' + x)}</spiffworkflow:preScript>"), "task", "p.bpmn"),
    "post-script": (lambda x: one_task(f"<spiffworkflow:postScript>{escape('x = ' + x)}</spiffworkflow:postScript>"), "task", "p.bpmn"),
    "form rule": (lambda x: one_task(f'<jiuzhu:form><jiuzhu:field name="a" type="string" requiredWhen="{escape(x, {chr(34): "&quot;"})}"/>'
                                     "</jiuzhu:form>"), "task", "p.bpmn"),
    "role": (lambda x: one_task(f"<jiuzhu:role>{escape(x)}</jiuzhu:role>"), "task", "p.bpmn"),
    "stage deadline": (lambda x: one_task(f'<jiuzhu:deadline workingDays="{escape(x, {chr(34): "&quot;"})}"/>'), "task", "p.bpmn"),
    "DMN input": (lambda x: DMN.replace("<text>kind</text>", f"<text>{escape(x)}</text>").encode(), "input_kind_expression", "d.dmn"),
    "DMN cell": (lambda x: DMN.replace('<text>"township"</text>', f"<text>{escape(x)}</text>", 1).encode(), "r1_confirmer", "d.dmn"),
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("attack", ESCAPES)
def test_escapes_are_refused_at_deploy(api: Api, place: str, attack: str) -> None:
    make, element, name = PLACES[place]
    response = api.client.post("/api/v1/processes", files={"file": (name, make(attack), "application/xml")},
                               headers=api.headers("designer"))
    assert response.status_code == 422, (place, attack, response.status_code, response.text[:300])
    problems = response.json()["detail"]
    assert any(p.get("element_id") == element for p in problems), (place, attack, problems)


@pytest.mark.parametrize("loop", ["while True:\n    pass", "for i in [1]:\n    pass", "def f():\n    f()\nf()"])
def test_loops_and_definitions_are_refused_in_scripts(api: Api, loop: str) -> None:
    response = api.client.post("/api/v1/processes", files={"file": ("p.bpmn", script(loop), "application/xml")},
                               headers=api.headers("designer"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["element_id"] == "calc"
