"""REST endpoint for the death register (殡葬信息): a county imports the funeral and civil-registry records."""

from __future__ import annotations

import io

from fastapi import APIRouter, UploadFile
from pydantic import BaseModel, Field

from ..auth.service import require_role
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..errors import Invalid
from . import deaths

router = APIRouter(prefix="/api/v1/registers", tags=["supervision"])


class DeathImportOut(BaseModel):
    imported: int = Field(description="people new on the register")
    already_known: int = Field(description="rows for people the register already had (the first record stands)")
    matched_beneficiaries: int = Field(description="beneficiaries among the new: suspended, each with a recheck opened")
    flagged_cases: int = Field(description="open applications whose applicant is among the new")


@router.post("/deaths", response_model=DeathImportOut, responses={
    401: {}, 403: {}, 422: {"description": "a bad row, named by its line; nothing is imported"}, 413: {}})
def import_deaths(file: UploadFile, session: SessionDep, user: CurrentUser, services: ServicesDep, now: NowDep) -> DeathImportOut:
    """Import a CSV with the header `id_number,name,died_on,source` (UTF-8, a BOM is fine). Importing it again changes nothing."""
    require_role(user, "county", "admin")
    text = io.TextIOWrapper(file.file, encoding="utf-8-sig", newline="")
    op = Operation(services, session, now, user.name)
    try:
        result = deaths.import_deaths(op, text)
    except UnicodeDecodeError:
        raise Invalid("the file is not UTF-8 text", ("body", "file")) from None
    return DeathImportOut(imported=result.imported, already_known=result.already_known,
                          matched_beneficiaries=result.matched_beneficiaries, flagged_cases=result.flagged_cases)
