"""Prometheus metrics at ``/metrics``.

Counters and histograms are kept per process. With ``jiuzhu serve --workers N`` (N > 1) the CLI
points ``PROMETHEUS_MULTIPROC_DIR`` at a fresh directory before the workers start, so every worker
writes its samples there and any worker answering ``/metrics`` reports the sum over all of them.
Timer workers (``jiuzhu worker``) are separate programs: each serves its own ``/metrics`` with
``--metrics-port``. The overdue count is not a sample but a fact of the database, counted when
``/metrics`` is scraped (an index-only count on ``ix_cases_status_due_on``).
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_PENDING = "jiuzhu.metrics"

REQUESTS = Histogram(
    "jiuzhu_request_seconds", "HTTP request latency", ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
TASKS_COMPLETED = Counter("jiuzhu_tasks_completed_total", "user tasks completed", ["kind", "element_id"])
WORKFLOW_CACHE = Counter("jiuzhu_workflow_cache_total", "case workflows taken from process memory (hit) or restored "
                         "from the stored JSON (miss)", ["result"])
TIMERS_FIRED = Counter("jiuzhu_timers_fired_total", "timer events fired")
TIMER_LATENESS = Histogram(
    "jiuzhu_timer_lateness_seconds", "how late a timer fired after its due time",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)


def after_commit(session: Session, record: Callable[[], None]) -> None:
    """Count something once the session's transaction has committed (never for a rolled-back one)."""
    session.info.setdefault(_PENDING, []).append(record)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    for record in session.info.pop(_PENDING, ()):
        record()


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)


class OverdueCollector:
    """``jiuzhu_cases_overdue``: active cases whose statutory due date has passed, counted at scrape time."""

    def __init__(self, count: Callable[[], int]) -> None:
        self.count = count

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield GaugeMetricFamily("jiuzhu_cases_overdue", "active cases past their statutory due date", value=self.count())


def overdue_count(session: Session, today: date) -> int:
    from .cases.models import Case
    from .overdue import overdue_clause

    query = select(func.count()).select_from(Case).where(overdue_clause(Case.status == "active", Case.due_on, today))
    return int(session.scalar(query) or 0)


def exposition(overdue: Callable[[], int]) -> bytes:
    """The samples of this process (or of every worker in multiprocess mode), then the overdue gauge."""
    if os.environ.get(MULTIPROC_ENV):
        samples = CollectorRegistry()
        MultiProcessCollector(samples)  # type: ignore[no-untyped-call]  # untyped in prometheus-client
    else:
        samples = REGISTRY
    facts = CollectorRegistry(auto_describe=False)
    facts.register(OverdueCollector(overdue))
    return generate_latest(samples) + generate_latest(facts)


class _Observe:
    """Times every request (a plain ASGI middleware: no extra task or body copy per request)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            REQUESTS.labels(scope["method"], route, str(status)).observe(time.perf_counter() - started)


def install(app: FastAPI) -> None:
    app.add_middleware(_Observe)

    @app.get("/metrics", include_in_schema=False)
    def metrics(request: Request) -> Response:
        from .clock import local_date

        services: Any = request.app.state.services
        token = services.settings.metrics_token
        if token and not hmac.compare_digest(request.headers.get("authorization", "").encode(), f"Bearer {token}".encode()):
            return Response("metrics need the token set in JIUZHU_METRICS_TOKEN", status_code=401,
                            headers={"WWW-Authenticate": "Bearer"})

        def overdue() -> int:
            with services.sessions() as session:
                return overdue_count(session, local_date(services.clock.now()))

        return Response(exposition(overdue), media_type=CONTENT_TYPE_LATEST)
