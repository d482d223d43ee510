"""REST endpoints for a case's documents (API.md, second round)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Path, UploadFile
from fastapi.responses import Response

from ..cases.schemas import CaseId
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..engine import DOCUMENT_KINDS
from . import service, store
from .models import Document
from .schemas import DocumentOut
from .sniff import EXTENSIONS

router = APIRouter(prefix="/api/v1", tags=["documents"])
ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "missing or invalid token"},
                                           404: {"description": "no such case (or document) in your region"}}
DocumentId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="the document id")]


def document_out(document: Document) -> DocumentOut:
    return DocumentOut(id=document.id, case_id=document.case_id, task_id=document.task_id, kind=document.kind,
                       kind_label=DOCUMENT_KINDS.get(document.kind, document.kind), filename=document.filename,
                       content_type=document.content_type, size=document.size, sha256=document.sha256,
                       uploaded_by=document.uploaded_by, uploaded_at=document.uploaded_at)


def download_name(document: Document) -> str:
    """The name a download is saved under: its kind and id, never the uploader's text."""
    extension = EXTENSIONS.get(document.content_type, "zip" if document.content_type == "application/zip" else "bin")
    return f"{document.kind}-{document.id}.{extension}"


@router.post("/cases/{case_id}/documents", status_code=201, response_model=DocumentOut, responses={
    **ERRORS, 403: {}, 409: {"description": "the case is closed"}, 413: {"description": "larger than JIUZHU_DOCUMENT_MAX_BYTES"},
    422: {"description": "not a PDF, JPEG or PNG by its content; an unknown kind; a task of another case or closed"},
    503: {"description": "the document store cannot be reached"}})
def upload_document(
    case_id: CaseId, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
    file: Annotated[UploadFile, File(description="PDF, JPEG or PNG; the type is read from the content")],
    task_id: Annotated[str | None, Form(max_length=36, description="the open task of this case it is for")] = None,
    kind: Annotated[str | None, Form(max_length=40, description="application 申请材料, home_visit_record 入户调查表, "
                                     "appraisal_record 评议记录, meeting_minutes 会议纪要, other (default)")] = None,
) -> DocumentOut:
    """Add a file to the case (village, township, county); its SHA-256 goes into the case's audit chain."""
    op = Operation(services, session, now, user.name)
    document = service.upload(op, user, case_id, file.file, file.filename, task_id, kind)
    return document_out(document)


@router.get("/cases/{case_id}/documents", response_model=list[DocumentOut], responses=ERRORS)
def list_documents(case_id: CaseId, session: SessionDep, user: CurrentUser) -> list[DocumentOut]:
    """The case's documents, oldest first (their bytes: `GET /api/v1/documents/{id}`)."""
    return [document_out(d) for d in service.of_case(session, user, case_id)]


@router.get("/documents/{document_id}", response_class=Response, responses={
    **ERRORS, 200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}, "application/zip": {}}}})
def get_document(document_id: DocumentId, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> Response:
    """The file, for those who may read its case, as an attachment named by its kind and id."""
    document = service.load(session, user, document_id)
    data = store.get(session, services.settings, document, now)
    name = download_name(document)
    return Response(data, media_type=document.content_type, headers={
        "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox; default-src 'none'",
        "Cache-Control": "private, no-store", "X-Document-SHA256": document.sha256})
