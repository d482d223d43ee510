"""Several timer workers on one PostgreSQL: each recheck is opened once and each month is drawn once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from service.clock import SHANGHAI
from service.scheduling import run_due_schedules

from ..factories import Api, approve, case_payload, resident_id

DUE = datetime(2026, 12, 26, 9, tzinfo=SHANGHAI)  # the three are approved on 11-10, 11-18 and 11-26: monthly rechecks due


@pytest.mark.postgres
@pytest.mark.local_limits  # seed 002's monthly rechecks of class C in town
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_concurrent_workers_open_each_recheck_once(api: Api) -> None:
    for _ in range(3):
        payload = case_payload(applicant_id=resident_id("19800101"), household=0)
        payload["hukou"] = "urban"
        approve(api, payload)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: run_due_schedules(api.services, DUE), range(4)))
    results.append(run_due_schedules(api.services, DUE))  # the next sweep takes what was held by another worker
    assert sum(r.rechecks for r in results) == 3
    assert sum(r.spot_checks for r in results) == 2  # November: ⌈0.5 × 3⌉, drawn by one worker
    rechecks = api.client.get("/api/v1/cases?purpose=recheck", headers=api.headers()).json()["items"]
    assert len({r["subject_case_id"] for r in rechecks}) == len(rechecks) == 3
