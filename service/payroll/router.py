"""REST endpoints for payment rosters (发放名册) and overpayments (追缴)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import require_role
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..privacy import id_for, mask_account
from ..regions.service import namer, names
from . import export, service
from .models import Payroll
from .overpay import overpayments
from .schemas import HeldOut, Month, OverpaymentOut, OverpaymentPage, PayrollIn, PayrollOut, PayrollSummary, RowOut

router = APIRouter(prefix="/api/v1/payrolls", tags=["payments"])
PayrollId = Annotated[int, Path(ge=1, le=2_147_483_647, description="the roster id")]
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {"description": "no such roster in your region"},
          409: {"description": "already issued, or nothing to supplement"}}
Page = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=1000)]


def _out(session: Session, user: User, p: Payroll, page: int = 1, page_size: int = 100) -> PayrollOut:
    township = service.section(user)
    rows, count = service.row_page(session, p, township, page, page_size)
    held = service.holds(session, p, township)
    named = names(session, {p.county, *(c for r in rows for c in (r.township, r.village)),
                            *(c for h in held for c in (h.township, h.village))})
    return PayrollOut(
        id=p.id, county=p.county, county_name=named[p.county], month=p.month, kind=p.kind, status=p.status, rule_pack=p.rule_pack, months=p.months,
        pay_by=p.pay_by, row_count=count, total=p.total, checksum=p.checksum, late=p.late, created_at=p.created_at,
        issued_at=p.issued_at, page=page, page_size=page_size,
        rows=[RowOut(case_number=r.case_number, name=r.name, id_number=id_for(user.role, r.id_number), township=r.township,
                     township_name=named[r.township], village=r.village, village_name=named[r.village], kind=r.kind, monthly_amount=r.monthly_amount, amount=r.amount, months=r.months,
                     change=r.change, bank=r.bank, account=mask_account(r.account)) for r in rows],
        held=[HeldOut(case_number=h.case_number, name=h.name, id_number=id_for(user.role, h.id_number), township=h.township,
                      township_name=named[h.township], village=h.village, village_name=named[h.village], kind=h.kind,
                      amount=h.amount, reason=h.reason, detail=h.detail)
              for h in held],
    )


@router.post("", status_code=201, response_model=PayrollOut, responses={**ERRORS, 422: {"description": "bad month or county"}})
def create_payroll(body: PayrollIn, session: SessionDep, user: CurrentUser, services: ServicesDep, now: NowDep) -> PayrollOut:
    """Generate the county's draft roster for the month, checked against the death register, duplicates and stops.

    Generating again replaces the draft; once the month is issued → 409 (use `"supplementary": true`).
    """
    require_role(user, "county", "admin")
    p = service.create(Operation(services, session, now, user.name), user, body.county, body.month, body.supplementary)
    return _out(session, user, p)


@router.post("/{payroll_id}/issue", response_model=PayrollOut, responses=ERRORS)
def issue_payroll(payroll_id: PayrollId, session: SessionDep, user: CurrentUser, services: ServicesDep,
                  now: NowDep) -> PayrollOut:
    """Freeze the roster: its rows and checksum go into the audit chain; again → 409. After the payment day it is `late`."""
    require_role(user, "county", "admin")
    return _out(session, user, service.issue(Operation(services, session, now, user.name), user, payroll_id))


@router.get("", response_model=list[PayrollSummary], responses=ERRORS)
def list_payrolls(session: SessionDep, user: CurrentUser, month: Month | None = None) -> list[PayrollSummary]:
    """Your county's rosters, newest month first."""
    require_role(user, "township", "county", "admin")
    found = service.search(session, user, month)
    named = names(session, {p.county for p in found})
    return [PayrollSummary(id=p.id, county=p.county, county_name=named[p.county], month=p.month, kind=p.kind, status=p.status, row_count=p.row_count,
                           held_count=p.held_count, total=p.total, checksum=p.checksum, late=p.late, pay_by=p.pay_by,
                           issued_at=p.issued_at) for p in found]


@router.get("/overpayments", response_model=OverpaymentPage, responses=ERRORS)
def list_overpayments(session: SessionDep, user: CurrentUser,
                      county: Annotated[str | None, Query(pattern=r"^\d{6}$")] = None) -> OverpaymentPage:
    """Money paid after a benefit stopped or its holder died (追缴), newest first."""
    require_role(user, "county", "admin")
    items, total = overpayments(session, user, county)
    return OverpaymentPage(total_amount=total, items=[
        OverpaymentOut(case_number=o.case_number, name=o.name, stopped_on=o.stopped_on, months=o.months, amount=o.amount,
                       reason=o.reason, recorded_at=o.recorded_at) for o in items])


@router.get("/{payroll_id}", response_model=PayrollOut, responses={
    **ERRORS, 200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def get_payroll(payroll_id: PayrollId, session: SessionDep, user: CurrentUser,
                format: Literal["json", "csv", "xlsx"] = "json", page: Page = 1, page_size: PageSize = 100,
                ) -> PayrollOut | StreamingResponse:
    """A roster (a township sees its own section): JSON by page, or the whole roster as CSV (UTF-8 with BOM) or XLSX."""
    require_role(user, "township", "county", "admin")
    p = service.load(session, user, payroll_id)
    if format == "json":
        return _out(session, user, p, page, page_size)
    rows = service.rows(session, p, service.section(user))
    name = f"payroll-{p.county}-{p.month}-{p.id}"
    if format == "csv":
        return StreamingResponse(export.chunks(export.csv_file(p, rows, user.role, namer(session))), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return StreamingResponse(export.chunks(export.xlsx_file(p, rows, user.role, namer(session))), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'})
