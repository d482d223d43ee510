"""``/openapi.json`` as clients need it, and ``/docs`` / ``/redoc`` served from vendored files (no network).

The schema declares the bearer scheme on every operation that reads the token, so Swagger UI's
"Authorize" works; each operation's summary is the first line of its docstring; operations whose
models carry no example get one from ``examples.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse
from fastapi.routing import APIRoute

from .examples import EXAMPLES

SCHEME = "bearerAuth"
# the dependency that reads the bearer token; an operation depending on it needs "Authorize"
TOKEN_READER = "get_current_user"


def _reads_token(dependant: Dependant) -> bool:
    return any(getattr(d.call, "__name__", "") == TOKEN_READER or _reads_token(d) for d in dependant.dependencies)


def api_routes(app: FastAPI) -> list[Any]:
    """Every API operation's route as the schema sees it (included routers resolved to their full paths)."""
    return [r for r in routing.iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)]


def _summary(route: Any) -> str | None:
    doc = (route.description or "").strip()
    return doc.splitlines()[0].strip().rstrip(".").replace("``", "") if doc else None


def _add_example(operation: dict[str, Any], example: Any) -> None:
    for code in ("200", "201", "202"):
        content = operation.get("responses", {}).get(code, {}).get("content", {})
        for media in content.values():
            media.setdefault("example", example)
            return


def build(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {})["securitySchemes"] = {SCHEME: {
            "type": "http", "scheme": "bearer", "bearerFormat": "jz_…",
            "description": "an API token from `jiuzhu user add NAME --role ROLE --region CODE` or `jiuzhu user token NAME`"}}
        for route in api_routes(app):
            if not route.include_in_schema:
                continue
            for method in route.methods:
                operation = schema["paths"][route.path_format][method.lower()]
                if _reads_token(route.dependant):
                    operation["security"] = [{SCHEME: []}]
                operation["summary"] = _summary(route) or operation.get("summary", route.name)
                if (method, route.path_format) in EXAMPLES:
                    _add_example(operation, EXAMPLES[(method, route.path_format)])
        app.openapi_schema = schema
        return schema
    return openapi


def install(app: FastAPI, page: Callable[[str], FileResponse]) -> None:
    """Serve the schema with the bearer scheme, and the two documentation pages from vendored assets."""
    app.openapi = build(app)  # type: ignore[method-assign]

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return page("docs.html")

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> FileResponse:
        return page("redoc.html")
