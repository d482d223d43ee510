"""The audit log is a hash chain: verify passes when intact and names the first broken event."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from service.audit.models import AuditEvent
from service.audit.service import verify

from ..factories import ACCEPT, INFO, Api


def _as_an_intruder(session) -> None:  # type: ignore[no-untyped-def]
    """Someone with the database owner's rights can lift the append-only guard; verify must still catch them."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off for this transaction
    else:
        session.execute(text("DROP TRIGGER audit_events_no_update"))
        session.execute(text("DROP TRIGGER audit_events_no_delete"))


def _verdict(api: Api):  # type: ignore[no-untyped-def]
    with api.services.sessions() as session:
        return verify(session)


def test_an_untouched_log_verifies(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    api.create()
    verdict = _verdict(api)
    assert verdict.ok and verdict.events >= 6


def test_changing_an_event_is_detected(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    with api.services.sessions() as session:
        target = session.scalar(select(AuditEvent).where(AuditEvent.type == "task.completed").order_by(AuditEvent.id))
        _as_an_intruder(session)
        session.execute(update(AuditEvent).where(AuditEvent.id == target.id).values(actor="someone-else"))
        session.commit()
    verdict = _verdict(api)
    assert not verdict.ok and f"event {target.id}" in verdict.broken and "hash" in verdict.broken


def test_removing_the_last_event_is_detected(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT)])
    with api.services.sessions() as session:
        last = session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        _as_an_intruder(session)
        session.execute(delete(AuditEvent).where(AuditEvent.id == last.id))
        session.commit()
    verdict = _verdict(api)
    assert not verdict.ok and f"case:{case['id']}" in verdict.broken


def test_removing_an_event_in_the_middle_is_detected(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    with api.services.sessions() as session:
        second = session.scalar(select(AuditEvent).where(AuditEvent.seq == 2, AuditEvent.case_id == case["id"]))
        _as_an_intruder(session)
        session.execute(delete(AuditEvent).where(AuditEvent.id == second.id))
        session.commit()
    verdict = _verdict(api)
    assert not verdict.ok and "does not follow" in verdict.broken


def test_the_database_refuses_to_change_or_remove_events(api: Api) -> None:
    api.create()
    for statement in (update(AuditEvent).values(actor="x"), delete(AuditEvent)):
        with api.services.sessions() as session, pytest.raises(DatabaseError, match="append-only"):
            session.execute(statement)
            session.flush()
    assert _verdict(api).ok
