"""What the document endpoints answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class DocumentOut(BaseModel):
    id: str = Field(description="32 hex characters")
    case_id: int
    task_id: str | None = Field(description="the task it was uploaded for, or null for the case")
    kind: str = Field(description="application, home_visit_record, appraisal_record, meeting_minutes, other; archive for the household archive")
    kind_label: str = Field(description="the kind in Chinese (申请材料, 入户调查表, ...)")
    filename: str = Field(description="the uploader's name for the file, cleaned (display only)")
    content_type: str = Field(description="sniffed from the content: application/pdf, image/jpeg or image/png (application/zip for an archive)")
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
