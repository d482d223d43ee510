"""Driving payment rosters and the death register over REST."""

from __future__ import annotations

from typing import Any

import httpx

from ..factories import Api, approve, case_payload, resident_id

COUNTY_CODE = "220283"


def paid_beneficiary(api: Api, kind: str = "dibao", applicant_id: str | None = None, **kwargs: Any) -> dict[str, Any]:
    """An approved case (its beneficiary is active from the approval, about 2026-11-10)."""
    return approve(api, case_payload(kind, applicant_id=applicant_id or resident_id("19800101"), household=0), **kwargs)


def generate(api: Api, month: str, expect: int = 201, **extra: Any) -> dict[str, Any]:
    response = api.client.post("/api/v1/payrolls", json={"month": month, "county": COUNTY_CODE, **extra},
                               headers=api.headers("county"))
    assert response.status_code == expect, response.text
    return dict(response.json())


def issue(api: Api, payroll_id: int, expect: int = 200) -> dict[str, Any]:
    response = api.client.post(f"/api/v1/payrolls/{payroll_id}/issue", headers=api.headers("county"))
    assert response.status_code == expect, response.text
    return dict(response.json())


def deaths_csv(*rows: tuple[str, str, str, str], bom: bool = True) -> bytes:
    lines = ["id_number,name,died_on,source", *(",".join(r) for r in rows)]
    return (("\ufeff" if bom else "") + "\n".join(lines) + "\n").encode()


def import_deaths(api: Api, body: bytes, role: str = "county") -> httpx.Response:
    return api.client.post("/api/v1/registers/deaths", files={"file": ("deaths.csv", body, "text/csv")},
                           headers=api.headers(role))


def beneficiary_of(api: Api, number: str) -> dict[str, Any]:
    listed = api.client.get("/api/v1/beneficiaries", params={"page_size": 200}, headers=api.headers("county")).json()
    found = next(b for b in listed["items"] if b["number"] == number)
    return dict(api.client.get(f"/api/v1/beneficiaries/{found['id']}", headers=api.headers("county")).json())
