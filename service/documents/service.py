"""A case's documents: upload (type sniffed, size bounded, audited), list, read; the form fields that name one."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import in_scope, require_role
from ..cases.models import Case
from ..cases.service import load as load_case
from ..cases.workflow import Operation
from ..engine import DOCUMENT_KINDS
from ..errors import Conflict, Invalid, NotFound, ServiceError, problem
from ..privacy import FULL_ID_ROLES, mask_ids_in
from ..tasks.models import CaseTask
from ..tasks.service import TaskCompleting
from . import store
from .models import Document
from .sniff import EXTENSIONS, TAIL, sniff

UPLOADERS = ("village", "township", "county")
KINDS = {kind: label for kind, label in DOCUMENT_KINDS.items() if kind != "archive"}  # what a person may upload
ARCHIVE = "archive"
CHUNK = 64 * 1024


class TooLarge(ServiceError):
    status = 413


def read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """At most ``limit`` bytes of the stream, read in chunks; one more is a 413 (the rest is never read)."""
    body = bytearray()
    while chunk := stream.read(min(CHUNK, limit + 1 - len(body))):
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"a document is at most {limit} bytes (JIUZHU_DOCUMENT_MAX_BYTES)")
    return bytes(body)


def clean_name(name: str | None, fallback: str) -> str:
    """The uploader's file name as shown back: no path, no control characters, no ID number, at most 100 characters."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in unicodedata.normalize("NFC", base) if unicodedata.category(c)[0] != "C").strip(" .")
    return mask_ids_in(base)[:100] or fallback


def _task_of(session: Session, case: Case, task_id: str | None) -> CaseTask | None:
    if task_id is None or task_id == "":
        return None
    task = session.get(CaseTask, task_id) if len(task_id) <= 36 else None
    if task is None or task.case_id != case.id:
        raise Invalid([problem(("body", "task_id"), "not a task of this case")])
    if task.status != "open":
        raise Invalid([problem(("body", "task_id"), f"task '{task.name}' is {task.status}: documents go to an open task")])
    return task


def add(op: Operation, case: Case, data: bytes, *, kind: str, content_type: str, filename: str,
        task_id: str | None = None) -> Document:
    """Store a checked document of the (locked) case and put its SHA-256 in the case's audit chain."""
    digest = hashlib.sha256(data).hexdigest()
    document = Document(id=uuid.uuid4().hex, case_id=case.id, task_id=task_id, kind=kind, filename=filename,
                        content_type=content_type, size=len(data), sha256=digest, store="database",
                        uploaded_by=op.actor, uploaded_at=op.now)
    op.session.add(document)
    store.put(op.session, op.services.settings, document, data, op.now)
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="document.added", element_id=None,
                 data={"document_id": document.id, "sha256": digest, "size": len(data), "content_type": content_type,
                       "kind": kind, "task_id": task_id})
    return document


def upload(op: Operation, user: User, case_id: int, stream: BinaryIO, filename: str | None,
           task_id: str | None, kind: str | None) -> Document:
    """A file a caseworker sends: PDF, JPEG or PNG by its content, within the size limit, to an active case."""
    require_role(user, *UPLOADERS)
    case = load_case(op.session, user, case_id, lock=True)
    kind = kind or "other"
    if kind not in KINDS:
        raise Invalid([problem(("body", "kind"), f"must be one of {', '.join(f'{k} ({v})' for k, v in KINDS.items())}")])
    task = _task_of(op.session, case, task_id)
    if case.status != "active":
        raise Conflict(f"case {case.number} is {case.status}: its file is closed")
    data = read_bounded(stream, op.services.settings.document_max_bytes)
    if not data:
        raise Invalid([problem(("body", "file"), "the file is empty")])
    content_type, why = sniff(data[:TAIL], data[-TAIL:])
    if content_type is None:
        raise Invalid([problem(("body", "file"), why)])
    name = clean_name(filename, f"{kind}.{EXTENSIONS[content_type]}")
    return add(op, case, data, kind=kind, content_type=content_type, filename=name, task_id=task.id if task else None)


def _sees_archives(user: User) -> bool:
    """An archive holds every ID number in full: only those who check identities read it (as its endpoint)."""
    return user.role in FULL_ID_ROLES


def of_case(session: Session, user: User, case_id: int) -> list[Document]:
    case = load_case(session, user, case_id)
    query = select(Document).where(Document.case_id == case.id)
    if not _sees_archives(user):
        query = query.where(Document.kind != ARCHIVE)
    return list(session.scalars(query.order_by(Document.uploaded_at, Document.id).limit(1000)))


def load(session: Session, user: User, document_id: str) -> Document:
    """The document if the user may read its case (an archive: township, county); otherwise 404 without saying whether it exists."""
    document = session.get(Document, document_id) if len(document_id) == 32 else None
    case = session.get(Case, document.case_id) if document else None
    if document is None or case is None or not in_scope(user, case.region) or \
            (document.kind == ARCHIVE and not _sees_archives(user)):
        raise NotFound(f"document {document_id} not found")
    return document


def check_fields(event: TaskCompleting) -> None:
    """A ``document`` field of the form must name a document of this case, of its kind, for this task or the case."""
    problems = []
    for field in event.form:
        value = event.data.get(field.name) if field.type == "document" else None
        if not isinstance(value, str):
            continue
        document = event.op.session.get(Document, value)
        where = ("body", "data", field.name)
        if document is None or document.case_id != event.case.id:
            problems.append(problem(where, f"{field.label}: not a document of this case (upload it first)"))
        elif document.kind != field.kind:
            wanted = f"{DOCUMENT_KINDS.get(field.kind or '', field.kind)} ({field.kind})"
            problems.append(problem(where, f"{field.label}: must be a {wanted}, not {document.kind}"))
        elif document.task_id not in (None, event.task_id):
            problems.append(problem(where, f"{field.label}: that document was uploaded for another task"))
    if problems:
        raise Invalid(problems)
