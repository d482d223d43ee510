"""The FastAPI application: routers, the one error handler, start-up and the in-process timer loop."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from . import metrics
from .admin.router import router as admin_router
from .archive.router import router as archive_router
from .auth.router import router as auth_router
from .beneficiaries.router import router as beneficiaries_router
from .calendar.router import router as calendar_router
from .cases.router import router as cases_router
from .clock import Clock
from .config import Settings, get_settings
from .definitions.router import router as definitions_router
from .deps import no_unknown_query
from .documents.router import router as documents_router
from .errors import ServiceError
from .external.router import router as external_router
from .followers import build_services
from .income.router import router as income_router
from .messages.router import router as messages_router
from .outbox.delivery import OutboxLoop
from .outbox.router import router as outbox_router
from .payroll.router import router as payroll_router
from .public_reports.router import router as public_reports_router
from .publicity.router import router as publicity_router
from .regions.router import router as regions_router
from .registers.router import router as registers_router
from .services import Services
from .spotchecks.router import router as spotchecks_router
from .startup import prepare
from .supervision.router import router as supervision_router
from .tasks.router import router as tasks_router
from .timers.worker import TimerLoop
from .web import router as web

log = logging.getLogger("jiuzhu")

DESCRIPTION = """
Jiuzhu (救助) runs social-assistance cases — minimum living allowance (低保 dibao), extreme-hardship
support (特困 tekun) and temporary assistance (临时救助 linshi) — through BPMN diagrams, with statutory
deadlines in working days on the official Chinese calendar.

Authenticate with `Authorization: Bearer <token>` (`jiuzhu user add NAME --role ROLE --region CODE`).
Errors are `{"detail": ...}`: 422 lists each problem with its field path, 409 names the state conflict.
"""


MAX_PROBLEMS = 50  # a 422 lists this many problems, then says how many more there were
_LONE_SURROGATE = re.compile(rb"(?<!\\)\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _clean(errors: list[Any]) -> list[dict[str, Any]]:
    """Validation errors without the submitted values (they may hold ID numbers)."""
    return [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))} for e in errors]


def _capped(problems: list[Any]) -> list[Any]:
    """At most MAX_PROBLEMS problems, and a last one saying how many were left out (a body of 100,000 bad keys)."""
    if len(problems) <= MAX_PROBLEMS:
        return problems
    more = len(problems) - MAX_PROBLEMS
    return [*problems[:MAX_PROBLEMS], {"loc": ["body"], "msg": f"and {more} more problems", "type": "too_many_problems"}]


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_: Request, exc: ServiceError) -> JSONResponse:
        detail = _capped(exc.detail) if isinstance(exc.detail, list) else exc.detail
        return JSONResponse({"detail": detail}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _clean(_capped(list(exc.errors())))}, status_code=422)

    @app.exception_handler(StaleDataError)
    async def stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return JSONResponse({"detail": "the case was changed by another request at the same time; reload and retry"}, status_code=409)

    @app.exception_handler(IntegrityError)
    async def integrity(_: Request, exc: IntegrityError) -> JSONResponse:
        log.warning("integrity conflict: %s", type(exc.orig).__name__)
        return JSONResponse({"detail": "a concurrent change conflicted with this one; retry"}, status_code=409)

    @app.exception_handler(OperationalError)
    async def busy(_: Request, exc: OperationalError) -> JSONResponse:
        log.warning("database busy: %s", type(exc.orig).__name__)
        return JSONResponse({"detail": "the database is busy; retry"}, status_code=503, headers={"Retry-After": "1"})


_UPLOAD = re.compile(r"^/api/v1/cases/\d{1,10}/documents$")


def _body_limit(app: FastAPI, default: int, upload: int) -> None:
    """Bodies larger than ``default`` are refused (413) before they are read; a document upload may hold ``upload``."""
    @app.middleware("http")
    async def limit_body(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        limit = max(default, upload) if _UPLOAD.match(request.url.path) else default
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            return JSONResponse({"detail": f"request body larger than {limit} bytes"}, status_code=413)
        if length is None and request.method in ("POST", "PUT", "PATCH"):
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    return JSONResponse({"detail": f"request body larger than {limit} bytes"}, status_code=413)
            request._body = body  # already read; let the handler see it
        json_body = request.method in ("POST", "PUT", "PATCH") and "json" in request.headers.get("content-type", "")
        if json_body and _LONE_SURROGATE.search(await request.body()):
            return JSONResponse({"detail": [{"loc": ["body"], "msg": "a text holds a lone surrogate (such as \\ud800): "
                                             "not valid Unicode", "type": "unicode_error"}]}, status_code=422)
        return await call_next(request)


def create_app(settings: Settings | None = None, clock: Clock | None = None, *, services: Services | None = None,
               serving: bool = False) -> FastAPI:
    """The API. ``serving``: this process serves it until it exits (``jiuzhu serve``), not a test."""
    settings = settings or get_settings()
    services = services or build_services(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        prepare(services)
        if serving:
            gc.freeze()  # what start-up loaded lives as long as the process: keep it out of every collection
        loop = TimerLoop(services) if settings.timers_in_server else None
        outbox = OutboxLoop(services) if settings.timers_in_server else None
        if loop and outbox:
            loop.start()
            outbox.start()
        try:
            yield
        finally:
            if loop and outbox:
                loop.stop()
                outbox.stop()
            services.engine.dispose()

    app = FastAPI(title="Jiuzhu 救助", version="1.0.0", description=DESCRIPTION, lifespan=lifespan,
                  docs_url=None, redoc_url=None, dependencies=[Depends(no_unknown_query)])  # served from vendored files by web.install
    app.state.services = services
    _handlers(app)
    _body_limit(app, settings.max_body_bytes, settings.document_max_bytes + 64 * 1024)  # room for the multipart framing
    metrics.install(app)
    routers = (cases_router, tasks_router, definitions_router, calendar_router, supervision_router, publicity_router,
               public_reports_router,
               beneficiaries_router, spotchecks_router, registers_router, income_router, payroll_router, admin_router, auth_router,
               external_router, messages_router, outbox_router, documents_router, archive_router, regions_router)
    for router in routers:
        app.include_router(router)
    web.install(app)

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app
