"""A real server in a thread over the test's services, and a bounded watch of ``/healthz`` during a request.

A hostile request must neither hang nor take the process with it: while it runs, ``/healthz`` is
asked again and again with a 1 s timeout (a bounded wait, no duration is asserted), and the request
itself must answer within ``REQUEST_TIMEOUT``. On this shared test machine a process can be left
without a CPU for a moment, so one lone timeout is asked again at once; two in a row fail the test
(a request that held the process would fail every one of them).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from service.app import create_app
from service.deps import Services

from ..serving import free_port

HEALTH_TIMEOUT = 1.0
REQUEST_TIMEOUT = 60.0


@contextmanager
def live_server(services: Services) -> Iterator[str]:
    """The API served by uvicorn in a thread of this process, on the given services; yields its base URL."""
    app = create_app(services.settings, services=services)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def healthy_during(base: str, send: Callable[[httpx.Client], httpx.Response]) -> httpx.Response:
    """``send``'s answer; while it was on its way, every ``/healthz`` answered 200 within 1 s."""
    answer: list[httpx.Response] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as client:
                answer.append(send(client))
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            failure.append(exc)

    thread = threading.Thread(target=run, name="hostile-request", daemon=True)
    thread.start()
    checks = 0
    with httpx.Client(base_url=base, timeout=HEALTH_TIMEOUT) as health:
        while thread.is_alive() or checks == 0:
            try:
                health_answer = health.get("/healthz")
            except httpx.TimeoutException:
                health_answer = health.get("/healthz")  # a second timeout in a row propagates and fails the test
            assert health_answer.status_code == 200
            checks += 1
            time.sleep(0.02)
    thread.join(REQUEST_TIMEOUT)
    if failure:
        raise failure[0]
    assert answer, "the hostile request did not answer"
    return answer[0]
