"""Refusals are audited; the admin clock's changes too (issue: the small attacks)."""

from __future__ import annotations

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
