"""Upgrading an existing database: running cases keep the rule pack they started with; the new
default (national-2021) applies to cases created afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from service.clock import start_of
from service.startup import alembic_config, upgrade

from ..conftest import POSTGRES_URL
from ..factories import ARCHIVE, CONFIRM, TO_PUBLICITY, Api, case_payload

ROW = {  # a case row as the service wrote it before the upgrade (no rule_pack_version column)
    "id": 1, "number": "DB-2026-000001", "kind": "dibao", "region": "150525101001", "township": "150525101",
    "status": "active", "process_key": "dibao", "process_version": 1, "decisions": "{}", "rule_pack": "shulan-2023",
    "applicant_name": "张三", "applicant_id_number": "150525198001010011", "hukou": "rural", "household": "[]",
    "application": "{}", "near_relative_of_staff": False, "extended": False, "positions": "[]", "facts": "{}",
    "serializer_version": "", "version": 1, "audit_seq": 0, "audit_head": "", "created_at": "2026-11-01 09:00:00+08:00",
    "updated_at": "2026-11-01 09:00:00+08:00",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    request.getfixturevalue("postgres_schema")  # skips, or fails in CI, when PostgreSQL is absent
    schema = f"u_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def test_the_migration_records_version_1_on_the_cases_already_there(old_database: str) -> None:
    command.upgrade(alembic_config(old_database), "public_scrutiny")  # the revision before rule_pack_versions
    engine = create_engine(old_database)
    with engine.begin() as connection:
        columns = ", ".join(ROW)
        connection.execute(text(f"INSERT INTO cases ({columns}) VALUES ({', '.join(':' + k for k in ROW)})"), ROW)
    upgrade(old_database)
    with engine.connect() as connection:
        found = connection.execute(text("SELECT rule_pack, rule_pack_version FROM cases")).one()
    engine.dispose()
    assert tuple(found) == ("shulan-2023", 1)


def create_in(api: Api, region: str) -> dict:  # type: ignore[type-arg]
    response = api.client.post("/api/v1/cases", json={**case_payload(), "region": region},
                               headers=api.headers("township", region[:9] + "000"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_case_from_before_keeps_its_pack_and_a_new_one_gets_the_new_default(api: Api, database_url: str) -> None:
    running = create_in(api, "150525101001")
    with api.services.engine.begin() as connection:  # created while shulan-2023 was the default for every region
        connection.execute(text("UPDATE cases SET rule_pack = 'shulan-2023', rule_pack_version = 1 WHERE id = :id"),
                           {"id": running["id"]})
    following = create_in(api, "150525101001")
    assert (following["rule_pack"], following["rule_pack_version"]) == ("naiman-2022", 1)
    for case in (running, following):
        api.walk(case["id"], TO_PUBLICITY)
    until = date.fromisoformat(api.case(following["id"], "admin")["facts"]["publicity_until"])
    api.at(start_of(until + timedelta(days=1)) + timedelta(seconds=1))
    tasks = {c["id"]: next(t for t in api.case(c["id"], "admin")["tasks"] if t["element_id"] == "confirm")
             for c in (running, following)}
    assert tasks[running["id"]]["role"] == "township"   # version 1 of shulan-2023 delegated confirmation
    assert tasks[following["id"]]["role"] == "county"   # the national rule
    days = {c: (date.fromisoformat(t["due_on"]) - date.fromisoformat(t["opened_at"][:10])).days for c, t in tasks.items()}
    assert days[running["id"]] < days[following["id"]]  # 5 working days then, 10 now
    assert api.walk(running["id"], [("confirm", CONFIRM), ("archive", ARCHIVE)])["status"] == "approved"
