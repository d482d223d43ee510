"""The caseworker's queue (``GET /api/v1/tasks``): the case's applicant and statutory deadline, orders, filters."""

from __future__ import annotations

from datetime import datetime

from service.clock import SHANGHAI

from ..factories import ACCEPT, Api, case_payload


def _queue(api: Api, query: str = "") -> list[dict]:
    response = api.client.get(f"/api/v1/tasks?element_id=accept{query}", headers=api.headers())
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def test_the_queue_shows_applicant_and_statutory_deadline_and_sorts_by_any_column(api: Api) -> None:
    made = []
    for name in ("乙", "甲", "丙"):
        payload = case_payload()
        payload["applicant"]["name"] = name
        made.append(api.client.post("/api/v1/cases", json=payload, headers=api.headers()).json())
    api.step(made[0]["id"], "accept", ACCEPT)  # accepted: its tasks now run against the statutory deadline
    mine = {t["case_id"]: t for t in _queue(api)}
    assert set(mine) == {made[1]["id"], made[2]["id"]}
    assert mine[made[1]["id"]]["applicant_name"] == "甲" and mine[made[1]["id"]]["case_number"] == made[1]["number"]
    visit = api.client.get("/api/v1/tasks?element_id=home_visit", headers=api.headers()).json()["items"][0]
    case = api.case(made[0]["id"])
    assert visit["case_due_on"] == case["due_on"] and visit["case_working_days_left"] == case["working_days_left"] > 0
    assert not visit["case_overdue"]
    assert [t["applicant_name"] for t in _queue(api, "&sort=applicant")] == sorted(["甲", "丙"])
    assert [t["applicant_name"] for t in _queue(api, "&sort=-applicant")] == sorted(["甲", "丙"], reverse=True)
    numbers = [t["case_number"] for t in _queue(api, "&sort=-case_number")]
    assert numbers == sorted(numbers, reverse=True)
    assert api.client.get("/api/v1/tasks?sort=salary", headers=api.headers()).status_code == 422


def test_case_overdue_filters_tasks_of_cases_past_their_statutory_deadline(api: Api) -> None:
    case = api.create()
    api.step(case["id"], "accept", ACCEPT)
    api.at(datetime(2026, 12, 16, 9, tzinfo=SHANGHAI))
    late = api.client.get("/api/v1/tasks?case_overdue=true&element_id=home_visit", headers=api.headers()).json()["items"]
    assert case["id"] in {t["case_id"] for t in late}
    task = next(t for t in late if t["case_id"] == case["id"])
    assert task["case_overdue"] and task["case_working_days_left"] < 0
    within = api.client.get("/api/v1/tasks?case_overdue=false&element_id=home_visit", headers=api.headers()).json()["items"]
    assert case["id"] not in {t["case_id"] for t in within}
