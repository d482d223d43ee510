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

from .audit import seal
from .calendar.functions import FUNCTION_NAMES
from .calendar.packfiles import load_book
from .calendar.rules import RuleBook
from .calendar.service import CalendarStore
from .clock import Clock, DatabaseClock, SystemClock
from .config import Settings
from .db import make_engine, make_session_factory
from .definitions.probe import Probe
from .definitions.service import Registry
from .engine import WorkflowCache, guards, limits
from .events import FOLLOWERS, Followers


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
    workflows: WorkflowCache = field(default_factory=lambda: WorkflowCache(0))

    @classmethod
    def build(cls, settings: Settings, clock: Clock | None, register: Callable[[Followers], None]) -> Services:
        """The services on ``settings``; ``register`` registers the followers of events (start-up wiring)."""
        engine = make_engine(settings.database_url)
        sessions = make_session_factory(engine)
        if clock is None:
            clock = DatabaseClock(sessions) if settings.fake_clock else SystemClock()
        configure_limits(settings)
        seal.configure(seal.load_key(settings.audit_key, settings.audit_key_file))
        rules = load_book(settings.processes_dir / "rules", settings.default_rule_pack)
        registry = Registry(FUNCTION_NAMES, probe=Probe(rules))
        followers = Followers()
        register(followers)
        sessions.configure(info={FOLLOWERS: followers})  # what a session records, its followers hear (the outbox)
        return cls(settings=settings, engine=engine, sessions=sessions, clock=clock, rules=rules, registry=registry,
                   followers=followers, workflows=WorkflowCache(settings.workflow_cache_size))
