"""Talking to other systems, measured: external-task round trips with 8 workers, and webhook delivery lag.

    python benchmarks/integrations.py [--tasks 400] [--database URL] [--json out.json]

In a schema of its own (dropped at the end), against ``jiuzhu serve --workers 2``:

- **baseline**: 8 clients complete the information check as the manual user task
  (``POST /tasks/{id}/complete``), one round trip per case;
- **external tasks**: the provincial-check variant deployed, 8 workers each ``fetch-and-lock``
  one task and ``complete`` it (two round trips per task), until every case's check is done;
  reported as tasks per second and as a ratio to the baseline's completions per second;
- **delivery lag**: a webhook subscriber on this machine; the outbox loop delivers while a client
  completes cases' home visits; lag is the subscriber's arrival time minus the event's time,
  reported with the completion latency of the same requests as its baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an installed copy

from benchmarks import harness  # noqa: E402
from benchmarks.load import Client, _run_threads, create_cases  # noqa: E402
from benchmarks.scenario import RECORD, RECORD_FIELD, RECORD_KIND, STEPS  # noqa: E402
from service.auth import service as auth  # noqa: E402
from service.db import transaction  # noqa: E402
from service.outbox import service as outbox  # noqa: E402
from service.outbox.delivery import OutboxLoop  # noqa: E402
from service.services import Services  # noqa: E402

DEFAULT_URL = os.environ.get("JIUZHU_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
VARIANT = harness.ROOT / "processes" / "variants" / "dibao_provincial_check.bpmn"
WORKERS = 8
DATA = dict(STEPS)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def service_token(services: Services) -> str:
    with transaction(services.sessions) as session:
        now = services.clock.now()
        user = auth.create_user(session, "bench-platform", "service", "220283000000", now, ["provincial_check"])
        return auth.issue_token(session, user, now, 30)


def accepted(base: str, token: str, first: int, count: int) -> list[dict[str, Any]]:
    cases = create_cases(base, token, first, count, WORKERS)
    done: list[dict[str, Any]] = []
    lock = threading.Lock()
    todo = list(cases)

    def work() -> None:
        client = Client(base, token)
        while True:
            with lock:
                if not todo:
                    break
                case = todo.pop()
            task = next(t["id"] for t in case["tasks"] if t["element_id"] == "accept")
            status, body = client.call("POST", f"/api/v1/tasks/{task}/complete", {"data": DATA["accept"]})
            assert status == 200, body
            with lock:
                done.append(body)
        client.close()

    _run_threads(work, WORKERS)
    return done


def baseline(base: str, token: str, cases: list[dict[str, Any]]) -> float:
    """Completions per second of the manual information check, 8 clients."""
    todo = [next(t["id"] for t in c["tasks"] if t["element_id"] == "info_check") for c in cases]
    lock = threading.Lock()

    def work() -> None:
        client = Client(base, token)
        while True:
            with lock:
                if not todo:
                    break
                task = todo.pop()
            status, body = client.call("POST", f"/api/v1/tasks/{task}/complete", {"data": DATA["info_check"]})
            assert status == 200, body
        client.close()

    began = time.perf_counter()
    _run_threads(work, WORKERS)
    return len(cases) / (time.perf_counter() - began)


def external(base: str, token: str, count: int) -> tuple[float, int]:
    """Round trips per second of 8 workers: fetch-and-lock one task, complete it; and the 409s met."""
    left = [count]
    conflicts = [0]
    lock = threading.Lock()

    def work(worker: str) -> None:
        client = Client(base, token)
        topics = [{"topic": "provincial_check", "lock_seconds": 60}]
        while True:
            with lock:
                if left[0] <= 0:
                    break
            status, tasks = client.call("POST", "/api/v1/external-tasks/fetch-and-lock",
                                        {"worker_id": worker, "max_tasks": 1, "topics": topics})
            assert status == 200, tasks
            for task in tasks:
                status, body = client.call("POST", f"/api/v1/external-tasks/{task['id']}/complete",
                                           {"worker_id": worker, "variables": DATA["info_check"]})
                with lock:
                    left[0] -= status == 200
                    conflicts[0] += status == 409
        client.close()

    threads = [threading.Thread(target=work, args=(f"bench-{i}",)) for i in range(WORKERS)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - began), conflicts[0]


class Subscriber(BaseHTTPRequestHandler):
    arrivals: list[tuple[float, dict[str, Any]]] = []

    def do_POST(self) -> None:  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers["content-length"]))
        Subscriber.arrivals.append((time.time(), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def delivery_lag(services: Services, base: str, token: str, cases: list[dict[str, Any]]) -> dict[str, float]:
    """Completion latency (the baseline) and webhook lag of the events those completions recorded."""
    http = ThreadingHTTPServer(("127.0.0.1", harness.free_port()), Subscriber)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    with transaction(services.sessions) as session:
        outbox.subscribe(session, services.clock.now(), "bench", f"http://127.0.0.1:{http.server_port}/", "bench-secret-0123456789",
                         ["task.completed"], "")
    loop = OutboxLoop(services)
    loop.start()
    client, latencies = Client(base, token), []
    for case in cases:
        task = next(t["id"] for t in case["tasks"] if t["element_id"] == "home_visit")
        status, record = client.upload(case["id"], task, RECORD, RECORD_KIND)
        assert status == 201, record
        began = time.perf_counter()
        status, body = client.call("POST", f"/api/v1/tasks/{task}/complete",
                                   {"data": {**DATA["home_visit"], RECORD_FIELD: record["id"]}})
        latencies.append(time.perf_counter() - began)
        assert status == 200, body
        time.sleep(0.05)
    deadline = time.monotonic() + 60
    while len(Subscriber.arrivals) < len(cases) and time.monotonic() < deadline:
        time.sleep(0.1)
    loop.stop()
    http.shutdown()
    from datetime import datetime

    lags = [arrived - datetime.fromisoformat(event["time"]).timestamp() for arrived, event in Subscriber.arrivals]
    return {"events": len(lags), "completion_p50_ms": round(pct(latencies, 0.5) * 1000, 1),
            "lag_p50_ms": round(pct(lags, 0.5) * 1000, 1), "lag_p95_ms": round(pct(lags, 0.95) * 1000, 1),
            "lag_p50_ratio_to_completion_p50": round(pct(lags, 0.5) / pct(latencies, 0.5), 2),
            "poll_seconds": services.settings.outbox_poll_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--database", default=DEFAULT_URL)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    db = harness.BenchDatabase(args.database)
    db.create()
    try:
        services = harness.prepared_services(db)
        township = harness.token(services, "bench-township", "township", "220283000000")
        platform = service_token(services)
        results: dict[str, Any] = {"tasks": args.tasks, "workers": WORKERS}
        with harness.server(db, 2) as base:
            manual = accepted(base, township, 0, args.tasks)
            results["baseline_user_task_completions_per_s"] = round(baseline(base, township, manual), 1)
            with transaction(services.sessions) as session:
                services.registry.deploy(session, VARIANT.read_bytes(), VARIANT.name, "bench", services.clock.now())
            accepted(base, township, args.tasks, args.tasks)
            rate, conflicts = external(base, platform, args.tasks)
            results["external_task_round_trips_per_s"] = round(rate, 1)
            results["external_ratio_to_baseline"] = round(rate / results["baseline_user_task_completions_per_s"], 2)
            results["external_409s"] = conflicts
            results["delivery"] = delivery_lag(services, base, township, manual[: min(100, len(manual))])
        services.engine.dispose()
        print(json.dumps(results, indent=2, ensure_ascii=False))
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    finally:
        db.drop()


if __name__ == "__main__":
    main()
