"""REST endpoints for beneficiaries under dynamic management (动态管理)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import require_role
from ..cases.models import Case
from ..cases.present import case_out
from ..cases.schemas import CaseOut, HistoryEvent, Kind
from ..cases.workflow import Operation
from ..clock import local_date
from ..dates import add_months
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..privacy import data_for, id_for, mask_account
from ..regions.service import names
from . import periodic, service
from .models import Beneficiary, PeriodicReport
from .schemas import (
    BeneficiaryDetail,
    BeneficiaryOut,
    BeneficiaryPage,
    BeneficiaryStatus,
    CaseRef,
    PayeeIn,
    PeriodicReportIn,
    PeriodicReportList,
    PeriodicReportOut,
    RecheckClass,
    RecheckIn,
    RecheckOut,
)

router = APIRouter(prefix="/api/v1/beneficiaries", tags=["beneficiaries"])
READERS = ("village", "township", "county", "admin")
BeneficiaryId = Annotated[int, Path(ge=1, le=2_147_483_647, description="the beneficiary id")]
ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing or invalid token"}, 403: {}, 404: {"description": "no such beneficiary in your region"}}


def _out(session: Session, user: User, b: Beneficiary) -> BeneficiaryOut:
    recheck = session.get(Case, b.recheck_case_id) if b.recheck_case_id else None
    return BeneficiaryOut(
        id=b.id, number=b.number, case_id=b.case_id, kind=b.kind, status=b.status, region=b.region,
        region_name=names(session, [b.region])[b.region], hukou=b.hukou,
        applicant={"name": b.applicant_name, "id_number": id_for(user.role, b.applicant_id_number)},
        household_size=b.household_size, recheck_class=b.recheck_class, amount=b.amount, support_mode=b.support_mode,
        self_care=b.self_care, since=b.since, next_recheck_on=b.next_recheck_on, last_recheck_on=b.last_recheck_on,
        rechecks=b.rechecks, open_recheck=CaseRef(id=recheck.id, number=recheck.number) if recheck else None,
        stopped_on=b.stopped_on, stop_reason=b.stop_reason, suspended=b.suspended, died_on=b.died_on,
        taper=_taper(b), bank=b.bank, account=mask_account(b.account), last_report_on=b.last_report_on,
    )


def _taper(b: Beneficiary) -> dict[str, Any] | None:
    if b.taper_from is None or not b.taper_months:
        return None
    last = add_months(b.taper_from, b.taper_months - 1)
    return {"months": b.taper_months, "from": b.taper_from.strftime("%Y-%m"), "until": last.strftime("%Y-%m")}


@router.get("", response_model=BeneficiaryPage, responses=ERRORS)
def list_beneficiaries(
    session: SessionDep, user: CurrentUser,
    status: BeneficiaryStatus | None = None, kind: Kind | None = None, recheck_class: RecheckClass | None = None,
    region: Annotated[str | None, Query(pattern=r"^\d{1,12}$", description="region-code prefix")] = None,
    recheck_due_before: Annotated[date | None, Query(description="next recheck before this date")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> BeneficiaryPage:
    """Approved dibao and tekun households in your region, newest first."""
    require_role(user, *READERS)
    rows, total = service.search(session, user, status=status, kind=kind, recheck_class=recheck_class, region=region,
                                 recheck_due_before=recheck_due_before, page=page, page_size=page_size)
    return BeneficiaryPage(items=[_out(session, user, b) for b in rows], total=total, page=page, page_size=page_size)


@router.get("/{beneficiary_id}", response_model=BeneficiaryDetail, responses=ERRORS)
def get_beneficiary(beneficiary_id: BeneficiaryId, session: SessionDep, user: CurrentUser) -> BeneficiaryDetail:
    """A beneficiary with its rechecks."""
    require_role(user, *READERS)
    b = service.load(session, user, beneficiary_id)
    rechecks = [RecheckOut(id=c.id, number=c.number, status=c.status, outcome=(c.facts or {}).get("outcome") if c.closed_at else None,
                           created_at=c.created_at, closed_at=c.closed_at) for c in service.rechecks(session, b)]
    return BeneficiaryDetail(**_out(session, user, b).model_dump(), recheck_cases=rechecks)


@router.get("/{beneficiary_id}/history", response_model=list[HistoryEvent], responses=ERRORS)
def beneficiary_history(beneficiary_id: BeneficiaryId, session: SessionDep, user: CurrentUser) -> list[HistoryEvent]:
    """What happened to the beneficiary, oldest first: registered, rechecks opened, continued, adjusted, stopped."""
    require_role(user, *READERS)
    b = service.load(session, user, beneficiary_id)
    return [HistoryEvent(at=e.at, actor=e.actor, type=e.type, element_id=e.element_id,
                         data=data_for(user.role, e.data))
            for e in service.history(session, b)]


@router.post("/{beneficiary_id}/rechecks", status_code=201, response_model=CaseOut,
             responses={**ERRORS, 409: {"description": "a recheck is already open (named), or the benefit is stopped"}, 422: {}})
def request_recheck(beneficiary_id: BeneficiaryId, payload: RecheckIn, services: ServicesDep, session: SessionDep,
                    user: CurrentUser, now: NowDep) -> CaseOut:
    """Open a recheck now (township, county): a data warning, a change the family reported, a public report, a periodic
    report, or another reason. At most one recheck is open per beneficiary."""
    require_role(user, "township", "county")
    b = service.load(session, user, beneficiary_id, lock=True)
    demand = service.RecheckDemand(payload.trigger, payload.reason.strip(), payload.effective_from)
    case = service.recheck_on_demand(Operation(services, session, now, user.name), b, demand)
    return case_out(session, services.registry, services.calendars.get(session), user, case, local_date(now))


def _report_out(session: Session, row: PeriodicReport, due: date | None) -> PeriodicReportOut:
    recheck = session.get(Case, row.recheck_case_id) if row.recheck_case_id else None
    return PeriodicReportOut(id=row.id, reported_on=row.reported_on, changed=row.changed, note=row.note,
                             recorded_by=row.recorded_by, recheck=CaseRef(id=recheck.id, number=recheck.number) if recheck else None,
                             next_report_due=due)


@router.post("/{beneficiary_id}/periodic-reports", status_code=201, response_model=PeriodicReportOut,
             responses={**ERRORS, 409: {"description": "the benefit is stopped"}, 422: {}})
def record_periodic_report(beneficiary_id: BeneficiaryId, payload: PeriodicReportIn, services: ServicesDep, session: SessionDep,
                           user: CurrentUser, now: NowDep) -> PeriodicReportOut:
    """Record a household's periodic report (township). ``changed``: a recheck opens at once (trigger change_report)."""
    require_role(user, "township")
    b = service.load(session, user, beneficiary_id, lock=True)
    row = periodic.record(Operation(services, session, now, user.name), b, payload.reported_on, payload.changed,
                          payload.note.strip())
    return _report_out(session, row, periodic.report_due_on(services.rules, b, local_date(now)))


@router.get("/{beneficiary_id}/periodic-reports", response_model=PeriodicReportList, responses=ERRORS)
def periodic_reports(beneficiary_id: BeneficiaryId, services: ServicesDep, session: SessionDep, user: CurrentUser,
                     now: NowDep) -> PeriodicReportList:
    """The household's periodic reports, oldest first, and when the next is due."""
    require_role(user, *READERS)
    b = service.load(session, user, beneficiary_id)
    due = periodic.report_due_on(services.rules, b, local_date(now))
    return PeriodicReportList(items=[_report_out(session, r, None) for r in periodic.reports_of(session, b)], next_report_due=due)


@router.put("/{beneficiary_id}/payee", response_model=BeneficiaryOut, responses={**ERRORS, 422: {}})
def set_payee(beneficiary_id: BeneficiaryId, payload: PayeeIn, services: ServicesDep, session: SessionDep,
              user: CurrentUser, now: NowDep) -> BeneficiaryOut:
    """Where rosters pay the benefit (township, county): the agent financial institution and the account (shown masked)."""
    require_role(user, "township", "county")
    b = service.load(session, user, beneficiary_id, lock=True)
    service.set_payee(Operation(services, session, now, user.name), b, payload.bank, payload.account)
    return _out(session, user, b)
