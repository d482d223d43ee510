"""``jiuzhu serve`` as a real process: graceful shutdown and metrics summed over its workers."""

from __future__ import annotations

import re
import signal
import threading

import httpx
import pytest
from sqlalchemy import func, select

from service.tasks.models import CaseTask

from .factories import ACCEPT, Api
from .serving import server_process

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgres_schema: str) -> str:
    from .conftest import _empty_postgres

    _empty_postgres(postgres_schema)
    return postgres_schema


def test_shutdown_finishes_the_requests_in_flight(api: Api) -> None:
    headers = api.headers()
    tasks = [api.task_id(api.create()["id"], "accept") for _ in range(30)]
    answers: list[object] = []
    first = threading.Event()
    with server_process(api.services.settings.database_url) as (base, process):

        def complete(task_id: str) -> None:
            try:
                answers.append(httpx.post(f"{base}/api/v1/tasks/{task_id}/complete", json={"data": ACCEPT},
                                          headers=headers, timeout=60).status_code)
            except httpx.ConnectError:
                answers.append("refused")  # arrived after the server stopped listening: never started
            except httpx.HTTPError as exc:
                answers.append(type(exc).__name__)  # a request cut off mid-way
            first.set()

        threads = [threading.Thread(target=complete, args=(t,)) for t in tasks]
        for thread in threads:
            thread.start()
        first.wait(60)
        process.send_signal(signal.SIGTERM)  # while most completions are still being worked on
        for thread in threads:
            thread.join(90)
        assert process.wait(60) in (0, -signal.SIGTERM)  # uvicorn re-raises the signal once it has shut down
    assert set(answers) <= {200, "refused"}, answers
    with api.services.sessions() as session:
        done = session.scalar(select(func.count()).select_from(CaseTask).where(CaseTask.element_id == "accept", CaseTask.status == "done"))
    assert done == answers.count(200) and done > 1


def test_metrics_add_up_every_worker(api: Api) -> None:
    headers = api.headers()
    tasks = [api.task_id(api.create()["id"], "accept") for _ in range(12)]
    with server_process(api.services.settings.database_url, workers=2) as (base, _):
        for task_id in tasks:  # a new connection each time, so both workers answer some
            assert httpx.post(f"{base}/api/v1/tasks/{task_id}/complete", json={"data": ACCEPT}, headers=headers).status_code == 200
        text = httpx.get(f"{base}/metrics").text
    found = re.search(r'^jiuzhu_tasks_completed_total\{element_id="accept",kind="dibao"\} ([0-9.]+)$', text, re.M)
    assert found and float(found.group(1)) == 12
