"""Recording and verifying the hash-chained audit log ("步步留痕、环环能查", seed 004).

Each case has its own chain (``case:<id>``); everything else is on the ``system`` chain. An event's
hash covers the previous event's hash and all its own fields, and the chain's owner row (the case,
or the app state) keeps the head, so a changed, removed or truncated event is found by ``verify``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..cases.models import Case
from ..state import AppState
from .models import AuditEvent

SYSTEM = "system"


def _digest(prev_hash: str, chain: str, seq: int, case_id: int | None, at: datetime, actor: str,
            type_: str, element_id: str | None, data: Any) -> str:
    body = json.dumps(
        [chain, seq, case_id, at.isoformat(timespec="microseconds"), actor, type_, element_id, data],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def record(session: Session, *, case: Case | None, at: datetime, actor: str, type: str,
           element_id: str | None = None, data: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event to its chain. The caller holds the case (locked) or this locks the system head."""
    payload = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    if case is not None:
        chain, seq, prev = f"case:{case.id}", case.audit_seq + 1, case.audit_head
    else:
        seq_row = session.execute(
            update(AppState).where(AppState.id == 1).values(audit_seq=AppState.audit_seq + 1)
            .returning(AppState.audit_seq, AppState.audit_head)
        ).one()
        chain, seq, prev = SYSTEM, seq_row[0], seq_row[1]
    digest = _digest(prev, chain, seq, case.id if case else None, _utc(at), actor, type, element_id, payload)
    event = AuditEvent(chain=chain, seq=seq, case_id=case.id if case else None, at=at, actor=actor, type=type,
                       element_id=element_id, data=payload, prev_hash=prev, hash=digest)
    session.add(event)
    if case is not None:
        case.audit_seq, case.audit_head = seq, digest
    else:
        session.execute(update(AppState).where(AppState.id == 1).values(audit_head=digest))
    return event


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


@dataclass
class Verdict:
    ok: bool
    events: int
    broken: str | None = None


def _heads(session: Session) -> dict[str, tuple[int, str]]:
    heads = {f"case:{cid}": (seq, head) for cid, seq, head in session.execute(select(Case.id, Case.audit_seq, Case.audit_head))}
    state = session.get(AppState, 1)
    heads[SYSTEM] = (state.audit_seq, state.audit_head) if state else (0, "")
    return heads


def _events(session: Session) -> Iterator[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq).execution_options(yield_per=2000)
    yield from session.scalars(query)


def verify(session: Session) -> Verdict:
    """Walk every chain; the first event whose hash or link does not hold is named."""
    heads = _heads(session)
    last: dict[str, tuple[int, str]] = {}
    count = 0
    for event in _events(session):
        count += 1
        seq, prev = last.get(event.chain, (0, ""))
        name = f"event {event.id} ({event.chain} #{event.seq}, {event.type})"
        if event.seq != seq + 1 or event.prev_hash != prev:
            return Verdict(False, count, f"{name}: does not follow #{seq} of its chain")
        expected = _digest(prev, event.chain, event.seq, event.case_id, _utc(event.at), event.actor, event.type,
                           event.element_id, event.data)
        if expected != event.hash:
            return Verdict(False, count, f"{name}: hash does not match its contents")
        last[event.chain] = (event.seq, event.hash)
    for chain, (seq, head) in heads.items():
        if last.get(chain, (0, "")) != (seq, head):
            return Verdict(False, count, f"chain {chain}: ends at #{last.get(chain, (0, ''))[0]} but its head says #{seq}")
    return Verdict(True, count)
