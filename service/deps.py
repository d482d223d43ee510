"""The typed FastAPI dependencies: the process's :class:`~service.services.Services`, a request's session, instant and user."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from .auth.models import User
from .auth.service import authenticate
from .errors import Incident, Unauthorized
from .services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_session(services: ServicesDep) -> Iterator[Session]:
    """One request, one transaction: commit when the handler returns, roll back when it raises."""
    session = services.sessions()
    try:
        yield session
        session.commit()
    except Incident as incident:
        session.rollback()
        incident.persist(session)
        session.commit()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# "function" scope: the commit happens before the response is sent, so a 200 means the change is
# stored and visible to the client's next request (the default would commit after sending it).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_now(request: Request, services: ServicesDep) -> datetime:
    """The request's instant, read once so every part of the request agrees on it."""
    now = getattr(request.state, "now", None)
    if now is None:
        now = services.clock.now()
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
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
