"""Delivering the outbox: each subscription's events in order, at least once, with back-off.

A sweep locks each due subscription (``FOR UPDATE SKIP LOCKED``: one deliverer per subscription
at a time, so its events go out in order), sends its oldest undelivered events one by one, and marks
each delivered when the subscriber answered 2xx. At the first failure it stops that subscription
and pauses it: 5 s, 10 s, 20 s, ... at most an hour between attempts, however long the subscriber
is down; nothing is dropped, and when it answers again it gets everything it missed, oldest first
(so each case's events in their order). An event whose delivery was not recorded (the process died
after sending) is sent again: subscribers deduplicate by the CloudEvent ``id``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..db import transaction
from ..services import Services
from .cloudevents import CONTENT_TYPE, body_of, signature
from .models import OutboxEvent, Subscription

log = logging.getLogger("jiuzhu.outbox")
FIRST_BACKOFF, MAX_BACKOFF = 5.0, 3600.0
TIMEOUT = 10.0


@dataclass
class Delivered:
    sent: int = 0
    failed: int = 0


def backoff(failures: int) -> timedelta:
    return timedelta(seconds=min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, failures - 1)))


def _send(client: httpx.Client, subscription: Subscription, row: OutboxEvent, now: datetime) -> str | None:
    """None when the subscriber took it; otherwise why not."""
    body = body_of(row.body)
    stamp = int(now.timestamp())
    headers = {"content-type": CONTENT_TYPE, "x-jiuzhu-timestamp": str(stamp),
               "x-jiuzhu-signature": signature(subscription.secret, stamp, body), "x-jiuzhu-event-id": row.event_id}
    try:
        response = client.post(subscription.url, content=body, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as exc:
        return f"{type(exc).__name__}: {exc}"[:2000]
    return None if response.is_success else f"HTTP {response.status_code}: {response.text[:200]}"


def _deliver(session: Session, client: httpx.Client, subscription: Subscription, now: datetime, batch: int, result: Delivered) -> None:
    rows = session.scalars(select(OutboxEvent).where(OutboxEvent.subscription_id == subscription.id,
                                                     OutboxEvent.delivered.is_(False)).order_by(OutboxEvent.id).limit(batch))
    for row in rows:
        row.attempts += 1
        error = _send(client, subscription, row, now)
        if error is not None:
            subscription.failures += 1
            subscription.paused_until, subscription.last_error = now + backoff(subscription.failures), error
            log.warning("webhook %s: %s; next attempt at %s", subscription.name, error, subscription.paused_until)
            result.failed += 1
            return
        row.delivered, row.delivered_at = True, now
        subscription.failures, subscription.paused_until, subscription.last_error = 0, None, None
        result.sent += 1


def deliver_due(services: Services, client: httpx.Client, batch: int | None = None) -> Delivered:
    """One sweep over the subscriptions not paused: up to ``batch`` events each."""
    result = Delivered()
    with transaction(services.sessions) as session:
        now = services.clock.now()
        due = (select(Subscription).where(Subscription.active.is_(True),
                                          or_(Subscription.paused_until.is_(None), Subscription.paused_until <= now))
               .order_by(Subscription.id).with_for_update(skip_locked=True))
        for subscription in session.scalars(due).all():
            _deliver(session, client, subscription, now, batch or services.settings.outbox_batch, result)
    return result


class OutboxLoop:
    """Delivers the outbox every ``outbox_poll_seconds``, in ``jiuzhu serve`` (unless disabled) and ``jiuzhu worker``."""

    def __init__(self, services: Services, client: httpx.Client | None = None) -> None:
        self.services = services
        self.client = client or httpx.Client()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        while not self.stopping.is_set():
            busy = False
            try:
                done = deliver_due(self.services, self.client)
                busy = done.sent > 0 and not done.failed
            except Exception:  # noqa: BLE001 - a database hiccup must not kill the loop
                log.exception("outbox delivery failed; retrying")
            if not busy:
                self.stopping.wait(self.services.settings.outbox_poll_seconds)

    def start(self) -> None:
        self.thread = threading.Thread(target=self.run, name="jiuzhu-outbox", daemon=True)
        self.thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout)
        self.client.close()
