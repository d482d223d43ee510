"""A poisoned case never stops the timer loop or start-up (issue: attack 3).

The case whose step after a timer overruns is due first; it becomes an incident, its timer is
parked (``failed_at``), and the other case's timer fires in the same sweep, again after a restart.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta

from sqlalchemy import select

from service.timers.models import Timer
from service.timers.service import fire_due

from ..conftest import START
from ..factories import Api, case_payload, elements
from . import hostile
from .live import healthy_during, live_server

POISON = "x = len(str([[n] * 100000] * 10000)) if n > 5 else 0"


def _two_cases(api: Api) -> tuple[int, int]:
    response = api.client.post("/api/v1/processes", files={"file": ("dibao.bpmn", hostile.timer_then(POISON), "application/xml")},
                               headers=api.headers("designer"))
    assert response.status_code == 201, response.text
    poisoned = api.create(case_payload())["id"]
    healthy = api.create(case_payload(household=2))["id"]
    assert api.complete(poisoned, "task", {"n": 10}).status_code == 200  # its timer is due first
    api.clock.set(START + timedelta(seconds=30))
    assert api.complete(healthy, "task", {"n": 1}).status_code == 200
    return poisoned, healthy


def _timers(api: Api, case_id: int) -> list[Timer]:
    with api.services.sessions() as session:
        return list(session.scalars(select(Timer).where(Timer.case_id == case_id)))


def test_a_poisoned_case_due_first_does_not_stop_the_sweep(api: Api) -> None:
    poisoned, healthy = _two_cases(api)
    now = START + timedelta(minutes=5)
    sweep = fire_due(api.services, now)
    assert (sweep.fired, sweep.failed) == (1, 1)
    assert "after" in elements(api.case(healthy)) and api.case(healthy)["incident"] is None
    incident = api.case(poisoned)["incident"]
    assert incident["element_id"] == "middle" and "larger than" in incident["reason"]
    parked = _timers(api, poisoned)
    assert len(parked) == 1 and parked[0].failed_at is not None  # parked: no sweep claims it again
    assert fire_due(api.services, now).claimed == 0


def test_a_poisoned_case_does_not_stop_start_up_or_the_loop(api: Api) -> None:
    poisoned, healthy = _two_cases(api)
    api.clock.set(START + timedelta(minutes=5))
    settings = api.services.settings.model_copy(update={"timers_in_server": True, "timer_poll_seconds": 0.05})
    with live_server(dataclasses.replace(api.services, settings=settings)) as base:

        def wait_for_the_loop(client):  # type: ignore[no-untyped-def]
            deadline = time.monotonic() + 30
            while "after" not in elements(api.case(healthy)) and time.monotonic() < deadline:
                time.sleep(0.05)
            return client.get("/healthz")

        assert healthy_during(base, wait_for_the_loop).status_code == 200
    assert "after" in elements(api.case(healthy))
    assert api.case(poisoned)["incident"]["element_id"] == "middle"
