"""Versions and migration: running cases stay on their version; a designer moves one, dry run first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.definitions.test_deploy_api import county_delegation, deploy
from tests.factories import CONFIRM, TO_PUBLICITY, VISIT, Api, elements

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DIBAO = (PROCESSES / "dibao.bpmn").read_bytes()
# A stricter review gateway: eligible and a positive amount (ahead of a case in investigation, behind one in publicity).
STRICTER = DIBAO.replace(b'tFormalExpression">eligible</bpmn:conditionExpression>',
                         b'tFormalExpression">eligible and monthly_amount &gt; 0</bpmn:conditionExpression>')
RENAMED = DIBAO.replace('name="入户调查"'.encode(), 'name="入户调查（两人以上）"'.encode())


def migrate(api: Api, case_id: int, to_version: int, dry_run: bool = True, role: str = "designer", **extra: Any):  # type: ignore[no-untyped-def]
    return api.client.post(f"/api/v1/cases/{case_id}/migrate", json={"to_version": to_version, "dry_run": dry_run, **extra},
                           headers=api.headers(role))


def test_running_cases_stay_on_their_version_and_new_cases_take_the_newest(api: Api, database_url: str) -> None:
    old = api.create()
    assert deploy(api, STRICTER, "dibao.bpmn").json()["version"] == 2
    new = api.create()
    assert (old["process"]["version"], new["process"]["version"]) == (1, 2)
    assert api.walk(old["id"], TO_PUBLICITY)["process"]["version"] == 1


def test_a_new_delegation_table_routes_new_cases_while_running_ones_keep_theirs(api: Api, database_url: str) -> None:
    running = api.create()
    api.walk(running["id"], TO_PUBLICITY)
    assert deploy(api, county_delegation(), "delegation.dmn").status_code == 201
    fresh = api.create()
    api.walk(fresh["id"], TO_PUBLICITY)
    api.at(api.clock.now().replace(day=api.clock.now().day + 9))
    roles = {c: next(t["role"] for t in api.case(c, "admin")["tasks"] if t["element_id"] == "confirm") for c in (running["id"], fresh["id"])}
    assert roles == {running["id"]: "township", fresh["id"]: "county"}
    assert api.case(fresh["id"], "admin")["facts"]["confirmer"] == "county"


def test_dry_run_reports_and_changes_nothing(api: Api, database_url: str) -> None:
    case = api.create()
    api.step(case["id"], "accept", {"materials_complete": True})
    deploy(api, STRICTER, "dibao.bpmn")
    response = migrate(api, case["id"], 2)
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["safe"] is True and plan["migrated"] is False and plan["dry_run"] is True
    assert [c["element_id"] for c in plan["changed"]] == ["eligible_gateway"]
    effects = {t["element_id"]: t["effect"] for t in plan["tasks"]}
    assert effects["accept"] == "kept" and effects["home_visit"] == "reset" and effects["deadline"] == "reset"
    assert api.case(case["id"])["process"]["version"] == 1
    assert not [e for e in api.history(case["id"]) if e["type"] == "case.migrated"]


def test_a_real_migration_keeps_tasks_and_deadlines_and_is_audited(api: Api, database_url: str) -> None:
    case = api.create()
    before = api.step(case["id"], "accept", {"materials_complete": True})
    deploy(api, STRICTER, "dibao.bpmn")
    api.clock.set(api.clock.now().replace(day=4))  # two days later: open tasks keep the day they opened
    response = migrate(api, case["id"], 2, dry_run=False)
    assert response.status_code == 200, response.text
    assert response.json()["migrated"] is True and set(response.json()["positions_after"]) == elements(before)
    after = api.case(case["id"])
    assert after["process"]["version"] == 2
    assert {(t["id"], t["due_on"]) for t in after["tasks"]} == {(t["id"], t["due_on"]) for t in before["tasks"]}
    assert [p["due_at"] for p in after["positions"] if p["element_id"] == "deadline"] == \
           [p["due_at"] for p in before["positions"] if p["element_id"] == "deadline"]
    event = [e for e in api.history(case["id"]) if e["type"] == "case.migrated"][0]
    assert event["data"]["from_version"] == 1 and event["data"]["to_version"] == 2 and event["data"]["changed"] == ["eligible_gateway"]
    done = api.walk(case["id"], [("info_check", {"result": "pass"}), ("home_visit", VISIT), ("review", {"eligible": True, "monthly_amount": 300})])
    assert "publicity" in elements(done)


def test_migration_is_refused_when_a_completed_step_changed(api: Api, database_url: str) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    deploy(api, STRICTER, "dibao.bpmn")
    plan = migrate(api, case["id"], 2).json()
    assert plan["safe"] is False and [b["element_id"] for b in plan["blocking"]] == ["eligible_gateway"]
    refused = migrate(api, case["id"], 2, dry_run=False)
    assert refused.status_code == 409
    assert refused.json()["detail"]["blocking"] == [{"element_id": "eligible_gateway", "name": "符合条件？"}]
    assert api.case(case["id"])["process"]["version"] == 1


def test_renaming_a_completed_step_does_not_block(api: Api, database_url: str) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    deploy(api, RENAMED, "dibao.bpmn")
    plan = migrate(api, case["id"], 2).json()
    assert plan["safe"] is True and plan["changed"] == [{"element_id": "home_visit", "name": "入户调查", "attributes": ["bpmn_name"]}]


def test_newer_decisions_can_be_taken_by_a_case_that_has_not_reached_them(api: Api, database_url: str) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    deploy(api, county_delegation(), "delegation.dmn")
    assert migrate(api, case["id"], 1).status_code == 409  # same version, same decisions
    moved = migrate(api, case["id"], 1, dry_run=False, newest_decisions=True)
    assert moved.status_code == 200, moved.text
    assert moved.json()["decisions"] == {"delegation": 2} and moved.json()["changed"][0]["element_id"] == "delegation"
    api.at(api.clock.now().replace(day=11))
    confirm = next(t for t in api.case(case["id"], "admin")["tasks"] if t["element_id"] == "confirm")
    assert confirm["role"] == "county"
    assert api.complete(case["id"], "confirm", CONFIRM).status_code == 200


def test_who_may_migrate_and_bad_requests(api: Api, database_url: str) -> None:
    case = api.create()
    assert migrate(api, case["id"], 1, role="township").status_code == 403
    assert migrate(api, case["id"], 7).status_code == 422
    assert migrate(api, case["id"], 1).status_code == 409
    assert migrate(api, 999_999, 1).status_code == 404
