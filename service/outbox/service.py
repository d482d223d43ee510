"""Subscriptions, and writing the outbox: a follower of every audit event, in the event's transaction.

Because the outbox row is written in the transaction that records the change, there is no change
without its event and no event without its change (a rolled-back request leaves neither). One row
per subscriber: each subscriber has its own progress, and one that is down holds up nobody else.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..audit.service import Recorded
from ..auth.service import check_region, scope_prefix
from ..errors import Conflict, Invalid, NotFound
from .cloudevents import cloud_event
from .models import OutboxEvent, Subscription

_CACHE = "outbox.subscriptions"
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def _active(session: Session) -> list[Subscription]:
    """The active subscriptions, read once per transaction (cached in the session for its transaction)."""
    transaction = id(session.get_transaction())
    cached = session.info.get(_CACHE)
    if cached is None or cached[0] != transaction:
        with session.no_autoflush:
            cached = (transaction, list(session.scalars(select(Subscription).where(Subscription.active.is_(True)))))
        session.info[_CACHE] = cached
    return list(cached[1])


NOT_STATE_CHANGES = frozenset({"request.refused"})  # a refused request changes nothing: not offered


def _wants(subscription: Subscription, recorded: Recorded) -> bool:
    if recorded.event.type in NOT_STATE_CHANGES:
        return False
    if subscription.types and not any(recorded.event.type.startswith(t) for t in subscription.types):
        return False
    if subscription.region:
        return recorded.case is not None and recorded.case.region.startswith(scope_prefix(subscription.region))
    return True


def follow_audit(recorded: Recorded) -> None:
    """Offer the event to every subscription that wants it: one outbox row each, in this transaction."""
    subscriptions = [s for s in _active(recorded.session) if _wants(s, recorded)]
    if not subscriptions:
        return
    body = cloud_event(recorded.event, recorded.case)
    for subscription in subscriptions:
        recorded.session.add(OutboxEvent(subscription_id=subscription.id, event_id=body["id"],
                                         case_id=recorded.case.id if recorded.case else None, body=body,
                                         delivered=False, attempts=0, created_at=recorded.event.at.astimezone(UTC)))


def forget_cached(session: Session) -> None:
    session.info.pop(_CACHE, None)


def subscribe(session: Session, now: datetime, name: str, url: str, secret: str, types: list[str], region: str) -> Subscription:
    if not URL.match(url):
        raise Invalid("must be an http or https URL", ("body", "url"))
    if region:
        check_region(region)
    if session.scalar(select(Subscription.id).where(Subscription.name == name)) is not None:
        raise Conflict(f"subscription '{name}' already exists")
    subscription = Subscription(name=name, url=url, secret=secret, types=sorted(set(types)), region=region, active=True,
                                failures=0, created_at=now)
    session.add(subscription)
    session.flush()
    forget_cached(session)
    return subscription


def load(session: Session, subscription_id: int) -> Subscription:
    subscription = session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFound(f"subscription {subscription_id} not found")
    return subscription


def pending(session: Session) -> dict[int, int]:
    """Undelivered events per subscription."""
    query = select(OutboxEvent.subscription_id, func.count()).where(OutboxEvent.delivered.is_(False)).group_by(OutboxEvent.subscription_id)
    return {sid: count for sid, count in session.execute(query)}
