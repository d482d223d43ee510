"""Supervision endpoints for county bureaus: overdue lists and the monthly report."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from ..auth.service import require_role
from ..clock import local_date
from ..dates import month_bounds
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..errors import Invalid, problem
from ..regions.service import with_names
from . import reports, scrutiny
from .schemas import OverdueOut
from .service import overdue_report

router = APIRouter(prefix="/api/v1", tags=["supervision"])
RegionQuery = Annotated[str | None, Query(pattern=r"^\d{1,12}$", description="region-code prefix within your scope")]


@router.get("/supervision/overdue", response_model=OverdueOut, responses={401: {}, 403: {}, 422: {}})
def overdue(
    services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep, region: RegionQuery = None,
    at_risk_days: Annotated[int | None, Query(ge=0, le=60, description="default: the rule pack's at_risk_days")] = None,
) -> dict[str, Any]:
    """Per township (9-digit code): overdue cases, cases due within the at-risk window, tasks past their stage deadline."""
    require_role(user, "county", "admin")
    days = at_risk_days if at_risk_days is not None else int(services.rules.get(services.rules.default_id).number("at_risk_days", "dibao"))
    return overdue_report(session, user, local_date(now), services.calendars.get(session), days, region)


@router.get("/reports/monthly", responses={200: {"content": {"application/json": {}, "text/csv": {},
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}, 401: {}, 403: {}, 422: {}})
def monthly(
    services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM", examples=["2026-11"])],
    format: Literal["json", "csv", "xlsx"] = "json", region: RegionQuery = None,
) -> Any:
    """Accepted, approved, rejected, withdrawn, referred, overdue and median working days to decision, per township."""
    require_role(user, "township", "county", "admin")
    try:
        report = reports.monthly(session, user, services.calendars.get(session), month, region)
        first, last = month_bounds(month)
    except ValueError:
        raise Invalid([problem(("query", "month"), "must be a month YYYY-MM")]) from None
    counts = scrutiny.monthly_counts(session, services.rules, user, last, first, local_date(now), region)
    townships = with_names(session, [{"township": t, **c} for t, c in sorted(counts.items())], "township")
    report["scrutiny"] = {"townships": townships,
                          "totals": {k: sum(c[k] for c in counts.values()) for k in scrutiny.MONTHLY}}
    name = f"jiuzhu-{month}"
    if format == "csv":
        return Response(reports.to_csv(report), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    if format == "xlsx":
        return Response(reports.to_xlsx(report),
                        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    return report


@router.get("/supervision/scrutiny", responses={401: {}, 403: {}, 422: {}})
def public_scrutiny(services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
                    region: RegionQuery = None) -> dict[str, Any]:
    """Per township: open public reports (监督举报), full-review batches awaiting the county's answer (全面复核) and
    households whose periodic report (定期报告) is missing; each with its list and how many are past their day."""
    require_role(user, "county", "admin")
    return scrutiny.report(session, services.rules, user, local_date(now), region)
