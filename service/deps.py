"""The services one process shares, and the typed FastAPI dependencies built on them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .auth.models import User
from .auth.service import authenticate
from .calendar.functions import FUNCTION_NAMES
from .calendar.rules import RuleBook
from .calendar.service import CalendarStore
from .clock import Clock, DatabaseClock, SystemClock
from .config import Settings
from .db import make_engine, make_session_factory
from .definitions.probe import Probe
from .definitions.service import Registry
from .engine import guards, limits
from .errors import Incident, Unauthorized


@dataclass
class Services:
    """Everything a request or a timer worker needs besides its session."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    rules: RuleBook
    calendars: CalendarStore = field(default_factory=CalendarStore)
    registry: Registry = field(default_factory=lambda: Registry(FUNCTION_NAMES))

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None = None) -> Services:
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        if clock is None:
            clock = DatabaseClock(sessions) if settings.fake_clock else SystemClock()
        configure_limits(settings)
        rules = RuleBook.load(settings.processes_dir / "rules", settings.default_rule_pack)
        registry = Registry(FUNCTION_NAMES, probe=Probe(rules))
        return cls(settings=settings, engine=engine, sessions=sessions, clock=clock, rules=rules, registry=registry)


def configure_limits(settings: Settings) -> None:
    """The evaluator's and the engine's limits, from the settings, for this whole process."""
    limits.configure(
        limits.EngineLimits(max_instances=settings.engine_max_instances, max_cycle_catchup=settings.engine_max_cycle_catchup,
                            max_call_depth=settings.engine_max_call_depth, max_steps=settings.engine_max_steps,
                            operation_cpu_seconds=settings.engine_operation_cpu_seconds),
        guards.Limits(max_source=settings.expression_max_source, max_size=settings.expression_max_size,
                      max_int_bits=settings.expression_max_int_bits, max_steps=settings.expression_max_steps,
                      cpu_seconds=settings.expression_cpu_seconds),
    )


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
