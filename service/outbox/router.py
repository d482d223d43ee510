"""Admin endpoints for webhook subscriptions (events out)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ..auth.service import require_role
from ..deps import CurrentUser, NowDep, SessionDep
from ..roles import ADMIN
from . import service
from .models import Subscription
from .schemas import SubscriptionIn, SubscriptionOut

router = APIRouter(prefix="/api/v1/webhooks", tags=["events out"])
ERRORS: dict[int | str, dict[str, str]] = {401: {"description": "missing or invalid token"}, 403: {"description": "not admin"}}
SubscriptionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _out(subscription: Subscription, pending: int) -> SubscriptionOut:
    return SubscriptionOut(id=subscription.id, name=subscription.name, url=subscription.url, types=subscription.types,
                           region=subscription.region, active=subscription.active, pending=pending,
                           failures=subscription.failures, paused_until=subscription.paused_until,
                           last_error=subscription.last_error, created_at=subscription.created_at)


@router.post("", status_code=201, response_model=SubscriptionOut, responses={**ERRORS, 409: {}, 422: {}})
def subscribe(body: SubscriptionIn, session: SessionDep, user: CurrentUser, now: NowDep) -> SubscriptionOut:
    """Subscribe a URL to the events the audit log records from now on (CloudEvents JSON, signed)."""
    require_role(user, ADMIN)
    return _out(service.subscribe(session, now, body.name, body.url, body.secret, body.types, body.region), 0)


@router.get("", response_model=list[SubscriptionOut], responses=ERRORS)
def subscriptions(session: SessionDep, user: CurrentUser) -> list[SubscriptionOut]:
    """Every subscription with its undelivered events and its last error."""
    require_role(user, ADMIN)
    pending = service.pending(session)
    return [_out(s, pending.get(s.id, 0)) for s in session.query(Subscription).order_by(Subscription.id)]


@router.delete("/{subscription_id}", response_model=SubscriptionOut, responses={**ERRORS, 404: {}})
def unsubscribe(subscription_id: SubscriptionId, session: SessionDep, user: CurrentUser) -> SubscriptionOut:
    """Stop a subscription: no new events are offered to it, and what is pending is not sent."""
    require_role(user, ADMIN)
    subscription = service.load(session, subscription_id)
    subscription.active = False
    service.forget_cached(session)
    return _out(subscription, service.pending(session).get(subscription.id, 0))
