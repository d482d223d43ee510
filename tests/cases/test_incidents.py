"""A failure inside a diagram at run time: 409 naming the element, nothing half-written, an incident on the case."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.db import transaction
from service.tasks.models import CaseTask

from ..factories import ACCEPT, INFO, PDF, VISIT, Api

DIBAO = Path(__file__).resolve().parents[2] / "processes" / "dibao.bpmn"


def deploy_broken_dibao(api: Api) -> None:
    """A new dibao version whose dispute gateway reads a variable no task sets."""
    text = DIBAO.read_text(encoding="utf-8")
    broken = text.replace('tFormalExpression">disputed<', 'tFormalExpression">disputed_by_neighbours<')
    assert broken != text
    with transaction(api.services.sessions) as session:
        deployed = api.services.registry.deploy(session, broken.encode(), "dibao.bpmn", "designer", api.clock.now())
    assert deployed.definition.version == 2


def test_runtime_failure_is_an_incident_and_changes_nothing(api: Api) -> None:
    deploy_broken_dibao(api)
    case = api.create()
    assert case["process"] == {"key": "dibao", "version": 2}
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    record = api.upload(case["id"], PDF, kind="home_visit_record")["id"]
    before = api.history(case["id"])
    response = api.complete(case["id"], "home_visit", {**VISIT, "visit_record": record})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail["element_id"] == "dispute_gateway" and "disputed_by_neighbours" in detail["reason"]
    after = api.case(case["id"])
    assert after["incident"]["element_id"] == "dispute_gateway"
    assert "home_visit" in {p["element_id"] for p in after["positions"]}  # the task is still open
    history = api.history(case["id"])
    assert history[: len(before)] == before and [e["type"] for e in history[len(before):]] == ["case.incident"]
    with api.services.sessions() as session:
        task = session.scalar(select(CaseTask).where(CaseTask.case_id == case["id"], CaseTask.element_id == "home_visit"))
        assert task is not None and task.status == "open" and task.completed_by is None


def test_cases_on_the_good_version_are_unaffected(api: Api) -> None:
    running = api.create()
    deploy_broken_dibao(api)
    api.walk(running["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)])
    assert api.case(running["id"])["incident"] is None


def test_a_case_without_an_incident_stores_sql_null(api: Api) -> None:
    from service.cases.models import Case

    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])  # a successful operation clears (sets) the incident column
    with api.services.sessions() as session:
        assert session.scalar(select(Case.id).where(Case.incident.is_(None))) == case["id"]
