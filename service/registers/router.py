"""REST endpoint for the near-relative register (近亲属备案)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ..auth.service import require_role
from ..cases.schemas import Kind, Status
from ..clock import Instant
from ..deps import CurrentUser, SessionDep
from ..privacy import id_for
from . import service

router = APIRouter(prefix="/api/v1/registers", tags=["supervision"])


class CountyVisitOut(BaseModel):
    status: str = Field(description="pending (not yet open: the case is before acceptance), open, or done")
    due_on: str | None = None
    completed_at: Instant | None = None
    completed_by: str | None = None


class NearRelativeOut(BaseModel):
    case_id: int
    number: str
    kind: str
    status: str
    region: str
    applicant: dict[str, Any]
    detail: dict[str, Any] | None = Field(description="the staff member and the kinship, when the application gave them")
    registered_at: Instant
    county_home_visit: CountyVisitOut


class NearRelativePage(BaseModel):
    items: list[NearRelativeOut]
    total: int
    page: int
    page_size: int


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
            applicant={"name": case.applicant_name, "id_number": id_for(user.role, case.applicant_id_number)},
            detail=case.near_relative_detail, registered_at=case.created_at,
            county_home_visit=CountyVisitOut(
                status=visit.status if visit else "pending", due_on=visit.due_on.isoformat() if visit and visit.due_on else None,
                completed_at=visit.completed_at if visit else None, completed_by=visit.completed_by if visit else None),
        ))
    return NearRelativePage(items=items, total=total, page=page, page_size=page_size)
