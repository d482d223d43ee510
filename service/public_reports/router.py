"""The public report endpoints (监督举报): no token; the answers hold a receipt or a status, never what was sent."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from ..cases.workflow import Operation
from ..deps import NowDep, ServicesDep, SessionDep
from ..errors import ServiceError
from . import service
from .schemas import RECEIPT_PATTERN, ReceiptOut, ReportIn, StatusOut

router = APIRouter(prefix="/api/v1/public/reports", tags=["public"])


class TooLarge(ServiceError):
    status = 413


def _small_body(request: Request, services: ServicesDep) -> None:
    limit = services.settings.public_report_max_bytes
    if int(request.headers.get("content-length") or 0) > limit:
        raise TooLarge(f"a report is at most {limit} bytes")


@router.post("", status_code=202, response_model=ReceiptOut, dependencies=[Depends(_small_body)],
             responses={413: {"description": "too large"}, 422: {}, 429: {"description": "too many reports from this client"}})
def report(payload: ReportIn, request: Request, services: ServicesDep, session: SessionDep, now: NowDep) -> ReceiptOut:
    """Report a suspected misuse of social assistance (监督举报). No token. The answer is a receipt number only."""
    settings = services.settings
    client = service.client_key(request.client.host if request.client else "unknown")
    receipt = service.receive(Operation(services, session, now, "public"), payload, client,
                              settings.public_report_limit, settings.public_report_window_seconds)
    return ReceiptOut(receipt=receipt)


@router.get("/{receipt}", response_model=StatusOut, responses={404: {"description": "no report with this receipt"}})
def report_status(receipt: Annotated[str, Path(pattern=RECEIPT_PATTERN)], session: SessionDep) -> StatusOut:
    """The report's status by its receipt, and nothing else."""
    return StatusOut(status=service.status(session, receipt))  # type: ignore[arg-type]
