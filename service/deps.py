"""The typed FastAPI dependencies: the process's :class:`~service.services.Services`, a request's session, instant and user."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from anyio import CancelScope, CapacityLimiter, to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from .audit import service as audit
from .auth.models import User
from .auth.service import authenticate
from .clock import DatabaseClock
from .errors import Forbidden, ServiceError, Unauthorized
from .roles import SERVICE, SERVICE_PATHS
from .services import Services

log = logging.getLogger("jiuzhu")


async def get_services(request: Request) -> Services:
    """Async so FastAPI runs it inline: a sync dependency costs a trip through the thread pool."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


async def get_session(request: Request, services: ServicesDep) -> AsyncIterator[Session]:
    """One request, one transaction: commit when the handler returns, roll back when it raises.

    A refusal (401, 403, 404, 409) rolls back the request's changes, then records what must outlive
    it (an incident, a cross-check hit) and the refusal itself in the audit log.

    Async, so opening the session (no I/O until it is used) costs no trip through the thread pool;
    the end of the transaction runs in the pool, shielded from cancellation and outside the pool's
    capacity limit, as FastAPI runs a sync dependency's exit.
    """
    session = services.sessions()
    try:
        yield session
    except BaseException as exc:
        with CancelScope(shield=True):
            await to_thread.run_sync(_end, request, services, session, exc, limiter=CapacityLimiter(1))
        raise
    with CancelScope(shield=True):
        await to_thread.run_sync(_end, request, services, session, None, limiter=CapacityLimiter(1))


def _end(request: Request, services: Services, session: Session, failure: BaseException | None) -> None:
    """Commit (no ``failure``) or roll back, record a refusal, and close the session."""
    try:
        if failure is None:
            session.commit()
            return
        session.rollback()
        if isinstance(failure, ServiceError):
            _record_refusal(request, services, session, failure)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _record_refusal(request: Request, services: ServicesDep, session: Session, refusal: ServiceError) -> None:
    if refusal.persist is None and refusal.status not in audit.REFUSALS:
        return
    try:
        if refusal.persist is not None:
            refusal.persist(session)
        if refusal.status in audit.REFUSALS:
            actor = getattr(request.state, "user", None) or "anonymous"
            audit.record_refusal(session, _now(request, services), actor, request.method, request.url.path, refusal)
        session.commit()
    except Exception:  # noqa: BLE001 - the refusal is answered even when its record cannot be written
        log.exception("could not record a %s refusal", refusal.status)
        session.rollback()


# "function" scope: the commit happens before the response is sent, so a 200 means the change is
# stored and visible to the client's next request (the default would commit after sending it).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def _now(request: Request, services: Services) -> datetime:
    now = getattr(request.state, "now", None)
    if now is None:
        now = request.state.now = services.clock.now()
    return now


async def get_now(request: Request, services: ServicesDep) -> datetime:
    """The request's instant, read once so every part of the request agrees on it.

    Inline (no trip through the thread pool) unless the clock reads the database (the test clock).
    """
    now = getattr(request.state, "now", None)
    if now is None:
        clock = services.clock
        now = await run_in_threadpool(clock.now) if isinstance(clock, DatabaseClock) else clock.now()
        request.state.now = now
    return now


NowDep = Annotated[datetime, Depends(get_now)]


def get_current_user(request: Request, session: SessionDep, now: NowDep) -> User:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized("missing bearer token")
    user = authenticate(session, token.strip(), now)
    request.state.user = user.name
    if user.role == SERVICE and not request.url.path.startswith(SERVICE_PATHS):
        raise Forbidden("role 'service' may only use external tasks and messages")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
