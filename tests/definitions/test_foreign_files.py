"""Files written by other modelling tools: each gets 201 or a 422 whose reasons name what to change.

The files under foreign/ are written by hand in the style each tool exports (bpmn.io, Camunda
Modeler 5 for Camunda 7 and for Camunda 8 / Zeebe, Signavio, Bizagi): their namespaces, id
schemes, extension elements and expression dialects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.definitions.test_deploy_api import deploy
from tests.factories import Api

FOREIGN = Path(__file__).resolve().parent / "foreign"
EXPECTED: dict[str, tuple[int, set[tuple[str | None, str]]]] = {
    "bpmn_io_new_diagram.bpmn": (422, {(None, "no executable process")}),
    "bpmn_io_lanes.bpmn": (201, set()),
    "camunda7_modeler.bpmn": (422, {("notify_bank", "calls Java code"),
                                    ("compute_total", "scriptFormat 'groovy'"), ("Flow_yes", "JUEL"), ("Flow_no", "JUEL")}),
    "camunda7_with_roles.bpmn": (201, set()),
    "zeebe_camunda8.bpmn": (422, {("Flow_big", "FEEL")}),
    "signavio_export.bpmn": (422, {(None, "no executable process")}),
    "signavio_executable.bpmn": (201, set()),
    "bizagi_export.bpmn": (422, {(None, "no executable process")}),
    "bizagi_both_pools_executable.bpmn": (422, {(None, "more than one executable process")}),
    "bizagi_one_pool_executable.bpmn": (201, set()),
}


def test_every_foreign_file_has_an_expectation() -> None:
    assert {p.name for p in FOREIGN.glob("*.bpmn")} == set(EXPECTED)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_foreign_file_is_deployed_or_refused_with_reasons(api: Api, database_url: str, name: str) -> None:
    status, reasons = EXPECTED[name]
    response = deploy(api, (FOREIGN / name).read_bytes(), name)
    assert response.status_code == status, response.text
    if status == 422:
        problems = response.json()["detail"]
        for element, text in reasons:
            assert any(p["element_id"] == element and text in p["msg"] for p in problems), (element, text, problems)
    else:
        key = response.json()["key"]
        xml = api.client.get(f"/api/v1/processes/{key}/versions/1/xml", headers=api.headers("designer"))
        assert xml.content == (FOREIGN / name).read_bytes()


def test_a_deployed_foreign_diagram_runs_a_case_with_roles_from_its_lanes(api: Api, database_url: str) -> None:
    """bpmn.io lanes named by role are enough: the tasks go to the township and the county."""
    deploy(api, (FOREIGN / "bpmn_io_lanes.bpmn").read_bytes(), "lanes.bpmn")
    with api.services.sessions() as session:
        process = api.services.registry.meta(session, "linshi_simple", 1)
    assert {k: v.lane for k, v in process.user_tasks.items()} == {"Activity_1qxk0v2": "township", "Activity_0f3mq8z": "county"}
