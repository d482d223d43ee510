"""Start-up: the database schema upgrade (Alembic, ``migrations/``) and the preparation every process shares."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import make_url, pool, select, text

from .calendar.service import seed_from_files
from .config import shipped
from .db import is_sqlite, make_engine, transaction
from .regions.seed import seed as seed_regions
from .services import Services
from .state import AppState

MIGRATIONS = shipped("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


@contextmanager
def one_at_a_time(url: str) -> Iterator[None]:
    """Hold the database's start-up lock: processes starting together migrate and seed in turn.

    An API process and timer workers started at the same moment on an empty database would
    otherwise run the same migration twice (PostgreSQL answers the second with a duplicate type).
    PostgreSQL: a session advisory lock per schema, gone with the connection if the process dies.
    SQLite: an exclusive ``flock`` on a file beside the database (never on the database file
    itself, whose POSIX locks a close in this process would drop).
    """
    if is_sqlite(url):
        database = make_url(url).database
        if not database or database == ":memory:":
            yield
            return
        with open(f"{database}-startup.lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    engine = make_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            key = text("SELECT hashtext('jiuzhu.startup.' || current_schema())")
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": connection.scalar(key)})
            connection.commit()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock_all()"))
                connection.commit()
    finally:
        engine.dispose()


def _upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def upgrade(url: str) -> None:
    """``alembic upgrade head`` on the given database, one process at a time."""
    with one_at_a_time(url):
        _upgrade(url)


def migrate(services: Services) -> int:
    """``alembic upgrade head`` and the county-level region names (once per library version); names seeded."""
    with one_at_a_time(services.settings.database_url):
        _upgrade(services.settings.database_url)
        with transaction(services.sessions) as session:
            return seed_regions(session, services.clock.now())


def prepare(services: Services, *, deploy: bool = True) -> None:
    """Make the database ready: migrate, the state row, published calendars, region names, the repository's diagrams."""
    settings = services.settings
    with one_at_a_time(settings.database_url):
        if settings.auto_migrate:
            _upgrade(settings.database_url)
        _seed(services, deploy=deploy)


def _seed(services: Services, *, deploy: bool) -> None:
    settings = services.settings
    now = services.clock.now()
    with transaction(services.sessions) as session:
        if session.scalar(select(AppState.id).where(AppState.id == 1)) is None:
            session.add(AppState(id=1, audit_seq=0, audit_head="", calendar_version=0))
            session.flush()
        seed_from_files(session, Path(settings.processes_dir) / "calendars", now)
        seed_regions(session, now)
        if deploy:
            services.registry.deploy_directory(session, Path(settings.processes_dir), "system", now)
