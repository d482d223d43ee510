"""The reference worker: fetches tasks of its topics over REST, runs a Python function per task, reports back.

``jiuzhu worker --external provincial_check=service.external.provincial:check`` runs it; the
function gets the task (``id``, ``topic``, ``case_number``, ``variables``, ...) and returns the
variables to complete it with. An exception is a failure: the task is retried after a back-off that
doubles each time (``retry_seconds``, 2×, 4×, ... at most a day) until no retries are left, when it
becomes an incident on its case for an admin to retry. It needs nothing of the service but its URL
and a ``service`` token, so it runs anywhere (and in tests, on the test client).
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger("jiuzhu.worker")
Handler = Callable[[dict[str, Any]], dict[str, Any]]
MAX_BACKOFF = 86_400


def load_handler(spec: str) -> tuple[str, Handler]:
    """``TOPIC=module:function`` → the topic and the function."""
    topic, _, target = spec.partition("=")
    module, _, name = target.partition(":")
    if not topic or not module or not name:
        raise ValueError(f"expected TOPIC=module:function, got {spec!r}")
    handler = getattr(importlib.import_module(module), name)
    if not callable(handler):
        raise ValueError(f"{target} is not a function")
    return topic, handler


@dataclass
class ExternalWorker:
    client: httpx.Client  # with the service's base URL
    token: str
    handlers: dict[str, Handler]
    worker_id: str
    lock_seconds: int = 60
    retries: int = 5
    retry_seconds: int = 60
    max_tasks: int = 10
    stopping: threading.Event = field(default_factory=threading.Event)

    def _post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        return self.client.post(f"/api/v1/external-tasks{path}", json=body, headers={"Authorization": f"Bearer {self.token}"})

    def fetch(self) -> list[dict[str, Any]]:
        topics = [{"topic": t, "lock_seconds": self.lock_seconds} for t in self.handlers]
        response = self._post("/fetch-and-lock", {"worker_id": self.worker_id, "max_tasks": self.max_tasks, "topics": topics})
        response.raise_for_status()
        tasks: list[dict[str, Any]] = response.json()
        return tasks

    def handle(self, task: dict[str, Any]) -> str:
        """Run the task's function and report; ``completed``, ``failed`` or ``lost`` (the lock was gone: 409)."""
        try:
            variables = self.handlers[task["topic"]](task)
        except Exception as exc:  # noqa: BLE001 - whatever the function raises is the task's failure
            return self._fail(task, f"{type(exc).__name__}: {exc}")
        response = self._post(f"/{task['id']}/complete", {"worker_id": self.worker_id, "variables": variables})
        if response.status_code == 409:
            log.warning("task %s: lock lost before completion (%s)", task["id"], response.json().get("detail"))
            return "lost"
        if response.status_code == 422:
            return self._fail(task, f"the service refused the variables: {response.json().get('detail')}")
        response.raise_for_status()
        return "completed"

    def _fail(self, task: dict[str, Any], error: str) -> str:
        left = (task["retries"] if task.get("retries") is not None else self.retries) - 1
        backoff = min(MAX_BACKOFF, self.retry_seconds * 2 ** max(0, self.retries - 1 - left))
        response = self._post(f"/{task['id']}/failure", {"worker_id": self.worker_id, "error": error[:10_000],
                                                         "retries": max(0, left), "retry_seconds": backoff})
        if response.status_code == 409:
            return "lost"
        response.raise_for_status()
        log.warning("task %s failed (%d retries left): %s", task["id"], max(0, left), error)
        return "failed"

    def run_once(self) -> dict[str, int]:
        """Fetch one batch and handle each task; how many ended which way."""
        counts: dict[str, int] = {}
        for task in self.fetch():
            outcome = self.handle(task)
            counts[outcome] = counts.get(outcome, 0) + 1
        return counts

    def run(self, poll_seconds: float = 1.0) -> None:
        """Until stopped: fetch and handle; wait ``poll_seconds`` when there was nothing to do."""
        while not self.stopping.is_set():
            try:
                busy = bool(self.run_once())
            except httpx.HTTPError as exc:
                log.warning("the service is unreachable or refused the worker: %s", exc)
                busy = False
            if not busy:
                self.stopping.wait(poll_seconds)
