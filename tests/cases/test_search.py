"""Listing cases: region scopes as ranges, and the overdue list newest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, column, create_engine, literal, select

from service.auth.service import within
from service.clock import SHANGHAI

from ..factories import ACCEPT, OTHER_TOWNSHIP, Api, case_payload


def matches(prefix: str, region: str) -> bool:
    query = select(literal(1, Integer)).select_from(select(literal(region, String).label("r")).subquery()).where(
        within(column("r"), prefix))
    with create_engine("sqlite://").connect() as conn:
        return conn.execute(query).first() is not None


def test_a_prefix_is_a_range_of_codes() -> None:
    assert matches("220101", "220101000000") and matches("220101", "220101999999")
    assert not matches("220101", "220102000000") and not matches("220101", "220100999999")
    assert matches("99", "990000000000") and not matches("99", "980000000000")
    assert matches("", "110000000000")


def test_overdue_cases_newest_first_within_scope(api: Api) -> None:
    ids = []
    for region in ("220283101001", "220283101002", "220283102001", "220283101003"):
        headers = api.headers("township", OTHER_TOWNSHIP if region.startswith(OTHER_TOWNSHIP[:9]) else None)
        case = api.client.post("/api/v1/cases", json=case_payload(region=region), headers=headers).json()
        task = next(t["id"] for t in case["tasks"] if t["element_id"] == "accept")
        assert api.client.post(f"/api/v1/tasks/{task}/complete", json={"data": ACCEPT}, headers=headers).status_code == 200
        ids.append(case["id"])
    api.at(datetime(2026, 12, 16, 9, tzinfo=SHANGHAI))
    mine = api.client.get("/api/v1/cases?overdue=true", headers=api.headers()).json()
    assert [c["id"] for c in mine["items"]] == [ids[3], ids[1], ids[0]] and mine["total"] == 3
    every = api.client.get("/api/v1/cases?overdue=true&page_size=2&page=2", headers=api.headers("admin")).json()
    assert [c["id"] for c in every["items"]] == [ids[1], ids[0]] and every["total"] == 4
