"""Two requests completing the same task at once: exactly one 200 and one 409 (PostgreSQL row locks)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import func, select

from service.audit.models import AuditEvent

from ..factories import ACCEPT, Api
from ..serving import running_server

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgres_schema: str) -> str:
    from ..conftest import _empty_postgres

    _empty_postgres(postgres_schema)
    return postgres_schema


def race(calls: list[Callable[[], int]]) -> list[int]:
    """Run the calls at the same moment in threads; their status codes, sorted."""
    barrier = threading.Barrier(len(calls))
    codes: list[int] = []

    def go(call: Callable[[], int]) -> None:
        barrier.wait()
        codes.append(call())

    threads = [threading.Thread(target=go, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return sorted(codes)


def completions(api: Api, case_id: int) -> int:
    with api.services.sessions() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent)
                              .where(AuditEvent.case_id == case_id, AuditEvent.type == "task.completed")) or 0


def test_two_threads_completing_one_task(api: Api) -> None:
    headers = api.headers()
    for _ in range(5):
        case = api.create()
        task_id = api.task_id(case["id"], "accept")

        def complete(task_id: str = task_id) -> int:
            return api.client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": ACCEPT}, headers=headers).status_code

        assert race([complete, complete]) == [200, 409]
        assert completions(api, case["id"]) == 1


@pytest.fixture
def two_servers(api: Api) -> Iterator[list[str]]:
    url = api.services.settings.database_url
    with running_server(url) as first, running_server(url) as second:
        yield [first, second]


def test_two_app_processes_completing_one_task(api: Api, two_servers: list[str]) -> None:
    headers = api.headers()
    for _ in range(5):
        case = api.create()
        task_id = api.task_id(case["id"], "accept")
        calls = [lambda base=base, task_id=task_id: httpx.post(f"{base}/api/v1/tasks/{task_id}/complete", json={"data": ACCEPT},
                                              headers=headers, timeout=30).status_code for base in two_servers]
        assert race(calls) == [200, 409]
        assert completions(api, case["id"]) == 1
