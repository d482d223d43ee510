"""Shared fixtures: one database per test (SQLite and PostgreSQL), an injected clock, an API client."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from service.app import create_app
from service.clock import SHANGHAI, FixedClock
from service.config import Settings, shipped
from service.followers import build_services
from service.regions.seed import seed as seed_regions
from service.services import Services
from service.startup import upgrade

from .factories import Api

POSTGRES_URL = os.environ.get("JIUZHU_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("JIUZHU_REQUIRE_POSTGRES") == "1"
START = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday


def _postgres_reason() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not available here"
        return f"PostgreSQL not reachable at {POSTGRES_URL} ({type(exc).__name__}); set JIUZHU_TEST_POSTGRES_URL"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session, session.begin():
        seed_regions(session, START)  # the county-level names once, not in every test's start-up
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A schema of its own for this test session, migrated once; tables are emptied per test."""
    reason = _postgres_reason()
    if reason:
        if REQUIRE_POSTGRES:
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "select tablename from pg_tables where schemaname = current_schema() "
            "and tablename not in ('alembic_version', 'regions', 'region_register')"))]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        # the seeded county-level names stay (seeding is not every test's cost); what a test imported goes,
        # and any county-level name an import had replaced is seeded back
        replaced = conn.execute(text("DELETE FROM regions WHERE source <> 'library'")).rowcount
    if replaced:
        with Session(engine) as session, session.begin():
            seed_regions(session, START, force=True)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """Every test that takes this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "jiuzhu.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_schema")
    _empty_postgres(url)
    return url


# Seed 001 gives Shulan no stage limits nor recheck classes; tests of stage deadlines and of monthly
# rechecks run in a Shulan township whose city adopted seed 002's, as a local pack would.
LOCAL_LIMITS = """
id: shulan-local-limits
extends: shulan-2023
name: 舒兰市 (test) with seed 002's stage limits and recheck classes
regions: ["220283"]
effective_from: 2023-07-29
kinds:
  dibao: {recheck_months_a: 12, recheck_months_b: 6, recheck_months_c_urban: 1, recheck_months_c_rural: 3}
  tekun: {recheck_months_a: 12, recheck_months_b: 6, recheck_months_c_urban: 1, recheck_months_c_rural: 3}
numbers: {investigation_days: 10, appraisal_days: 5, confirm_days: 5}
"""


@pytest.fixture(scope="session")
def local_limits_processes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("processes") / "processes"
    shutil.copytree(shipped("processes"), target)
    (target / "rules" / "shulan-local-limits.yaml").write_text(LOCAL_LIMITS, encoding="utf-8")
    return target


@pytest.fixture
def settings(database_url: str, request: pytest.FixtureRequest) -> Settings:
    if request.node.get_closest_marker("local_limits"):
        processes = request.getfixturevalue("local_limits_processes")
        return Settings(database_url=database_url, timers_in_server=False, fake_clock=False, processes_dir=processes)
    return Settings(database_url=database_url, timers_in_server=False, fake_clock=False)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Iterator[Services]:
    built = build_services(settings, clock)
    yield built
    built.engine.dispose()


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    app = create_app(services.settings, services=services)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def api(client: TestClient, services: Services, clock: FixedClock) -> Api:
    return Api(client, services, clock)
