"""The public publicity feed: no token needed, nothing personal beyond what the law publishes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from ..clock import local_date
from ..dates import month_bounds
from ..deps import NowDep, ServicesDep, SessionDep
from ..errors import Invalid, problem
from . import longterm
from .schemas import Decision, DecisionPage, Listed, ListedPage, Notice, NoticePage
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


PlaceQuery = Annotated[str, Query(pattern=r"^\d{6}(\d{3}(\d{3})?)?$",
                                  description="a county (6 digits), township (9) or village (12) code")]
Page = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]


@router.get("/beneficiaries", response_model=ListedPage)
def long_term(services: ServicesDep, session: SessionDep, now: NowDep, region: PlaceQuery, page: Page = 1,
              page_size: PageSize = 50) -> ListedPage:
    """长期公示: everyone now on dibao or tekun in a county, township or village: name (as the pack says, never a
    minor's), household size, amount, place. No token."""
    items, total = longterm.on_benefit(session, services.rules, local_date(now), region, page, page_size)
    return ListedPage(items=[Listed.model_validate(i) for i in items], total=total)


@router.get("/decisions", response_model=DecisionPage)
def decisions(
    services: ServicesDep, session: SessionDep, now: NowDep, region: PlaceQuery,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM", examples=["2026-11"])],
    page: Page = 1, page_size: PageSize = 50,
) -> DecisionPage:
    """The month's confirmed decisions (all three kinds, with linshi amounts; emergency linshi after the fact when
    the pack says so). No token."""
    try:
        month_bounds(month)
    except ValueError:  # a month the calendar cannot hold (0000-01, 9999-12)
        raise Invalid([problem(("query", "month"), "must be a month YYYY-MM")]) from None
    items, total = longterm.decisions(session, services.rules, local_date(now), month, region, page, page_size)
    return DecisionPage(items=[Decision.model_validate(i) for i in items], total=total)
