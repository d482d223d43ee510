"""The request-body guard every request passes: a size limit and no lone surrogates in JSON.

A plain ASGI middleware (no extra task, stream or copy per request, unlike ``@app.middleware``):
a body announced larger than the limit is refused before it is read (413); a body without a
length, and every JSON body, is read here up to the limit and handed on to the application as it
came. JSON holding an escaped lone surrogate (``"\\ud800"``) is refused with a 422 naming the body,
so no handler ever meets text that cannot be encoded.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.responses import JSONResponse

LONE_SURROGATE = re.compile(rb"(?<!\\)\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
                            rb"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})(?<!\\)\\u[dD][c-fC-F][0-9a-fA-F]{2}")
WITH_BODY = ("POST", "PUT", "PATCH")


class BodyLimit:
    """``limit`` for every body; a path ``uploads`` matches (a document upload) may hold ``upload_limit``."""

    def __init__(self, app: Any, limit: int, uploads: re.Pattern[str] | None = None, upload_limit: int = 0) -> None:
        self.app = app
        self.limit = limit
        self.uploads = uploads
        self.upload_limit = max(limit, upload_limit)

    @staticmethod
    def too_large(limit: int) -> JSONResponse:
        return JSONResponse({"detail": f"request body larger than {limit} bytes"}, status_code=413)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_limit if self.uploads is not None and self.uploads.match(scope["path"]) else self.limit
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self.too_large(limit)(scope, receive, send)
            return
        with_body = scope["method"] in WITH_BODY
        json_body = with_body and b"json" in headers.get(b"content-type", b"")
        if not (json_body or (with_body and length is None)):
            await self.app(scope, receive, send)
            return
        body, last = bytearray(), None
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: let the application see it
                last = message
                break
            body += message.get("body", b"")
            if len(body) > limit:
                await self.too_large(limit)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        if json_body and LONE_SURROGATE.search(body):
            await JSONResponse({"detail": [{"loc": ["body"], "msg": "a text holds a lone surrogate (such as \\ud800): "
                                            "not valid Unicode", "type": "unicode_error"}]}, status_code=422)(scope, receive, send)
            return
        await self.app(scope, _replay(bytes(body), last, receive), send)


def _replay(body: bytes, last: Any, receive: Any) -> Any:
    """A ``receive`` that gives the body already read, then whatever the connection says next."""
    given = False

    async def replay() -> Any:
        nonlocal given
        if not given:
            given = True
            return last if last is not None and not body else {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
