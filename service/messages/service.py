"""Correlating a message from another system to a case, once per message id.

A message names the case by its number or by a business key, the resident ID number of the person
it is about (a city's data-comparison warning names a person, not a case). It goes, in order, to:

1. the active case in the sender's region whose workflow waits for a message of that name (a
   message catch event or an event-based gateway: e.g. ``objection`` during publicity), with the
   message's variables as the message's payload;
2. otherwise, the followers of :data:`MESSAGE_RECEIVED` (registered in :mod:`service.followers`),
   which may act on it in their own domain: the city's warning (``data_warning``, 预警信息, seed 001
   §七(三)) opens the on-demand recheck of the beneficiary it names;
3. otherwise nothing: 404, nothing is recorded, and the sender may send it again later.

The message id is stored with the effect in one transaction; the same id again answers
``{"duplicate": true}`` with the case of the first, and has no second effect (two at the same
instant: the second waits on the case's row and then finds the first's id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import in_scope
from ..cases import workflow
from ..cases.models import Case
from ..cases.workflow import Operation
from ..errors import Forbidden, NotFound
from ..events import Topic
from .models import ReceivedMessage


@dataclass
class Incoming:
    """A message no waiting case took; a follower that acts on it sets ``case`` to the case it opened or changed."""

    op: Operation
    sender: User
    name: str
    message_id: str
    case_number: str | None
    business_key: str | None
    variables: dict[str, Any]
    case: Case | None = None


MESSAGE_RECEIVED: Topic[Incoming] = Topic("message.received")


@dataclass(frozen=True)
class Received:
    case_id: int
    duplicate: bool


def _candidates(op: Operation, user: User, case_number: str | None, business_key: str | None) -> list[Case]:
    query = select(Case).where(Case.status == "active")
    query = query.where(Case.number == case_number) if case_number else query.where(Case.applicant_id_number == business_key)
    return [c for c in op.session.scalars(query.order_by(Case.id).limit(20)) if in_scope(user, c.region)]


def _waiting(op: Operation, name: str, cases: list[Case]) -> Case | None:
    """The first of the cases whose workflow waits for ``name``, locked."""
    for found in cases:
        case = op.session.scalar(select(Case).where(Case.id == found.id).options(undefer(Case.workflow))
                                 .with_for_update().execution_options(populate_existing=True))
        if case is not None and case.status == "active" and name in workflow.peek(op, case).waiting_messages():
            return case
    return None


def _duplicate(op: Operation, message_id: str) -> Received | None:
    seen = op.session.get(ReceivedMessage, message_id)
    return Received(seen.case_id, True) if seen is not None else None


def _remember(op: Operation, incoming: Incoming, case_id: int) -> Received | None:
    """Store the message id; a duplicate (committed meanwhile by another request) instead of a second effect."""
    row = ReceivedMessage(message_id=incoming.message_id, name=incoming.name, case_id=case_id, sender=incoming.sender.name,
                          variables=incoming.variables, received_at=op.now)
    try:
        with op.session.begin_nested():
            op.session.add(row)
            op.session.flush()
    except IntegrityError:
        return _duplicate(op, incoming.message_id) or Received(case_id, True)
    return None


def receive(op: Operation, incoming: Incoming) -> Received:
    if incoming.name not in (incoming.sender.topics or ()):
        raise Forbidden(f"message '{incoming.name}' is not one of your topics")
    seen = _duplicate(op, incoming.message_id)
    if seen is not None:
        return seen
    case = _waiting(op, incoming.name, _candidates(op, incoming.sender, incoming.case_number, incoming.business_key))
    if case is not None:
        seen = _remember(op, incoming, case.id)
        if seen is not None:
            return seen
        audit.record(op.session, case=case, at=op.now, actor=incoming.sender.name, type="message.received",
                     element_id=incoming.name, data={"message_id": incoming.message_id, "variables": incoming.variables})
        workflow.run(op, case, lambda instance, host: instance.deliver_message(incoming.name, incoming.variables, host))
        return Received(case.id, False)
    op.services.followers.publish(MESSAGE_RECEIVED, incoming)
    if incoming.case is None:
        key = f"case number {incoming.case_number}" if incoming.case_number else "that business key"
        raise NotFound(f"no case in your region takes message '{incoming.name}' for {key}; nothing was recorded")
    return _remember(op, incoming, incoming.case.id) or Received(incoming.case.id, False)
