"""The statutory limit after an extension, by kind (seed 001 §6(6)): 45 working days for dibao and tekun, 60 for linshi."""

from __future__ import annotations

from datetime import date

import pytest

from ..factories import ACCEPT, Api, case_payload


@pytest.mark.parametrize(("kind", "days"), [("dibao", 45), ("tekun", 45), ("linshi", 60)])
def test_extension_by_kind(api: Api, kind: str, days: int) -> None:
    case = api.create(case_payload(kind, cause="医疗支出"))
    assert api.step(case["id"], "accept", ACCEPT)["due_on"] == "2026-12-14"  # 30 working days for every kind
    response = api.client.post(f"/api/v1/cases/{case['id']}/extension", json={"reason": "需函请居住地调查"}, headers=api.headers())
    assert response.status_code == 200, response.text
    with api.services.sessions() as session:
        calendar = api.services.calendars.get(session)
    assert calendar.working_days_between(date(2026, 11, 2), date.fromisoformat(response.json()["due_on"])) == days
