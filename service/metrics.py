"""Prometheus metrics at ``/metrics``."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

REQUESTS = Histogram(
    "jiuzhu_request_seconds", "HTTP request latency", ["method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
TASKS_COMPLETED = Counter("jiuzhu_tasks_completed_total", "user tasks completed", ["kind", "element_id"])
TIMERS_FIRED = Counter("jiuzhu_timers_fired_total", "timer events fired")
TIMER_LATENESS = Histogram(
    "jiuzhu_timer_lateness_seconds", "how late a timer fired after its due time",
    buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300),
)


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        REQUESTS.labels(request.method, route, str(response.status_code)).observe(time.perf_counter() - started)
        return response

    @app.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
