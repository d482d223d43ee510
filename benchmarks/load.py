"""HTTP load: cases created and completed through the REST API by one or many clients.

Each client is a thread with its own keep-alive connection (``http.client``, the lightest client
the standard library has, so the load generator takes as little of the shared CPU as it can).
A client owns its cases and completes their steps in order, reading the next task from each answer.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .harness import cpu_seconds
from .scenario import RECORD, RECORD_FIELD, RECORD_KIND, STEPS, payload


class Client:
    """One keep-alive connection speaking JSON with a bearer token."""

    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def upload(self, case_id: int, task_id: str, content: bytes, kind: str) -> tuple[int, Any]:
        """A document for the task, as multipart/form-data."""
        boundary = "jiuzhu-bench-boundary"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                 for name, value in (("kind", kind), ("task_id", task_id))]
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="record.pdf"\r\n'
                     "Content-Type: application/pdf\r\n\r\n".encode() + content + f"\r\n--{boundary}--\r\n".encode())
        headers = {**self.headers, "Content-Type": f"multipart/form-data; boundary={boundary}"}
        self.conn.request("POST", f"/api/v1/cases/{case_id}/documents", body=b"".join(parts), headers=headers)
        response = self.conn.getresponse()
        return response.status, json.loads(response.read() or b"null")

    def close(self) -> None:
        self.conn.close()


def _open_task(case: dict[str, Any], element_id: str) -> str:
    return next(t["id"] for t in case["tasks"] if t["element_id"] == element_id)


def with_record(client: Client, case: dict[str, Any], element_id: str, data: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The step's data with the signed record uploaded first when its form asks for one (a service
    without document fields — an older version measured with the same command — is asked nothing)."""
    task = next(t for t in case["tasks"] if t["element_id"] == element_id)
    if not any(f.get("type") == "document" and f.get("name") == RECORD_FIELD for f in task.get("form", [])):
        return data, None
    status, body = client.upload(case["id"], task["id"], RECORD, RECORD_KIND)
    if status != 201:
        return data, f"upload: {status} {body}"
    return {**data, RECORD_FIELD: body["id"]}, None


@dataclass
class Walk:
    """Seconds per completion by element, and anything that was not a 200."""

    per_element: dict[str, list[float]] = field(default_factory=lambda: {e: [] for e, _ in STEPS})
    errors: list[str] = field(default_factory=list)
    # the server processes whose CPU the walk measures: the record uploads' share is kept apart
    server_pids: list[int] = field(default_factory=list)
    upload_cpu: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, element_id: str, seconds: float) -> None:
        with self.lock:
            self.per_element[element_id].append(seconds)

    def all(self) -> list[float]:
        return [s for values in self.per_element.values() for s in values]


def walk_case(client: Client, case: dict[str, Any], walk: Walk) -> None:
    """Complete the case's steps in order, timing each completion."""
    for element_id, data in STEPS:
        task_id = _open_task(case, element_id)
        before = cpu_seconds(walk.server_pids) if walk.server_pids else 0.0
        data, failed = with_record(client, case, element_id, data)  # the signed record, uploaded first (not timed)
        if walk.server_pids:
            walk.upload_cpu += cpu_seconds(walk.server_pids) - before
        if failed:
            walk.errors.append(failed)
            return
        began = time.perf_counter()
        status, body = client.call("POST", f"/api/v1/tasks/{task_id}/complete", {"data": data})
        walk.add(element_id, time.perf_counter() - began)
        if status != 200:
            walk.errors.append(f"{element_id}: {status} {body}")
            return
        case = body


def create_cases(base: str, token: str, first: int, count: int, clients: int,
                 progress: Callable[[int], None] = lambda n: None) -> list[dict[str, Any]]:
    """Create ``count`` cases through the API with several clients; the cases in creation order."""
    numbers: queue.Queue[int] = queue.Queue()
    for n in range(first, first + count):
        numbers.put(n)
    made: dict[int, dict[str, Any]] = {}

    def work() -> None:
        client = Client(base, token)
        for n in _drain(numbers):
            status, body = client.call("POST", "/api/v1/cases", payload(n))
            if status != 201:
                raise RuntimeError(f"creating case {n}: {status} {body}")
            made[n] = body
            progress(1)
        client.close()

    _run_threads(work, clients)
    return [made[n] for n in sorted(made)]


def complete_cases(base: str, token: str, cases: list[dict[str, Any]], clients: int) -> tuple[Walk, float]:
    """``clients`` clients walk the cases; the timings and the wall time the whole load took."""
    todo: queue.Queue[dict[str, Any]] = queue.Queue()
    for case in cases:
        todo.put(case)
    walk = Walk()

    def work() -> None:
        client = Client(base, token)
        for case in _drain(todo):
            walk_case(client, case, walk)
        client.close()

    began = time.perf_counter()
    _run_threads(work, clients)
    return walk, time.perf_counter() - began


def _drain(items: queue.Queue[Any]) -> Iterator[Any]:
    while True:
        try:
            yield items.get_nowait()
        except queue.Empty:
            return


def _run_threads(target: Callable[[], None], count: int) -> None:
    failures: list[BaseException] = []

    def guarded() -> None:
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - reported after the other clients finish
            failures.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
