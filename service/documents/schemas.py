"""What the document endpoints answer."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class DocumentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "id": "cb5891e31e7741d7b38366aa953c91ae", "case_id": 1, "task_id": "ee835e73-2957-4534-a18c-22415d6345be",
        "kind": "home_visit_record", "kind_label": "入户调查表", "filename": "入户调查表（签字）.pdf", "content_type": "application/pdf",
        "size": 184320, "sha256": "14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad", "uploaded_by": "wang",
        "uploaded_at": "2026-11-02T09:30:00+08:00"}})

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
