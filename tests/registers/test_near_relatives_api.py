"""The near-relative register (近亲属备案): registered separately at creation, with the county's own home visit."""

from __future__ import annotations

from typing import Any

import pytest

from ..factories import ACCEPT, COUNTY_VISIT, Api, case_payload

DETAIL = {"staff_name": "王五", "staff_position": "村委会委员", "relation": "兄弟"}


def register(api: Api, role: str = "county", **query: Any) -> dict[str, Any]:
    response = api.client.get("/api/v1/registers/near-relatives", params=query, headers=api.headers(role))
    assert response.status_code == 200, response.text
    return dict(response.json())


@pytest.mark.parametrize("kind", ["dibao", "tekun", "linshi"])
def test_a_near_relative_case_is_registered_and_needs_the_county_visit(api: Api, kind: str) -> None:
    payload = case_payload(kind, near=True, cause="火灾")
    payload["near_relative_detail"] = DETAIL
    case = api.create(payload)
    api.create(case_payload(kind, cause="交通事故"))  # not a near relative: not in the register
    [entry] = register(api)["items"]
    assert (entry["number"], entry["detail"], entry["county_home_visit"]["status"]) == (case["number"], DETAIL, "pending")
    assert [e["type"] for e in api.history(case["id"])][:2] == ["case.created", "near_relative.registered"]
    api.step(case["id"], "accept", ACCEPT)
    assert register(api)["items"][0]["county_home_visit"]["status"] == "open"
    assert register(api, county_visit="pending")["total"] == 1
    api.step(case["id"], "county_home_visit", COUNTY_VISIT)
    visit = register(api)["items"][0]["county_home_visit"]
    assert visit["status"] == "done" and visit["completed_by"].startswith("county-")
    assert register(api, county_visit="done")["total"] == 1 and register(api, county_visit="pending")["total"] == 0


def test_only_the_county_reads_the_register_in_its_region(api: Api) -> None:
    api.create(case_payload(near=True))
    assert api.client.get("/api/v1/registers/near-relatives", headers=api.headers("township")).status_code == 403
    assert register(api, "county", kind="tekun")["total"] == 0
    assert register(api, "county")["total"] == 1
    other = api.client.get("/api/v1/registers/near-relatives", headers=api.headers("county", "220284000000")).json()
    assert other["total"] == 0


def test_detail_without_the_declaration_is_refused(api: Api) -> None:
    payload = case_payload()
    payload["near_relative_detail"] = DETAIL
    response = api.client.post("/api/v1/cases", json=payload, headers=api.headers())
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["body", "near_relative_detail"]
