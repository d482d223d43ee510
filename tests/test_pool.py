"""The connection pool: a connection the database cut while it sat idle is replaced before a request uses it."""

from __future__ import annotations

import pytest
from sqlalchemy import pool, text

from service import db


def test_an_idle_connection_the_server_cut_is_replaced_before_use(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has no server to cut a connection")
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # every connection back in the pool counts as idle
    engine = db.make_engine(database_url)
    killer = db.make_engine(database_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            first = connection.scalar(text("SELECT pg_backend_pid()"))
        with killer.connect() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        with engine.connect() as connection:  # no error: the pool found the dead one and opened another
            assert connection.scalar(text("SELECT pg_backend_pid()")) != first
    finally:
        engine.dispose()
        killer.dispose()


@pytest.mark.parametrize(("idle", "pinged"), [pytest.param(60.0, False, id="used-a-moment-ago"),
                                                pytest.param(0.0, True, id="idle")])
def test_only_an_idle_connection_costs_a_ping(database_url: str, monkeypatch: pytest.MonkeyPatch, idle: float, pinged: bool) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the ping is PostgreSQL's")
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", idle)
    engine = db.make_engine(database_url)
    watcher = db.make_engine(database_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid() /* first use */"))
        with engine.connect(), watcher.connect() as watching:  # checked out again, nothing run on it yet
            last = watching.scalar(text("SELECT query FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid})
        assert (last == "SELECT 1") is pinged, last
    finally:
        engine.dispose()
        watcher.dispose()
