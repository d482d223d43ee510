"""Recording and verifying the hash-chained audit log ("步步留痕、环环能查", seed 004).

Each case has its own chain (``case:<id>``); everything else is on the ``system`` chain. An event's
hash covers the previous event's hash and all its own fields, and the chain's owner row (the case,
or the app state) keeps the head, so a changed, removed or truncated event is found by ``verify``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..cases.models import Case
from ..events import Topic, publish_in
from ..privacy import mask_ids_in
from ..state import AppState
from . import seal
from .models import AuditEvent

SYSTEM = "system"
REFUSALS = (401, 403, 404, 409)


@dataclass(frozen=True)
class Recorded:
    """An event just added to the log, in the recording transaction (its followers write in that transaction too)."""

    session: Session
    event: AuditEvent
    case: Case | None


AUDIT_RECORDED: Topic[Recorded] = Topic("audit.recorded")


def _digest(prev_hash: str, chain: str, seq: int, case_id: int | None, at: datetime, actor: str,
            type_: str, element_id: str | None, data: Any) -> str:
    body = json.dumps(
        [chain, seq, case_id, at.isoformat(timespec="microseconds"), actor, type_, element_id, data],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def as_line(event: AuditEvent) -> dict[str, Any]:
    """An event as one line of an exported log (``audit.jsonl`` of a household archive): every field its hash covers."""
    return {"chain": event.chain, "seq": event.seq, "case_id": event.case_id,
            "at": _utc(event.at).isoformat(timespec="microseconds"), "actor": event.actor, "type": event.type,
            "element_id": event.element_id, "data": event.data, "prev_hash": event.prev_hash, "hash": event.hash,
            "mac": event.mac}


def line_problem(line: dict[str, Any], seq: int, prev: str) -> str | None:
    """What is wrong with an exported event that should follow #``seq`` (hash ``prev``) of its chain, or None."""
    if line.get("seq") != seq + 1 or line.get("prev_hash") != prev:
        return f"does not follow #{seq} of its chain"
    try:
        at = datetime.fromisoformat(str(line["at"]))
        expected = _digest(prev, str(line["chain"]), seq + 1, line["case_id"], _utc(at), str(line["actor"]),
                           str(line["type"]), line["element_id"], line["data"])
    except (KeyError, ValueError, TypeError):
        return "cannot be read (a field is missing or malformed)"
    return None if expected == line.get("hash") else "hash does not match its contents"


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
                       element_id=element_id, data=payload, prev_hash=prev, hash=digest, mac=seal.mac(digest))
    session.add(event)
    if case is not None:
        case.audit_seq, case.audit_head = seq, digest
    else:
        session.execute(update(AppState).where(AppState.id == 1).values(audit_head=digest))
    publish_in(session.info, AUDIT_RECORDED, Recorded(session, event, case))
    return event


def record_refusal(session: Session, at: datetime, actor: str, method: str, path: str, refusal: Exception,
                   unrecorded: int = 0) -> None:
    """A refused request, on the system chain: who, what, and the status (ID numbers in it masked).

    ``unrecorded``: how many of this caller's refusals before it were over its budget and not written.
    """
    status = getattr(refusal, "status", None)
    reason = mask_ids_in(str(getattr(refusal, "detail", refusal)))[:300]
    data: dict[str, object] = {"status": status, "method": method, "path": mask_ids_in(path)[:200], "reason": reason}
    if unrecorded:
        data["unrecorded"] = unrecorded
    record(session, case=None, at=at, actor=actor[:100], type="request.refused", data=data)


def _utc(at: datetime) -> datetime:
    return at.astimezone(UTC)


@dataclass
class Verdict:
    ok: bool
    events: int
    broken: str | None = None
    keyed: bool = False
    checkpoints: int = 0


def heads(session: Session) -> dict[str, tuple[int, str]]:
    """Every chain's head as the database says: (number of its last event, that event's hash)."""
    found = {f"case:{cid}": (seq, head) for cid, seq, head in session.execute(select(Case.id, Case.audit_seq, Case.audit_head))}
    state = session.get(AppState, 1)
    found[SYSTEM] = (state.audit_seq, state.audit_head) if state else (0, "")
    return found


def _events(session: Session) -> Iterator[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.chain, AuditEvent.seq).execution_options(yield_per=2000)
    yield from session.scalars(query)


def _event_problem(event: AuditEvent, seq: int, prev: str, covered: int | None) -> str | None:
    if event.seq != seq + 1 or event.prev_hash != prev:
        return f"does not follow #{seq} of its chain"
    expected = _digest(prev, event.chain, event.seq, event.case_id, _utc(event.at), event.actor, event.type,
                       event.element_id, event.data)
    if expected != event.hash:
        return "hash does not match its contents"
    unsigned_ok = event.mac is None and (covered is None or event.seq <= covered)
    if seal.keyed() and not seal.mac_holds(event.hash, event.mac) and not unsigned_ok:
        return "its MAC does not hold under the audit key (changed or added without the key)"
    return None


def verify(session: Session, checkpoints: Sequence[seal.Checkpoint] = (), *, unsigned_ok: bool = False) -> Verdict:
    """Walk every chain; the first event whose hash, link or MAC does not hold, or a checkpoint it left, is named.

    With the audit key set, every event must carry a valid MAC, except events older than a checkpoint
    (recorded before the key was set): the checkpoint's hash covers them. ``unsigned_ok``: events
    without a MAC pass (the first checkpoint after a key is set, which then covers them).
    """
    wanted = {(chain, seq): (point.at, digest) for point in checkpoints for chain, (seq, digest) in point.heads.items()}
    covered: dict[str, int] = {}
    for chain, seq in wanted:
        covered[chain] = max(covered.get(chain, 0), seq)
    last: dict[str, tuple[int, str]] = {}
    count = 0
    for event in _events(session):
        count += 1
        seq, prev = last.get(event.chain, (0, ""))
        problem = _event_problem(event, seq, prev, None if unsigned_ok else covered.get(event.chain, 0))
        point = wanted.pop((event.chain, event.seq), None)
        if problem is None and point is not None and point[1] != event.hash:
            problem = f"differs from the checkpoint of {point[0]}"
        if problem:
            return Verdict(False, count, f"event {event.id} ({event.chain} #{event.seq}, {event.type}): {problem}")
        last[event.chain] = (event.seq, event.hash)
    if wanted:
        (chain, seq), (at, _) = min(wanted.items())
        return Verdict(False, count, f"chain {chain}: the checkpoint of {at} recorded #{seq}, which is gone")
    for chain, (seq, head) in heads(session).items():
        if last.get(chain, (0, "")) != (seq, head):
            return Verdict(False, count, f"chain {chain}: ends at #{last.get(chain, (0, ''))[0]} but its head says #{seq}")
    return Verdict(True, count, keyed=seal.keyed(), checkpoints=len(checkpoints))
