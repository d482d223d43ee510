"""Schema migrations (Alembic) and the start-up preparation every process shares."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .admin.models import AppState
from .config import ROOT
from .db import transaction

MIGRATIONS = ROOT / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["configure_logger"] = False
    return config


def upgrade(url: str) -> None:
    """``alembic upgrade head`` on the given database."""
    command.upgrade(alembic_config(url), "head")


def prepare(services: Services, *, deploy: bool = True) -> None:  # noqa: F821 - imported lazily to avoid a cycle
    """Make the database ready: migrate, the state row, published calendars, the repository's diagrams."""
    from .calendar.service import seed_from_files

    settings = services.settings
    if settings.auto_migrate:
        upgrade(settings.database_url)
    now = services.clock.now()
    try:
        with transaction(services.sessions) as session:
            if session.scalar(select(AppState.id).where(AppState.id == 1)) is None:
                session.add(AppState(id=1, audit_seq=0, audit_head="", calendar_version=0))
                session.flush()
            seed_from_files(session, Path(settings.processes_dir) / "calendars", now)
            if deploy:
                services.registry.deploy_directory(session, Path(settings.processes_dir), "system", now)
    except IntegrityError:
        pass  # another process prepared the same rows at the same moment
