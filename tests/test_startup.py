"""Start-up: processes starting together on an empty database, the migrations' way down and back up,
and what a serving process does once started."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from service.app import create_app
from service.config import Settings
from service.db import Base
from service.models import load_all
from service.startup import alembic_config, upgrade

from .conftest import POSTGRES_URL

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all (PostgreSQL: a new, empty schema)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("postgres_schema")  # skips, or fails in CI, when PostgreSQL is absent
    schema = f"e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def differences(url: str) -> list[object]:
    load_all()
    engine = create_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return list(found)


def test_processes_started_together_on_an_empty_database_all_start(empty_database: str) -> None:
    """An API process and timer workers started at once: each waits for the one migrating, none fails."""
    env = {**os.environ, "JIUZHU_DATABASE_URL": empty_database, "PYTHONPATH": str(ROOT)}
    starts = [subprocess.Popen([sys.executable, "-m", "service.cli", "user", "add", f"user{i}", "--role", "township",
                                "--region", "220283101000"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for i in range(3)]
    starts.append(subprocess.Popen([sys.executable, "-m", "service.cli", "migrate"], cwd=ROOT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    for process in starts:
        out, err = process.communicate(timeout=180)
        assert process.returncode == 0, out + err
    assert differences(empty_database) == []
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM users")) == 3
        assert connection.scalar(text("SELECT count(*) FROM app_state")) == 1
    engine.dispose()


def test_the_migrations_go_down_to_nothing_and_up_again(empty_database: str) -> None:
    upgrade(empty_database)
    command.downgrade(alembic_config(empty_database), "base")
    engine = create_engine(empty_database)
    with engine.connect() as connection:
        left = [name for name in engine.dialect.get_table_names(connection) if name != "alembic_version"]
    engine.dispose()
    assert left == []
    upgrade(empty_database)
    assert differences(empty_database) == []


def test_a_serving_process_keeps_what_start_up_loaded_out_of_garbage_collection(settings: Settings) -> None:
    """Large answers allocate many objects; a full collection must not walk the specs loaded at start."""
    gc.unfreeze()
    try:
        with TestClient(create_app(settings, serving=True)):
            assert gc.get_freeze_count() > 0
        gc.unfreeze()
        with TestClient(create_app(settings)):  # a test's app: nothing frozen, so nothing kept forever
            assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
