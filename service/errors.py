"""The service's errors; one handler in app.py maps them to HTTP. Nothing below a router raises HTTPException."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class ServiceError(Exception):
    status = 500
    headers: dict[str, str] | None = None

    def __init__(self, detail: Any) -> None:
        super().__init__(detail if isinstance(detail, str) else repr(detail))
        self.detail = detail


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Unauthorized(ServiceError):
    status = 401


class Conflict(ServiceError):
    status = 409


class Incident(Conflict):
    """409 for a failure inside a diagram; ``persist`` records the incident after the rollback.

    The request's own changes are rolled back (nothing half-written); then, in a new transaction,
    the case is marked with the incident so supervisors and designers see it.
    """

    def __init__(self, detail: Any, persist: Callable[[Any], object]) -> None:
        super().__init__(detail)
        self.persist = persist


class TooManyRequests(ServiceError):
    """429: the client sent more than its share; ``retry_after`` seconds until it may try again."""

    status = 429

    def __init__(self, detail: Any, retry_after: int) -> None:
        super().__init__(detail)
        self.headers = {"Retry-After": str(retry_after)}


class Invalid(ServiceError):
    """422: ``detail`` is a list of {"loc": [...], "msg": ..., "type": ...} like FastAPI's own."""

    status = 422

    def __init__(self, problems: list[dict[str, Any]] | str, loc: tuple[str, ...] = ("body",)) -> None:
        if isinstance(problems, str):
            problems = [{"loc": list(loc), "msg": problems, "type": "value_error"}]
        super().__init__(problems)


def problem(loc: tuple[str | int, ...], msg: str, kind: str = "value_error") -> dict[str, Any]:
    return {"loc": list(loc), "msg": msg, "type": kind}
