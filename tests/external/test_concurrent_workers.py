"""Real concurrency on PostgreSQL: workers fetching at once get disjoint tasks; a worker killed while holding
locks loses them to another worker, and every task is completed exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from service.auth.models import User
from service.cases.workflow import Operation
from service.db import transaction
from service.external import service as external
from service.external.models import ExternalTask

from ..factories import Api
from ..serving import ROOT, server_process
from .helpers import accepted_case, completions, service_token, use_variant

pytestmark = pytest.mark.postgres
TOPICS = {"provincial_check": 60}


def _user(session, name: str) -> User:  # type: ignore[no-untyped-def]
    return session.scalar(select(User).where(User.name == name))


def _service_user(api: Api) -> str:
    service_token(api, ["provincial_check"])
    with api.services.sessions() as session:
        return str(session.scalar(select(User.name).where(User.role == "service")))


@pytest.mark.timeout(180)
def test_eight_workers_fetching_at_once_get_disjoint_tasks_and_complete_each_once(api: Api, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks: PostgreSQL only")
    use_variant(api)
    cases = [accepted_case(api) for _ in range(24)]
    name, now = _service_user(api), api.clock.now()
    barrier, got, errors = threading.Barrier(8), {}, []

    def work(worker: str) -> None:
        try:
            barrier.wait()
            with transaction(api.services.sessions) as session:
                got[worker] = [x.task.id for x in external.fetch_and_lock(session, _user(session, name), now, worker, 5, TOPICS)]
            for task_id in got[worker]:
                with transaction(api.services.sessions) as session:
                    op = Operation(api.services, session, now, name)
                    external.complete(op, _user(session, name), task_id, worker, {"result": "pass"})
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    fetched = [t for ids in got.values() for t in ids]
    assert len(fetched) == len(set(fetched)) == 24 and max(len(ids) for ids in got.values()) <= 5
    assert [len(completions(api, c["id"])) for c in cases] == [1] * 24


def _worker(base: str, token: str, worker_id: str, handler: str, done_file: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
    env.update(JIUZHU_WORKER_TOKEN=token, JIUZHU_TEST_DONE_FILE=str(done_file), JIUZHU_LOG_LEVEL="warning")
    return subprocess.Popen([sys.executable, "-m", "service.cli", "worker", "--external", f"provincial_check={handler}",
                             "--url", base, "--worker-id", worker_id, "--lock-seconds", "3"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait(condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _tasks(api: Api) -> list[ExternalTask]:
    with api.services.sessions() as session:
        return list(session.scalars(select(ExternalTask)))


@pytest.mark.timeout(240)
def test_a_worker_process_killed_holding_locks_and_another_completing_every_task_once(
        api: Api, database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("worker processes on a shared database: PostgreSQL only")
    use_variant(api)
    cases = [accepted_case(api) for _ in range(6)]
    token, done = service_token(api, ["provincial_check"]), tmp_path / "done.txt"
    with server_process(database_url) as (base, _):
        hung = _worker(base, token, "worker-a", "tests.external.handlers:forever", done)
        try:
            _wait(lambda: sum(t.worker_id == "worker-a" for t in _tasks(api)) == 6)
        finally:
            hung.send_signal(signal.SIGKILL)
            hung.wait(10)
        alive = _worker(base, token, "worker-b", "tests.external.handlers:record", done)
        try:
            _wait(lambda: all(t.status == "done" for t in _tasks(api)))
        finally:
            alive.send_signal(signal.SIGTERM)
            alive.wait(30)
    lines = done.read_text(encoding="utf-8").split()
    assert Counter(lines) == Counter({t.id: 1 for t in _tasks(api)})
    assert [len(completions(api, c["id"])) for c in cases] == [1] * 6
    assert {t.worker_id for t in _tasks(api)} == {"worker-b"}
