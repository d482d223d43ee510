"""The small attacks: each answers 422 (never a 500), a bounded error, masked text, safe headers, a guarded /metrics."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.app import create_app
from service.audit.models import AuditEvent
from service.deps import Services

from ..factories import ACCEPT, INFO, VILLAGE, VISIT, Api, case_payload, resident_id
from .live import healthy_during, live_server

PACK = (Path(__file__).resolve().parents[2] / "processes" / "rules" / "shulan-2023.yaml").read_text(encoding="utf-8")
assert "effective_from: 2023-07-28" in PACK and "numbers:\n" in PACK  # the attacks below edit these lines
BAD_PACKS = {
    "5000-digit integer": PACK.replace("numbers:\n", "numbers:\n  investigation_days: " + "9" * 5000 + "\n", 1),
    "deep nesting": PACK + "\nextra: " + "[" * 50_000 + "]" * 50_000,
    "2026-02-30": PACK.replace("effective_from: 2023-07-28", "effective_from: 2026-02-30"),
    "hour 25": PACK.replace("effective_from: 2023-07-28", "effective_from: 2026-01-01T25:00:00"),
    "alias bomb": PACK.replace("numbers:", "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nnumbers:"),
}


@pytest.fixture
def base(services: Services) -> Iterator[str]:
    with live_server(services) as url:
        yield url


@pytest.mark.parametrize("name", BAD_PACKS)
def test_a_hostile_rule_pack_in_what_if_is_a_422(api: Api, base: str, name: str) -> None:
    headers = api.headers("county")
    data = BAD_PACKS[name].encode()
    response = healthy_during(base, lambda client: client.post("/api/v1/processes/dibao/what-if",
                                                                files={"file": ("p.yaml", data)}, headers=headers))
    assert response.status_code == 422, response.text[:300]


def test_a_start_at_the_end_of_time_is_a_422(api: Api) -> None:
    response = api.client.get("/api/v1/calendar/add-working-days?start=9999-12-31&days=1", headers=api.headers())
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "start"]


def test_a_lone_surrogate_is_a_422_and_changes_nothing(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    task_id = api.task_id(case["id"], "home_visit")
    body = json.dumps({"data": {**VISIT, "visitors": ["王五", "\ud800"]}})  # ensure_ascii keeps the escape
    response = api.client.post(f"/api/v1/tasks/{task_id}/complete", content=body,
                               headers={**api.headers(), "Content-Type": "application/json"})
    assert response.status_code == 422 and "surrogate" in response.text
    assert api.task_id(case["id"], "home_visit") == task_id
    payload = case_payload()
    payload["applicant"]["name"] = "张\udc00"
    created = api.client.post("/api/v1/cases", content=json.dumps(payload), headers={**api.headers(), "Content-Type": "application/json"})
    assert created.status_code == 422


def test_a_flood_of_unknown_keys_gets_a_short_answer(api: Api) -> None:
    case = api.create()
    task_id = api.task_id(case["id"], "accept")
    data = {**ACCEPT, **{f"k{i}": 0 for i in range(120_000)}}
    response = api.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=api.headers())
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert len(problems) == 51 and problems[-1]["msg"] == "and 119950 more problems" and len(response.content) < 10_000
    flood = {**case_payload(), **{f"k{i}": 0 for i in range(120_000)}}
    response = api.client.post("/api/v1/cases", json=flood, headers=api.headers())
    assert response.status_code == 422 and len(response.json()["detail"]) == 51


def test_id_numbers_in_free_text_are_masked_like_the_id_fields(api: Api) -> None:
    person = resident_id()
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    assert api.complete(case["id"], "home_visit", {**VISIT, "findings": f"户主之子（{person}）在外务工"}).status_code == 200

    def findings(role: str, region: str | None = None) -> str:
        events = api.client.get(f"/api/v1/cases/{case['id']}/history", headers=api.headers(role, region)).json()
        return str(next(e for e in events if e["element_id"] == "home_visit")["data"])

    for role, region in (("village", VILLAGE), ("township", None), ("county", None)):  # screened when stored
        masked = findings(role, region)
        assert person not in masked and f"{person[:6]}********{person[-4:]}" in masked


def test_version_xml_is_a_download_that_no_browser_renders(api: Api) -> None:
    response = api.client.get("/api/v1/processes/dibao/versions/1/xml", headers=api.headers())
    assert response.status_code == 200 and response.content.startswith(b"<?xml")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_admin_clock_changes_are_audited(api: Api, database_url: str) -> None:
    settings = api.services.settings.model_copy(update={"fake_clock": True})
    with TestClient(create_app(settings)) as client:
        response = client.put("/api/v1/admin/clock", json={"now": "2026-12-01T09:00:00+08:00"}, headers=api.headers("admin"))
        assert response.status_code == 200
    with api.services.sessions() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.type == "clock.set"))
    assert event is not None and event.data["to"].startswith("2026-12-01T09:00:00") and event.actor.startswith("admin")


def test_metrics_can_require_a_token(api: Api) -> None:
    settings = api.services.settings.model_copy(update={"metrics_token": "s3cret-metrics-token"})
    with TestClient(create_app(settings)) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        answer = client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-token"})
        assert answer.status_code == 200 and "jiuzhu_cases_overdue" in answer.text
    assert api.client.get("/metrics").status_code == 200  # without the setting it stays open


def test_a_what_if_run_stops_at_its_cpu_budget(api: Api) -> None:
    for _ in range(3):
        api.create()
    api.services.settings.engine_operation_cpu_seconds = 1e-9  # the run's budget: three operations' worth
    dmn = (Path(__file__).resolve().parents[2] / "processes" / "delegation.dmn").read_bytes()
    response = api.client.post("/api/v1/processes/dibao/what-if", files={"file": ("d.dmn", dmn)}, headers=api.headers("county"))
    assert response.status_code == 200, response.text[:300]
    errors = [item["error"] for item in response.json()["items"]]
    assert len(errors) == 3 and all(e and "not evaluated" in e for e in errors[1:])
