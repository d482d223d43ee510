"""REST endpoint for a case's household archive (一户一档)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from ..auth.service import require_role
from ..cases.schemas import CaseId
from ..cases.service import load as load_case
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from . import service

router = APIRouter(prefix="/api/v1", tags=["documents"])
CHUNK = 1 << 16


def _chunks(file: IO[bytes]) -> Iterator[bytes]:
    try:
        while chunk := file.read(CHUNK):
            yield chunk
    finally:
        file.close()


@router.get("/cases/{case_id}/archive", response_class=StreamingResponse, responses={
    200: {"content": {"application/zip": {}}, "description": "summary.pdf, documents/…, audit.jsonl, manifest.json"},
    401: {}, 403: {}, 404: {"description": "no such case in your region"},
    409: {"description": "larger than JIUZHU_ARCHIVE_MAX_BYTES"}})
def case_archive(case_id: CaseId, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> StreamingResponse:
    """The household archive as it stands now (township, county): re-verify it with `jiuzhu audit verify --archive FILE.zip`."""
    require_role(user, "township", "county")
    case = load_case(session, user, case_id)
    file = service.write(session, services.settings, services.registry, case, now)
    name = f"archive-{case.number}.zip"
    return StreamingResponse(_chunks(file), media_type="application/zip", headers={
        "Content-Disposition": f"attachment; filename=\"{quote(name)}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})
