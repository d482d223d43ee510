"""Deploying over REST: versions per key, dedupe by checksum, refusals that name the element."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from service.audit.models import AuditEvent
from tests.engine.diagrams import one_task, timer
from tests.factories import Api

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DELEGATION = (PROCESSES / "delegation.dmn").read_bytes()


def deploy(api: Api, data: bytes, name: str = "x.bpmn", role: str = "designer", path: str = "/api/v1/processes"):  # type: ignore[no-untyped-def]
    return api.client.post(path, files={"file": (name, data, "application/xml")}, headers=api.headers(role))


def county_delegation() -> bytes:
    """The delegation table with dibao/tekun confirmed by the county even when delegated (a designer's edit)."""
    return DELEGATION.replace(b'<outputEntry id="r1_confirmer"><text>"township"</text>', b'<outputEntry id="r1_confirmer"><text>"county"</text>')


def test_start_up_deployed_the_repository_and_lists_versions(api: Api) -> None:
    listing = api.client.get("/api/v1/processes", headers=api.headers("township")).json()["items"]
    by_key = {d["key"]: d for d in listing}
    assert by_key["dibao"]["type"] == "bpmn" and by_key["dibao"]["newest"] == 1
    assert by_key["delegation"]["type"] == "dmn"
    xml = api.client.get("/api/v1/processes/dibao/versions/1/xml", headers=api.headers("township"))
    assert xml.status_code == 200 and xml.headers["content-type"].startswith("application/xml")
    assert xml.content == (PROCESSES / "dibao.bpmn").read_bytes()


def test_a_new_file_is_the_next_version_and_an_identical_one_is_not(api: Api, database_url: str) -> None:
    first = deploy(api, one_task(), "p.bpmn")
    assert first.status_code == 201, first.text
    assert first.json() | {"checksum": ""} == {"key": "p", "version": 1, "type": "bpmn", "name": "p", "checksum": "", "created": True,
                                                  "layout_only": False, "note": None}
    again = deploy(api, one_task(), "p-copy.bpmn")
    assert again.status_code == 201 and again.json()["version"] == 1 and again.json()["created"] is False
    changed = deploy(api, one_task(condition="1 > 0"), "p.bpmn")
    assert changed.status_code == 201 and changed.json()["version"] == 2
    dmn = deploy(api, county_delegation(), "delegation.dmn")
    assert dmn.status_code == 201 and dmn.json()["version"] == 2
    with api.services.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "definition.deployed", AuditEvent.element_id == "p")
                                 .order_by(AuditEvent.seq)).all()
        assert [(e.actor, e.data["version"]) for e in events] == [("designer-220283000000-0", 1), ("designer-220283000000-0", 2)]


def test_refusals_are_422_naming_the_element(api: Api, database_url: str) -> None:
    cases = [
        (b"<bpmn", None, "not well-formed"),
        (one_task(condition="__import__('os').system('id')"), "f4", "not allowed"),
        (one_task(condition="shell('ls')"), "f4", "unknown function shell"),
        (one_task(lane=""), "task", "has no role"),
        (timer("after_working_days(rule('no_such_rule'))"), "wait", "no number 'no_such_rule'"),
        (timer("end_of_day('2026-13-40')"), "wait", "not a date"),
        (one_task('<jiuzhu:deadline workingDays="rule(\'publicity_dayz\')"/>'), "task", "does not evaluate under rule pack"),
        (one_task('<jiuzhu:deadline workingDays="\'ten\'"/>'), "task", "whole number of days"),
        (DELEGATION.replace(b"rule('confirmation_delegated')", b"rule('confirmation_delegatd')"), "input_delegated_expression",
         "no number"),
    ]
    for data, element, reason in cases:
        response = deploy(api, data, "bad.bpmn")
        assert response.status_code == 422, response.text
        problems = response.json()["detail"]
        assert any(p.get("element_id") == element and reason in p["msg"] for p in problems), (reason, problems)
        assert all(p["loc"] == ["body", "file"] for p in problems)


def test_only_designers_deploy_and_everyone_signed_in_reads(api: Api, database_url: str) -> None:
    assert deploy(api, one_task(), role="township").status_code == 403
    assert api.client.post("/api/v1/processes", files={"file": ("p.bpmn", one_task())}).status_code == 401
    assert deploy(api, b"", "empty.bpmn").status_code == 422
    assert api.client.post("/api/v1/processes", headers=api.headers("designer")).status_code == 422
    assert api.client.get("/api/v1/processes/dibao/versions/9/xml", headers=api.headers("county")).status_code == 404


def test_validate_checks_without_deploying(api: Api, database_url: str) -> None:
    ok = deploy(api, county_delegation(), "delegation.dmn", path="/api/v1/processes/validate")
    assert ok.status_code == 200, ok.text
    assert ok.json() | {"checksum": ""} == {"valid": True, "key": "delegation", "type": "dmn", "name": "审核确认权限 who confirms",
                                            "checksum": "", "newest_version": 1, "would_deploy_as": 2, "unchanged": False,
                                            "same_as": None, "layout_only": False}
    same = deploy(api, DELEGATION, "delegation.dmn", path="/api/v1/processes/validate").json()
    assert same["unchanged"] is True and same["would_deploy_as"] == 1
    bad = deploy(api, one_task(lane="Lane_1"), path="/api/v1/processes/validate")
    assert bad.status_code == 422 and bad.json()["detail"][0]["element_id"] == "task"
    listing = api.client.get("/api/v1/processes", headers=api.headers("designer")).json()["items"]
    assert {d["key"]: d["newest"] for d in listing}["delegation"] == 1
