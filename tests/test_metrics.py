"""/metrics: completions and timers counted once committed, timer lateness, the overdue count."""

from __future__ import annotations

import re
from datetime import datetime

from service.clock import SHANGHAI

from .factories import ACCEPT, INFO, TO_PUBLICITY, Api


def sample(api: Api, name: str, labels: str = "") -> float:
    text = api.client.get("/metrics").text
    found = re.search(rf"^{re.escape(name)}{re.escape(labels)} ([0-9.e+-]+)$", text, re.M)
    return float(found.group(1)) if found else 0.0


def test_completions_are_counted_once_committed(api: Api) -> None:
    labels = '{element_id="info_check",kind="dibao"}'
    before = sample(api, "jiuzhu_tasks_completed_total", labels)
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    assert api.complete(case["id"], "home_visit", {"visitors": ["一人"]}).status_code == 422
    assert sample(api, "jiuzhu_tasks_completed_total", labels) == before + 1
    assert 'jiuzhu_request_seconds_count{method="POST",route="/api/v1/tasks/{task_id}/complete",status="422"}' in api.client.get("/metrics").text


def test_timers_fired_and_their_lateness(api: Api) -> None:
    fired, late_count, late_sum = (sample(api, "jiuzhu_timers_fired_total"), sample(api, "jiuzhu_timer_lateness_seconds_count"),
                                   sample(api, "jiuzhu_timer_lateness_seconds_sum"))
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    assert api.at(datetime(2026, 11, 10, 0, 0, 5, tzinfo=SHANGHAI)) == 1  # publicity ended 5 s ago
    assert sample(api, "jiuzhu_timers_fired_total") == fired + 1
    assert sample(api, "jiuzhu_timer_lateness_seconds_count") == late_count + 1
    assert abs(sample(api, "jiuzhu_timer_lateness_seconds_sum") - late_sum - 5) < 0.01


def test_overdue_count_is_read_from_the_database(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])
    assert sample(api, "jiuzhu_cases_overdue") == 0
    api.at(datetime(2026, 12, 15, 9, tzinfo=SHANGHAI))  # the day after due_on 2026-12-14
    assert sample(api, "jiuzhu_cases_overdue") == 1
