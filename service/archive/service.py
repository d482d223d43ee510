"""The household archive (一户一档, seed 001 §八): one ZIP with ``summary.pdf``, ``documents/…``, ``audit.jsonl``.

Built into a spooled temporary file (memory up to a few MB, then disk) one document at a time, and
refused (409) when the documents would make it larger than ``JIUZHU_ARCHIVE_MAX_BYTES``.
Completing a case's ``archive`` task stores one as a document of kind ``archive`` (:func:`follow_case_end`).
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit.service import as_line
from ..cases.models import Case
from ..cases.workflow import CaseClosed
from ..clock import SHANGHAI
from ..config import Settings
from ..definitions.service import Registry
from ..documents import service as documents
from ..documents import store
from ..documents.router import download_name
from ..errors import Conflict
from ..tasks.models import CaseTask
from . import contents
from .summary import render

SPOOL = 4_000_000
ROOM = 2_000_000  # what the summary and the log may add to the documents' bytes


def write(session: Session, settings: Settings, registry: Registry, case: Case, now: datetime) -> IO[bytes]:
    """The archive of ``case`` in a temporary file, positioned at its start (the caller closes it)."""
    docs = contents.documents(session, case)
    total = sum(d.size for d in docs)
    if total + ROOM > settings.archive_max_bytes:
        raise Conflict(f"the archive of case {case.number} would hold {total} bytes of documents, "
                       f"more than JIUZHU_ARCHIVE_MAX_BYTES ({settings.archive_max_bytes})")
    stamp = now.astimezone(SHANGHAI).timetuple()[:6]
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - handed to the caller
    try:
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            def put(name: str, data: bytes, compress: int = zipfile.ZIP_DEFLATED) -> None:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = compress
                archive.writestr(info, data)

            put("summary.pdf", render(contents.summary(session, registry, case, docs, now)))
            head = (0, "")
            with archive.open(zipfile.ZipInfo("audit.jsonl", date_time=stamp), "w") as log:
                for event in contents.events(session, case):
                    log.write((json.dumps(as_line(event), ensure_ascii=False, sort_keys=True, default=str) + "\n").encode())
                    head = (event.seq, event.hash)
            listed: list[dict[str, Any]] = []
            for document in docs:
                path = f"documents/{download_name(document)}"
                put(path, store.get(session, settings, document, now), zipfile.ZIP_STORED)
                listed.append({"path": path, "id": document.id, "kind": document.kind, "sha256": document.sha256,
                               "size": document.size, "content_type": document.content_type, "task_id": document.task_id})
            manifest = {"case_id": case.id, "case_number": case.number, "generated_at": now.isoformat(),
                        "audit_head": {"seq": head[0], "hash": head[1]}, "documents": listed}
            put("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def follow_case_end(event: CaseClosed) -> None:
    """A case closed by its ``archive`` task (归档): its archive is built and kept as a document of kind ``archive``."""
    op, case = event.op, event.case
    archived = op.session.scalar(select(CaseTask.id).where(CaseTask.case_id == case.id, CaseTask.element_id == "archive",
                                                           CaseTask.status == "done").limit(1))
    if archived is None:
        return
    with write(op.session, op.services.settings, op.services.registry, case, op.now) as file:
        data = file.read(op.services.settings.archive_max_bytes + 1)
    if len(data) > op.services.settings.archive_max_bytes:
        raise Conflict(f"the archive of case {case.number} is larger than JIUZHU_ARCHIVE_MAX_BYTES")
    documents.add(op, case, data, kind="archive", content_type="application/zip", filename=f"{case.number}-一户一档.zip")
