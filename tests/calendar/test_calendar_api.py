"""The calendar endpoints, and publishing next year's schedule moves open deadlines."""

from __future__ import annotations

from datetime import datetime

from service.clock import SHANGHAI

from ..factories import ACCEPT, Api, elements

# A schedule for 2027 invented for this test (the real one is published by the State Council):
# it adds 2027-02-11 and 2027-02-12 as days off and makes Saturday 2027-02-20 a working day.
HYPOTHETICAL_2027 = {
    "holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
                 "2027-02-11", "2027-02-12"],
    "workdays": ["2027-02-20"],
    "source": "test schedule",
}


def test_add_working_days_endpoint(api: Api) -> None:
    answer = api.client.get("/api/v1/calendar/add-working-days?start=2026-09-30&days=30", headers=api.headers()).json()
    assert answer == {"start": "2026-09-30", "days": 30, "date": "2026-11-17"}
    for query in ("start=2026-02-30&days=1", "start=2026-01-01&days=-1", "start=2099-12-30&days=10", "days=1"):
        response = api.client.get(f"/api/v1/calendar/add-working-days?{query}", headers=api.headers())
        assert response.status_code == 422, query
    assert api.client.get("/api/v1/calendar/add-working-days?start=2026-01-01&days=1").status_code == 401


def test_get_year(api: Api) -> None:
    year = api.client.get("/api/v1/calendar/2026", headers=api.headers()).json()
    assert year["source"] == "国办发明电〔2025〕7号" and year["provisional"] is False
    assert "2026-10-10" in year["workdays"] and "2026-10-07" in year["holidays"]
    future = api.client.get("/api/v1/calendar/2027", headers=api.headers()).json()
    assert future["provisional"] is True and future["workdays"] == []
    assert api.client.get("/api/v1/calendar/1999", headers=api.headers()).status_code == 422


def test_publishing_is_for_admins_and_checks_every_date(api: Api) -> None:
    assert api.client.put("/api/v1/calendar/2027", json=HYPOTHETICAL_2027, headers=api.headers()).status_code == 403
    bad = {"holidays": ["2027-02-30", "2026-05-01"], "workdays": ["2027-02-22", "2027-02-20", "2027-02-20"]}
    response = api.client.put("/api/v1/calendar/2027", json={**bad, "source": "x"}, headers=api.headers("admin"))
    assert response.status_code == 422
    locs = [d["loc"] for d in response.json()["detail"]]
    assert ["body", "holidays", 0] in locs and ["body", "holidays", 1] in locs and ["body", "workdays", 0] in locs
    both = {"holidays": ["2027-02-20"], "workdays": ["2027-02-20"]}
    assert api.client.put("/api/v1/calendar/2027", json=both, headers=api.headers("admin")).status_code == 422
    assert api.client.put("/api/v1/calendar/2027", json={"holidays": "x", "workdays": []}, headers=api.headers("admin")).status_code == 422


def test_publishing_next_year_recomputes_open_deadlines(api: Api) -> None:
    api.clock.set(datetime(2026, 12, 28, 9, tzinfo=SHANGHAI))
    case = api.create()
    case = api.step(case["id"], "accept", ACCEPT)
    before = case["due_on"]
    assert before == "2027-02-15"  # on the package's 2027: New Year, and Spring Festival 02-05..02-10
    visit = next(t for t in case["tasks"] if t["element_id"] == "home_visit")["due_on"]
    untouched = api.create()
    response = api.client.put("/api/v1/calendar/2027", json=HYPOTHETICAL_2027, headers=api.headers("admin"))
    assert response.status_code == 200, response.text
    assert response.json() == {"year": 2027, "recomputed": 1, "tasks": 0, "timers": 1}
    after = api.case(case["id"])
    assert after["due_on"] == "2027-02-17"  # 02-11 and 02-12 off: the 28th working day is now 02-15
    assert next(t for t in after["tasks"] if t["element_id"] == "home_visit")["due_on"] == visit  # ends 2027-01-12
    deadline = next(p for p in after["positions"] if p["element_id"] == "deadline")
    assert deadline["due_at"] == "2027-02-18T00:00:00+08:00"
    event = [e for e in api.history(case["id"]) if e["type"] == "deadline.recomputed"][0]
    assert event["data"]["due_on"] == {"from": "2027-02-15", "to": "2027-02-17"} and event["data"]["year"] == 2027
    assert api.client.get("/api/v1/calendar/2027", headers=api.headers()).json()["source"] == "test schedule"
    assert api.case(untouched["id"])["due_on"] is None
    assert api.at(datetime(2027, 2, 17, 23, tzinfo=SHANGHAI)) == 0 and not api.case(case["id"])["overdue"]
    assert api.at(datetime(2027, 2, 18, 0, 0, 1, tzinfo=SHANGHAI)) == 1
    assert "overdue" in [e["element_id"] for e in api.history(case["id"])] and api.case(case["id"])["overdue"]
    assert "home_visit" in elements(api.case(case["id"]))
