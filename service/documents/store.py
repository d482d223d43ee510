"""Where a document's bytes go: the database (default, in the case's own transaction) or an S3-compatible store.

With S3 the object is written before the transaction commits, under a key holding the document's
random id: a transaction that then rolls back leaves an object no row points to, never a row
without its object.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from ..config import Settings
from ..errors import ServiceError
from .models import Document, DocumentBlob
from .s3 import S3Store, StoreError

_S3: dict[tuple[str, str, str, str, str, str, float], S3Store] = {}


class StoreUnavailable(ServiceError):
    status = 503
    headers = {"Retry-After": "5"}


def s3_store(settings: Settings) -> S3Store:
    missing = [name for name in ("s3_endpoint", "s3_bucket", "s3_access_key", "s3_secret_key") if not getattr(settings, name)]
    if missing:
        raise StoreUnavailable(f"JIUZHU_DOCUMENT_STORE=s3 needs {', '.join('JIUZHU_' + m.upper() for m in missing)}")
    key = (str(settings.s3_endpoint), str(settings.s3_bucket), settings.s3_region, str(settings.s3_access_key),
           str(settings.s3_secret_key), settings.s3_prefix, settings.s3_timeout_seconds)
    if key not in _S3:
        _S3[key] = S3Store(key[0], key[1], region=key[2], access_key=key[3], secret_key=key[4], prefix=key[5], timeout=key[6])
    return _S3[key]


def put(session: Session, settings: Settings, document: Document, data: bytes, at: datetime) -> None:
    """Keep the bytes of ``document`` (a row just added) where the settings say."""
    if settings.document_store == "s3":
        document.store, document.store_key = "s3", f"cases/{document.case_id}/{document.id}"
        try:
            s3_store(settings).put(document.store_key, data, document.content_type, at)
        except StoreError as exc:
            raise StoreUnavailable(str(exc)) from None
    else:
        document.store = "database"
        session.add(DocumentBlob(document_id=document.id, data=data))


def get(session: Session, settings: Settings, document: Document, at: datetime) -> bytes:
    """The bytes of a stored document, from wherever they were put."""
    if document.store == "s3" and document.store_key:
        try:
            return s3_store(settings).get(document.store_key, at, document.size)
        except StoreError as exc:
            raise StoreUnavailable(str(exc)) from None
    blob = session.get(DocumentBlob, document.id)
    if blob is None:
        raise StoreUnavailable(f"the bytes of document {document.id} are missing")
    return bytes(blob.data)
