"""Nothing a designer uploads and no case data can stall the service (issue: attacks 1, 2 and 4).

Each hostile request runs against a real server while ``/healthz`` is watched with a 1 s timeout;
it is refused at deploy naming the element (422), or, when it depends on case data, becomes an
incident on that one case (409) and nothing else waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.deps import Services

from ..factories import Api, case_payload
from . import hostile
from .live import healthy_during, live_server

DMN = (Path(__file__).resolve().parents[2] / "processes" / "delegation.dmn").read_text(encoding="utf-8")
CONSTANT_BOMBS = [
    "len(str([[0] * 100000] * 10000)) > 0",
    "max([[[0] * 100000] * 100000] * 100000) == 0",
    "len(str([[[0] * 100000] * 100000] * 100000)) > 0",
    "sorted([[0] * 1000] * 1000) == []",
    "sum([[0]] * 50000, []) == []",
    "round(5, -1000000000) == 0",
]


@pytest.fixture
def base(services: Services) -> Iterator[str]:
    with live_server(services) as url:
        yield url


def _upload(path: str, name: str, data: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda client: client.post(path, files={"file": (name, data, "application/xml")}, headers=headers)


def _deploy(api: Api, data: bytes) -> None:
    response = api.client.post("/api/v1/processes", files={"file": ("dibao.bpmn", data, "application/xml")},
                               headers=api.headers("designer"))
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("bomb", CONSTANT_BOMBS)
def test_a_constant_bomb_is_refused_at_deploy_and_validate(api: Api, base: str, bomb: str) -> None:
    headers = api.headers("designer")
    for path in ("/api/v1/processes", "/api/v1/processes/validate"):
        response = healthy_during(base, _upload(path, "p.bpmn", hostile.gateway(bomb), headers))
        assert response.status_code == 422, response.text[:300]
        assert any(p["element_id"] == "g1" for p in response.json()["detail"]), response.text[:300]


@pytest.mark.parametrize("bomb", CONSTANT_BOMBS[:3])
def test_a_constant_bomb_in_a_what_if_decision_is_refused(api: Api, base: str, bomb: str) -> None:
    candidate = DMN.replace('<text>"township"</text>', f"<text>{bomb.replace('>', '&gt;')}</text>", 1).encode()
    send = _upload("/api/v1/processes/dibao/what-if", "d.dmn", candidate, api.headers("county"))
    response = healthy_during(base, send)
    assert response.status_code == 422, response.text[:300]
    assert "r1_confirmer" in response.text


@pytest.mark.parametrize(("make", "element"), [
    (lambda: hostile.multi_instance("10000000"), "middle"),
    (lambda: hostile.cycle("'R/2000-01-01T00:00:00+08:00/PT1S'"), "reminder"),
    (lambda: hostile.cycle("'R/2026-11-02T09:00:00+08:00/PT0S'"), "reminder"),
    (hostile.calls_itself, "middle"),
    (hostile.standard_loop, "middle"),
    (lambda: hostile.standard_loop('loopMaximum="10000000"'), "middle"),
], ids=["cardinality", "cycle-catch-up", "cycle-zero", "self-call", "loop-no-maximum", "loop-huge-maximum"])
def test_a_diagram_that_could_not_finish_is_refused_at_deploy(api: Api, base: str, make, element: str) -> None:  # type: ignore[no-untyped-def]
    response = healthy_during(base, _upload("/api/v1/processes", "p.bpmn", make(), api.headers("designer")))
    assert response.status_code == 422, response.text[:300]
    assert any(p["element_id"] == element for p in response.json()["detail"]), response.text[:300]


def _complete_hostile(api: Api, base: str, data: dict[str, object]) -> tuple[int, httpx.Response]:
    case = api.create(case_payload())
    task_id = api.task_id(case["id"], "task")
    headers = api.headers("township")
    response = healthy_during(base, lambda client: client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data},
                                                                headers=headers))
    return case["id"], response


RUNTIME = {
    "gateway": (lambda: hostile.gateway(hostile.BOMB.format(x="n")), "middle"),
    "script": (lambda: hostile.script("x = " + hostile.BOMB.format(x="n")), "middle"),
    "role": (lambda: hostile.around(hostile.PASS.format(id="middle"),
                                    after_extension=f"<jiuzhu:role>{hostile.BOMB.format(x='n')}</jiuzhu:role>"), "after"),
    "deadline": (lambda: hostile.around(hostile.PASS.format(id="middle"),
                                        after_extension=f'<jiuzhu:deadline workingDays="{hostile.BOMB.format(x="n")}"/>'), "after"),
    "cardinality": (lambda: hostile.multi_instance("n"), "middle"),
    "cycle": (lambda: hostile.cycle("'R/' + since + '/PT1S'"), "reminder"),
    "endless-loop": (hostile.endless_loop, None),
}


@pytest.mark.parametrize("place", RUNTIME)
def test_case_data_that_overruns_becomes_an_incident_on_that_case(api: Api, base: str, place: str) -> None:
    make, element = RUNTIME[place]
    bystander = api.create(case_payload(household=2))
    _deploy(api, make())
    case_id, response = _complete_hostile(api, base, {"n": 10_000_000, "since": "2000-01-01T00:00:00+08:00"})
    assert response.status_code == 409, response.text[:300]
    detail = response.json()["detail"]
    if element:
        assert detail["element_id"] == element, detail
    incident = api.case(case_id)["incident"]
    assert incident is not None and incident["reason"] == detail["reason"]
    assert "task" in {p["element_id"] for p in api.case(case_id)["positions"]}  # nothing half-written
    assert api.case(bystander["id"])["incident"] is None
    assert api.complete(bystander["id"], "accept", {"materials_complete": True}).status_code == 200  # nothing else waits


def test_a_required_when_bomb_over_a_field_does_not_stall(api: Api, base: str) -> None:
    form = ('<jiuzhu:form><jiuzhu:field name="n" type="integer" label="n"/>'
            f'<jiuzhu:field name="m" type="string" label="m" requiredWhen="{escape_attr(hostile.BOMB.format(x="n"))}"/></jiuzhu:form>')
    _deploy(api, hostile.around(hostile.PASS.format(id="middle")).replace(hostile.FORM.encode(), form.encode()))
    _, response = _complete_hostile(api, base, {"n": 1})
    assert response.status_code in (200, 409, 422), response.text[:300]


def escape_attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace(">", "&gt;").replace("<", "&lt;")
