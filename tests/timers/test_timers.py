"""Durable timers, the persisted test clock, and a restart in the middle of a case."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from service.app import create_app
from service.clock import SHANGHAI, DatabaseClock
from service.config import Settings
from service.followers import build_services
from service.state import AppState
from service.timers.models import Timer
from service.timers.service import fire_due, sweep_once

from ..factories import ACCEPT, CONFIRM, TO_PUBLICITY, Api, case_payload, elements, with_documents


def fake_clock_app(database_url: str) -> TestClient:
    settings = Settings(database_url=database_url, fake_clock=True, timers_in_server=False)
    return TestClient(create_app(settings))


def set_clock(client: TestClient, api: Api, instant: str) -> dict[str, Any]:
    response = client.put("/api/v1/admin/clock", json={"now": instant}, headers=api.headers("admin"))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_clock_endpoint_is_absent_without_the_setting(api: Api) -> None:
    response = api.client.put("/api/v1/admin/clock", json={"now": "2026-12-01T09:00:00+08:00"}, headers=api.headers("admin"))
    assert response.status_code == 404
    assert api.client.put("/api/v1/admin/clock", json={"now": "2026-12-01T09:00:00+08:00"}).status_code == 404


def test_fake_clock_fires_due_timers_before_answering(api: Api, database_url: str) -> None:
    with fake_clock_app(database_url) as client:
        assert set_clock(client, api, "2026-11-02T09:00:00+08:00")["fired"] == 0
        assert client.put("/api/v1/admin/clock", json={"now": "2026-11-03T09:00:00"}, headers=api.headers()).status_code == 403
        case = client.post("/api/v1/cases", json=case_payload(),
                           headers=api.headers()).json()
        for element_id, data in TO_PUBLICITY:
            task = next(t for t in client.get(f"/api/v1/cases/{case['id']}", headers=api.headers()).json()["tasks"]
                        if t["element_id"] == element_id)
            data = with_documents(client, api.headers(), case["id"], task, data)
            assert client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=api.headers()).status_code == 200
        answer = set_clock(client, api, "2026-11-10T00:00:00+08:00")  # due exactly now counts as due
        assert (answer["now"], answer["fired"]) == ("2026-11-10T00:00:00+08:00", 1)
        after = client.get(f"/api/v1/cases/{case['id']}", headers=api.headers()).json()
        assert "confirm" in elements(after)
        assert set_clock(client, api, "2026-11-01T08:00:00+08:00")["fired"] == 0  # backwards is allowed
        assert client.get("/api/v1/cases?overdue=true", headers=api.headers()).json()["total"] == 0
        assert DatabaseClock(api.services.sessions).now() == datetime(2026, 11, 1, 8, tzinfo=SHANGHAI)


def test_naive_clock_time_is_china_time(api: Api, database_url: str) -> None:
    with fake_clock_app(database_url) as client:
        assert set_clock(client, api, "2026-12-01T09:00:00")["now"] == "2026-12-01T09:00:00+08:00"
        for outside in ("3136-05-31T23:23:18Z", "1999-12-31T23:00:00+08:00"):
            response = client.put("/api/v1/admin/clock", json={"now": outside}, headers=api.headers("admin"))
            assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "now"]


def test_overdue_after_the_deadline_with_a_history_event(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])
    assert api.at(datetime(2026, 12, 14, 18, tzinfo=SHANGHAI)) == 0
    last_day = api.case(case["id"])
    assert last_day["overdue"] is False and last_day["working_days_left"] == 0
    assert api.at(datetime(2026, 12, 15, 0, 0, 1, tzinfo=SHANGHAI)) == 1
    late = api.case(case["id"])
    assert late["overdue"] is True and late["working_days_left"] == -1
    assert [e["element_id"] for e in api.history(case["id"]) if e["type"] == "case.overdue"] == ["overdue"]
    assert api.at(datetime(2026, 12, 20, tzinfo=SHANGHAI)) == 0  # fired once, never again


def test_firing_is_idempotent_and_rows_follow_the_workflow(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    with api.services.sessions() as session:
        rows = {t.element_id for t in session.scalars(select(Timer).where(Timer.case_id == case["id"]))}
    assert rows == {"deadline", "publicity"}
    instant = datetime(2026, 11, 10, 1, tzinfo=SHANGHAI)
    assert fire_due(api.services, instant).fired == 1
    assert fire_due(api.services, instant).fired == 0
    fired = [e for e in api.history(case["id"]) if e["type"] == "timer.fired"]
    assert [e["element_id"] for e in fired] == ["publicity_end"]


def test_restart_mid_case_loses_nothing(api: Api, settings: Settings) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    headers = api.headers()
    api.client.close()
    restarted = build_services(settings, api.clock)  # a new process on the same database
    with TestClient(create_app(settings, services=restarted)) as client:
        assert fire_due(restarted, datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)).fired == 1
        body = client.get(f"/api/v1/cases/{case['id']}", headers=headers).json()
        task = next(t for t in body["tasks"] if t["element_id"] == "confirm")
        done = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": CONFIRM}, headers=headers)
        assert done.status_code == 200 and "archive" in elements(done.json())
    restarted.engine.dispose()


def test_timer_loop_in_the_server_fires_within_seconds(api: Api, database_url: str) -> None:
    settings = Settings(database_url=database_url, fake_clock=True, timers_in_server=True, timer_poll_seconds=0.1)
    with TestClient(create_app(settings)) as client:
        set_clock(client, api, "2026-11-02T09:00:00+08:00")
        case = client.post("/api/v1/cases", json=case_payload(),
                           headers=api.headers()).json()
        for element_id, data in TO_PUBLICITY:
            task = next(t for t in client.get(f"/api/v1/cases/{case['id']}", headers=api.headers()).json()["tasks"]
                        if t["element_id"] == element_id)
            data = with_documents(client, api.headers(), case["id"], task, data)
            client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=api.headers())
        with api.services.sessions() as session:
            session.get(AppState, 1).fake_now = datetime(2026, 11, 10, 0, 5, tzinfo=SHANGHAI)  # type: ignore[union-attr]
            session.commit()
        for _ in range(100):
            if "confirm" in elements(client.get(f"/api/v1/cases/{case['id']}", headers=api.headers()).json()):
                break
            time.sleep(0.05)
        assert "confirm" in elements(client.get(f"/api/v1/cases/{case['id']}", headers=api.headers()).json())


def test_a_failure_after_a_timer_fires_is_an_incident_and_the_sweep_does_not_spin(api: Api) -> None:
    from pathlib import Path

    from service.db import transaction

    dmn = (Path(__file__).resolve().parents[2] / "processes" / "delegation.dmn").read_text(encoding="utf-8")
    broken = dmn.replace("<text>kind</text>", "<text>kind_of_case</text>")  # no such variable: fails when evaluated
    with transaction(api.services.sessions) as session:
        api.services.registry.deploy(session, broken.encode(), "delegation.dmn", "designer", api.clock.now())
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    instant = datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)
    sweep = fire_due(api.services, instant)
    assert (sweep.fired, sweep.failed) == (0, 1)
    after = api.case(case["id"])
    assert after["incident"]["element_id"] == "delegation" and "kind_of_case" in after["incident"]["reason"]
    assert "publicity" in elements(after)  # nothing moved
    assert fire_due(api.services, instant).claimed == 0  # the failed timer is set aside, not retried in a loop
    assert [e["type"] for e in api.history(case["id"])][-1] == "case.incident"


@pytest.mark.parametrize("failing_first", [True, False])
def test_an_incident_in_a_sweep_keeps_the_other_cases_firings(api: Api, failing_first: bool) -> None:
    from pathlib import Path

    from service.db import transaction

    good = (Path(__file__).resolve().parents[2] / "processes" / "delegation.dmn").read_bytes()
    broken = good.replace(b"<text>kind</text>", b"<text>kind_of_case</text>")  # fails after publicity

    def case_on(dmn: bytes) -> int:
        with transaction(api.services.sessions) as session:  # new cases take the newest decisions
            api.services.registry.deploy(session, dmn, "delegation.dmn", "designer", api.clock.now())
        case = api.create()
        api.walk(case["id"], TO_PUBLICITY)
        return int(case["id"])

    first, second = (case_on(broken), case_on(good + b"\n")) if failing_first else (case_on(good + b"\n"), case_on(broken))
    failing, fine = (first, second) if failing_first else (second, first)
    sweep = sweep_once(api.services, datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI))
    assert (sweep.claimed, sweep.fired, sweep.failed) == (2, 1, 1)  # both in one transaction
    assert "confirm" in elements(api.case(fine)) and api.case(fine)["incident"] is None
    assert [e["type"] for e in api.history(fine)].count("timer.fired") == 1
    assert "publicity" in elements(api.case(failing)) and api.case(failing)["incident"]["element_id"] == "delegation"
