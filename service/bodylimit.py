"""Request bodies: a size limit and no lone surrogates in JSON, checked before any handler reads them.

A plain ASGI middleware (no extra task, stream or request object per request, as Starlette's
``BaseHTTPMiddleware`` would make): the body is read once, checked, and handed on as one message.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import JSONResponse

_LONE_SURROGATE = re.compile(rb"(?<!\\)\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                             rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_WITH_BODY = ("POST", "PUT", "PATCH")


class BodyLimit:
    """413 for a body over ``limit`` bytes (declared or streamed), 422 for a JSON body with a lone surrogate."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    def _too_large(self) -> JSONResponse:
        return JSONResponse({"detail": f"request body larger than {self.limit} bytes"}, status_code=413)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])  # names are lower case in ASGI
        length: bytes | None = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._too_large()(scope, receive, send)
            return
        json_body = scope["method"] in _WITH_BODY and b"json" in headers.get(b"content-type", b"")
        if not json_body and (length is not None or scope["method"] not in _WITH_BODY):
            await self.app(scope, receive, send)
            return
        messages = await self._read(receive)
        if messages is None:
            await self._too_large()(scope, receive, send)
        elif json_body and _LONE_SURROGATE.search(messages[0].get("body", b"")):
            await JSONResponse({"detail": [{"loc": ["body"], "msg": "a text holds a lone surrogate (such as \\ud800): "
                                            "not valid Unicode", "type": "unicode_error"}]}, status_code=422)(scope, receive, send)
        else:
            await self.app(scope, _replay(messages, receive), send)

    async def _read(self, receive: Any) -> list[dict[str, Any]] | None:
        """The whole body as one message (or the disconnect that cut it short); None when it is too large."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: the app sees it
                return [message]
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]


def _replay(messages: list[dict[str, Any]], receive: Any) -> Any:
    """A ``receive`` that gives ``messages`` first, then whatever the connection sends next (a disconnect)."""
    pending = list(messages)

    async def replayed() -> Any:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
