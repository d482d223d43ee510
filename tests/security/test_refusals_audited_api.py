"""Refusals are audited; the admin clock's changes too (issue: the small attacks)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from service.audit.models import AuditEvent
from service.audit.service import verify

from ..factories import Api, case_payload


def _refused(api: Api) -> list[dict[str, Any]]:
    with api.services.sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.type == "request.refused").order_by(AuditEvent.id))
        return [{"actor": r.actor, **r.data} for r in rows]


def test_every_refusal_is_audited(api: Api) -> None:
    payload = case_payload()
    case = api.create(payload)
    assert api.client.get(f"/api/v1/cases/{case['id']}", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert api.client.get("/api/v1/cases/999999", headers=api.headers("township")).status_code == 404
    assert api.client.post("/api/v1/processes", files={"file": ("p.bpmn", b"<x/>", "application/xml")},
                           headers=api.headers("township")).status_code == 403
    assert api.client.post("/api/v1/cases", json=payload, headers=api.headers("township")).status_code == 409
    seen = [(r["status"], r["method"]) for r in _refused(api)]
    assert seen == [(401, "GET"), (404, "GET"), (403, "POST"), (409, "POST")]
    refused = _refused(api)
    assert refused[0]["actor"] == "anonymous" and refused[1]["actor"].startswith("township")
    assert "19650312" not in str(refused)  # the duplicate's ID number is masked in the record
    with api.services.sessions() as session:
        assert verify(session).ok


def test_a_caller_refused_in_a_loop_writes_a_bounded_number_of_rows(api: Api) -> None:
    """Past its budget a caller's refusals are counted, not written; its next record says how many were not."""
    from service.audit.refusals import RefusalBudget

    api.services.refusals = RefusalBudget(per_minute=5)
    for _ in range(40):
        assert api.client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert api.client.get("/api/v1/cases/999999", headers=api.headers("township")).status_code == 404  # another caller
    refused = _refused(api)
    assert [r["actor"] for r in refused].count("anonymous") == 5 and len(refused) == 6
    api.clock.set(api.clock.now() + timedelta(seconds=60))
    assert api.client.get("/api/v1/cases", headers={"Authorization": "Bearer nope"}).status_code == 401
    latest = _refused(api)[-1]
    assert (latest["actor"], latest["status"], latest["unrecorded"]) == ("anonymous", 401, 35)
    with api.services.sessions() as session:
        assert verify(session).ok


def test_the_refusal_budget_forgets_the_least_recent_callers_first() -> None:
    from datetime import UTC, datetime

    from service.audit.refusals import RefusalBudget

    budget, at = RefusalBudget(per_minute=1, max_callers=3), datetime(2026, 12, 1, tzinfo=UTC)
    assert [budget.take(c, at) for c in ("a", "b", "c", "a")] == [0, 0, 0, None]
    assert budget.take("d", at) == 0  # "b" was the least recently seen: forgotten
    assert budget.take("b", at) == 0 and budget.take("a", at) is None
