"""Statutory deadlines on the official calendar, overdue, and the one extension."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.clock import SHANGHAI

from ..factories import ACCEPT, ARCHIVE, INELIGIBLE, INFO, NOTIFY, VISIT, Api

BEFORE_NATIONAL_DAY = datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)


def accepted_before_national_day(api: Api) -> dict:  # type: ignore[type-arg]
    api.clock.set(BEFORE_NATIONAL_DAY)
    case = api.create()
    return api.step(case["id"], "accept", ACCEPT)


@pytest.mark.local_limits
def test_accepted_just_before_national_day(api: Api) -> None:
    case = accepted_before_national_day(api)
    assert case["accepted_on"] == "2026-09-30" and case["due_on"] == "2026-11-17"
    visit = next(t for t in case["tasks"] if t["element_id"] == "home_visit")
    assert visit["due_on"] == "2026-10-20"  # 10 working days: 10-08, 10-09, Saturday 10-10, then 10-12 …
    api.at(datetime(2026, 10, 8, 9, tzinfo=SHANGHAI))
    assert api.case(case["id"])["working_days_left"] == 29


def test_last_day_is_not_overdue_the_next_working_day_is(api: Api) -> None:
    case = accepted_before_national_day(api)
    api.at(datetime(2026, 11, 17, 23, 59, tzinfo=SHANGHAI))
    last = api.case(case["id"])
    assert (last["overdue"], last["working_days_left"]) == (False, 0)
    api.at(datetime(2026, 11, 18, 8, tzinfo=SHANGHAI))
    late = api.case(case["id"])
    assert (late["overdue"], late["working_days_left"]) == (True, -1)
    listed = api.client.get("/api/v1/cases?overdue=true", headers=api.headers("county")).json()
    assert [c["id"] for c in listed["items"]] == [case["id"]]


def test_extension_to_45_working_days_moves_the_deadline_timer(api: Api) -> None:
    case = accepted_before_national_day(api)
    url = f"/api/v1/cases/{case['id']}/extension"
    assert api.client.post(url, json={"reason": "  "}, headers=api.headers()).status_code == 422
    assert api.client.post(url, json={}, headers=api.headers()).status_code == 422
    assert api.client.post(url, json={"reason": "人户分离"}, headers=api.headers("village")).status_code == 403
    response = api.client.post(url, json={"reason": "人户分离，需函请居住地调查"}, headers=api.headers())
    assert response.status_code == 200, response.text
    extended = response.json()
    assert extended["extended"] is True and extended["due_on"] == "2026-12-08"  # the 45th working day
    deadline = next(p for p in extended["positions"] if p["element_id"] == "deadline")
    assert deadline["due_at"] == "2026-12-09T00:00:00+08:00"
    again = api.client.post(url, json={"reason": "again"}, headers=api.headers("county"))
    assert again.status_code == 409 and "only once" in again.json()["detail"]
    assert api.at(datetime(2026, 11, 18, 9, tzinfo=SHANGHAI)) == 0 and not api.case(case["id"])["overdue"]
    assert api.at(datetime(2026, 12, 9, 9, tzinfo=SHANGHAI)) == 1
    event = next(e for e in api.history(case["id"]) if e["type"] == "deadline.extended")
    assert event["data"] == {"reason": "人户分离，需函请居住地调查", "from": "2026-11-17", "to": "2026-12-08"}


def test_extension_conflicts(api: Api) -> None:
    fresh = api.create()
    url = f"/api/v1/cases/{fresh['id']}/extension"
    assert api.client.post(url, json={"reason": "x"}, headers=api.headers()).status_code == 409  # clock not started
    case = accepted_before_national_day(api)
    api.clock.set(datetime(2026, 11, 18, 9, tzinfo=SHANGHAI))
    late = api.client.post(f"/api/v1/cases/{case['id']}/extension", json={"reason": "x"}, headers=api.headers())
    assert late.status_code == 409 and "has passed" in late.json()["detail"]
    closed = api.create()
    api.walk(closed["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("review", INELIGIBLE),
                            ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    response = api.client.post(f"/api/v1/cases/{closed['id']}/extension", json={"reason": "x"}, headers=api.headers())
    assert response.status_code == 409
