"""The services one process shares: database engine and sessions, clock, rule packs, calendars,
the registry of deployed definitions, and the followers of cross-domain events.

Built once per process (:func:`service.followers.build_services` builds it with every follower
registered); requests reach it through :mod:`service.deps`, timer workers and commands directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .calendar.functions import FUNCTION_NAMES
from .calendar.rules import RuleBook
from .calendar.service import CalendarStore
from .clock import Clock, DatabaseClock, SystemClock
from .config import Settings
from .db import make_engine, make_session_factory
from .definitions.probe import Probe
from .definitions.service import Registry
from .events import Followers


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
    followers: Followers = field(default_factory=Followers)

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None, register: Callable[[Followers], None]) -> Services:
        """The services on ``settings``; ``register`` registers the followers of events (start-up wiring)."""
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        if clock is None:
            clock = DatabaseClock(sessions) if settings.fake_clock else SystemClock()
        rules = RuleBook.load(settings.processes_dir / "rules", settings.default_rule_pack)
        registry = Registry(FUNCTION_NAMES, probe=Probe(rules))
        followers = Followers()
        register(followers)
        return cls(settings=settings, engine=engine, sessions=sessions, clock=clock, rules=rules, registry=registry,
                   followers=followers)
