"""Timer workers at scale on PostgreSQL: real ``jiuzhu worker`` processes sharing one database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from benchmarks.clone import clone
from service.audit.models import AuditEvent
from service.cases import workflow
from service.cases.models import Case
from service.clock import SHANGHAI
from service.db import transaction
from service.engine import Instance
from service.services import Services
from service.state import AppState
from service.tasks.models import CaseTask
from service.timers.models import Timer

from ..engine.diagrams import timer
from ..factories import TO_PUBLICITY, Api

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]
PUBLICITY_DUE = datetime(2026, 11, 10, tzinfo=SHANGHAI)


@pytest.fixture
def database_url(postgres_schema: str) -> str:
    """These tests need row locks and several processes: PostgreSQL only."""
    from ..conftest import _empty_postgres

    _empty_postgres(postgres_schema)
    return postgres_schema


def start_worker(url: str, name: str, logs: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    env.update(JIUZHU_DATABASE_URL=f"{url}&application_name={name}", JIUZHU_FAKE_CLOCK="1", JIUZHU_AUTO_MIGRATE="0",
               JIUZHU_TIMER_POLL_SECONDS="0.1", JIUZHU_TIMER_BATCH="20")
    log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - the worker writes to it until it ends
    return subprocess.Popen([sys.executable, "-m", "service.cli", "worker"], cwd=ROOT, env=env, stdout=log, stderr=log)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(30)


def set_fake_clock(services: Services, instant: datetime) -> None:
    with transaction(services.sessions) as session:
        session.execute(update(AppState).where(AppState.id == 1).values(fake_now=instant))


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def due_left(services: Services, element_id: str) -> int:
    with services.sessions() as session:
        return session.scalar(select(func.count()).select_from(Timer).where(Timer.element_id == element_id)) or 0


def fired_per_case(session: Session) -> dict[int, int]:
    rows = session.execute(select(AuditEvent.case_id, func.count()).where(AuditEvent.type == "timer.fired")
                           .group_by(AuditEvent.case_id)).all()
    return {case_id: count for case_id, count in rows}


def in_claim(services: Services, name: str) -> int | None:
    """The backend pid of the named worker while it holds claimed rows (an open transaction with a xid)."""
    with services.sessions() as session:
        return session.scalar(text("SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                                   "AND backend_xid IS NOT NULL"), {"name": name})


def test_a_worker_killed_mid_sweep_loses_and_doubles_nothing(api: Api, workers: list[subprocess.Popen[bytes]], tmp_path: Path) -> None:
    template = api.create()
    api.walk(template["id"], TO_PUBLICITY)
    with api.services.engine.begin() as conn:
        ids = [template["id"], *clone(conn, template["id"], 299)]
    set_fake_clock(api.services, datetime(2026, 11, 10, 9, tzinfo=SHANGHAI))  # every publicity is over
    workers += [start_worker(api.services.settings.database_url, name, tmp_path) for name in ("worker-a", "worker-b")]

    wait_until(lambda: due_left(api.services, "publicity") < 280 and in_claim(api.services, "worker-a"), 120,
               "worker a to be mid-sweep, holding claims")
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    wait_until(lambda: due_left(api.services, "publicity") == 0, 180, "worker b to fire everything")

    with api.services.sessions() as session:
        assert fired_per_case(session) == {case_id: 1 for case_id in ids}
        incidents = session.scalars(select(Case.incident).where(Case.incident.is_not(None))).all()
        assert incidents == []
        confirm = session.execute(select(CaseTask.case_id, func.count()).where(CaseTask.element_id == "confirm")
                                  .group_by(CaseTask.case_id)).all()
        assert dict(confirm) == {case_id: 1 for case_id in ids}
    assert workers[1].poll() is None, (tmp_path / "worker-b.log").read_text()


def tiny_case(services: Services, now: datetime) -> int:
    """A case of a one-timer process due at the end of the day after tomorrow."""
    with transaction(services.sessions) as session:
        services.registry.deploy(session, timer("after_calendar_days(1)"), "tiny.bpmn", "test", now)
        process, version, decisions = services.registry.for_new_case(session, "p")
        case = Case(number="TINY-0", kind="dibao", region="220283101001", township="220283101", status="active",
                    process_key="p", process_version=version, decisions=decisions, rule_pack="shulan-2023",
                    applicant_name="张三", applicant_id_number="11010519491231002X", hukou="rural", household=[],
                    application={}, workflow="", serializer_version="", created_at=now, updated_at=now, positions=[], facts={})
        session.add(case)
        session.flush()
        op = workflow.Operation(services, session, now, "test")
        _, snapshot = Instance.start(process, {}, workflow.host_for(op, case))
        workflow.apply(op, case, process, snapshot)
        return case.id


@pytest.mark.slow
def test_a_clock_jump_of_a_day_fires_ten_thousand_timers_once(api: Api, workers: list[subprocess.Popen[bytes]], tmp_path: Path) -> None:
    now = datetime(2026, 11, 2, 9, tzinfo=SHANGHAI)
    template = tiny_case(api.services, now)
    with api.services.engine.begin() as conn:
        ids = [template, *clone(conn, template, 9_999)]
    assert due_left(api.services, "wait") == 10_000
    set_fake_clock(api.services, datetime(2026, 11, 3, 9, tzinfo=SHANGHAI))
    workers += [start_worker(api.services.settings.database_url, name, tmp_path) for name in ("worker-a", "worker-b")]

    set_fake_clock(api.services, datetime(2026, 11, 4, 9, tzinfo=SHANGHAI))  # the timers were due at midnight
    wait_until(lambda: due_left(api.services, "wait") == 0, 600, "the workers to fire 10,000 timers")

    with api.services.sessions() as session:
        assert fired_per_case(session) == {case_id: 1 for case_id in ids}
        closed = session.scalar(select(func.count()).select_from(Case).where(Case.status == "terminated"))
        assert closed == 10_000  # the tiny process ends after its timer
