"""REST endpoints for the registers: the near-relative register (近亲属备案) and the death register (殡葬信息)."""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile

from ..auth.service import require_role
from ..cases.schemas import Kind, Status
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..errors import Invalid
from ..privacy import id_for
from ..regions.service import names
from . import deaths, service
from .schemas import CountyVisitOut, DeathImportOut, NearRelativeOut, NearRelativePage

router = APIRouter(prefix="/api/v1/registers", tags=["supervision"])


@router.get("/near-relatives", response_model=NearRelativePage, responses={401: {}, 403: {}})
def near_relatives(
    session: SessionDep, user: CurrentUser,
    kind: Kind | None = None, status: Status | None = None,
    county_visit: Annotated[Literal["done", "pending"] | None, Query(description="done, or still pending")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> NearRelativePage:
    """Applications declared `near_relative_of_staff`, registered separately, with the county's own home visit."""
    require_role(user, "county", "admin")
    rows, total = service.near_relatives(session, user, kind=kind, status=status, visit=county_visit, page=page,
                                         page_size=page_size)
    items = []
    for case, visit in rows:
        items.append(NearRelativeOut(
            case_id=case.id, number=case.number, kind=case.kind, status=case.status, region=case.region,
            region_name=names(session, [case.region])[case.region],
            applicant={"name": case.applicant_name, "id_number": id_for(user.role, case.applicant_id_number)},
            detail=case.near_relative_detail, registered_at=case.created_at,
            county_home_visit=CountyVisitOut(
                status=visit.status if visit else "pending", due_on=visit.due_on.isoformat() if visit and visit.due_on else None,
                completed_at=visit.completed_at if visit else None, completed_by=visit.completed_by if visit else None),
        ))
    return NearRelativePage(items=items, total=total, page=page, page_size=page_size)


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
