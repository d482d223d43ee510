"""The public publicity feed: no token needed, nothing personal beyond what the law publishes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..clock import local_date
from ..deps import NowDep, SessionDep
from .schemas import Notice, NoticePage
from .service import in_publicity

router = APIRouter(prefix="/api/v1/publicity", tags=["publicity"])


@router.get("", response_model=NoticePage, response_model_by_alias=True)
def publicity(
    session: SessionDep, now: NowDep,
    region: Annotated[str | None, Query(pattern=r"^\d{1,12}$", description="region-code prefix")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NoticePage:
    """Cases now in publicity (公示期): masked name, household size, amount, place and period."""
    items, total = in_publicity(session, local_date(now), region, page, page_size)
    return NoticePage(items=[Notice.model_validate(i) for i in items], total=total)
