"""The browser pages: caseworker's workbench, process designer, case diagram viewer, supervision dashboard.

Static HTML, CSS and JavaScript served by the app, with bpmn-js vendored as its built files
(``static/vendor/bpmn-js``). The pages call the REST API with a token the user enters, kept in
the tab's ``sessionStorage``; nothing is loaded from another origin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, FastAPI
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from . import openapi

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
# bpmn-js draws with inline styles; scripts, fonts and data come only from this origin.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

# The API documentation pages: Swagger UI and ReDoc draw with inline styles, ReDoc searches in a blob worker.
DOCS_HEADERS = SECURITY_HEADERS | {
    "Content-Security-Policy": SECURITY_HEADERS["Content-Security-Policy"] + "; worker-src 'self' blob:",
}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> FileResponse:
    return FileResponse(PAGES / name, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _docs_page(name: str) -> FileResponse:
    return FileResponse(PAGES / name, media_type="text/html; charset=utf-8", headers=DOCS_HEADERS)


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/work", status_code=307)


@router.get("/designer")
def designer() -> FileResponse:
    """流程设计器: open a deployed diagram or decision table, edit, validate, try, deploy."""
    return _page("designer.html")


@router.get("/cases/{case_id}/view")
def case_view(case_id: Annotated[int, PathParam(ge=1)]) -> FileResponse:
    """案件流程图: the case's diagram with its tokens, completed path and deadlines."""
    return _page("case.html")


@router.get("/work")
def work() -> FileResponse:
    """办理工作台: my queue, search, a task's form from its diagram, documents, new applications."""
    return _page("work.html")


@router.get("/supervision")
def supervision() -> FileResponse:
    """督办看板: overdue and at-risk cases per township."""
    return _page("supervision.html")


@router.get("/publicity")
def publicity() -> FileResponse:
    """长期公示: everyone on benefit in a place and the month's decisions; public, no token."""
    return _page("publicity.html")


def install(app: FastAPI) -> None:
    app.include_router(router)
    openapi.install(app, _docs_page)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
