"""A case's documents: the row a list reads, and the bytes kept apart so listing never loads them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random hex: ids are not guessable or countable
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    task_id: Mapped[str | None] = mapped_column(String(36), nullable=True)  # uploaded for this task of the case
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(120))  # the uploader's name for it, cleaned; shown, never trusted
    content_type: Mapped[str] = mapped_column(String(40))  # sniffed from the bytes
    size: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    sha256: Mapped[str] = mapped_column(String(64))
    store: Mapped[str] = mapped_column(String(12))  # database or s3
    store_key: Mapped[str | None] = mapped_column(String(300), nullable=True)  # the object's key in S3
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DocumentBlob(Base):
    """A document's bytes when the database keeps them (``JIUZHU_DOCUMENT_STORE=database``, the default)."""

    __tablename__ = "document_blobs"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
