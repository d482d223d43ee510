"""REST endpoints for cases (API.md § Cases)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from ..clock import local_date
from ..definitions.schemas import MigrateIn, MigrationOut
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..privacy import data_for
from . import service, version_migration, workflow
from .present import case_out, cases_out
from .schemas import (
    CaseCreate,
    CaseId,
    CaseOut,
    CasePage,
    CasePath,
    HistoryEvent,
    Kind,
    ObjectionIn,
    PositionOut,
    ProcessRef,
    Purpose,
    Reason,
    Status,
)
from .workflow import Operation

router = APIRouter(prefix="/api/v1/cases", tags=["cases"])
ERRORS: dict[int | str, dict[str, Any]] = {401: {"description": "missing or invalid token"}, 404: {"description": "no such case in your region"}}


def _out(services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep, case_id: int) -> CaseOut:
    case = service.load(session, user, case_id)
    return case_out(session, services.registry, services.calendars.get(session), user, case, local_date(now))


@router.post("", status_code=201, response_model=CaseOut, responses={**ERRORS, 403: {}, 409: {}, 422: {}})
def create_case(payload: CaseCreate, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseOut:
    """Register an application; the case starts at acceptance (受理)."""
    case = service.create(Operation(services, session, now, user.name), user, payload)
    return case_out(session, services.registry, services.calendars.get(session), user, case, local_date(now))


@router.get("", response_model=CasePage, responses=ERRORS)
def list_cases(
    services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
    status: Status | None = None, kind: Kind | None = None,
    purpose: Annotated[Purpose | None, Query(description="application, recheck or spot_check")] = None,
    region: Annotated[str | None, Query(pattern=r"^\d{1,12}$", description="region-code prefix")] = None,
    element_id: Annotated[str | None, Query(max_length=100, description="cases with a token at this element")] = None,
    overdue: bool | None = None,
    due_before: Annotated[date | None, Query(description="statutory due date before this date")] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
    id_number: Annotated[str | None, Query(pattern=r"^\d{17}[\dXx]$|^\d{15}$", description="cases naming this person")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=50, description="a case number (exactly), part of an applicant's "
                                   "name, or an 18-character ID number (exactly) of anyone the case names")] = None,
) -> CasePage:
    """Cases in your region, newest first."""
    today = local_date(now)
    rows, total = service.search(session, user, today, status=status, kind=kind, region=region, element_id=element_id,
                                 overdue=overdue, due_before=due_before, page=page, page_size=page_size, purpose=purpose,
                                 id_number=id_number, q=q)
    items = cases_out(session, services.registry, services.calendars.get(session), user, rows, today)
    return CasePage(items=items, total=total, page=page, page_size=page_size)


@router.get("/{case_id}", response_model=CaseOut, responses=ERRORS)
def get_case(case_id: CaseId, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseOut:
    """One case: its positions, open tasks and deadlines (404 outside your region)."""
    return _out(services, session, user, now, case_id)


@router.get("/{case_id}/history", response_model=list[HistoryEvent], responses=ERRORS)
def case_history(case_id: CaseId, session: SessionDep, user: CurrentUser) -> list[HistoryEvent]:
    """The case's audit events, oldest first."""
    case = service.load(session, user, case_id)
    return [HistoryEvent(at=e.at, actor=e.actor, type=e.type, element_id=e.element_id,
                         data=data_for(user.role, e.data))
            for e in service.history(session, case)]


@router.post("/{case_id}/objections", response_model=CaseOut, responses={**ERRORS, 403: {}, 409: {}, 422: {}})
def file_objection(case_id: CaseId, body: ObjectionIn, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseOut:
    """An objection during publicity (公示期异议): the case now holds a ``handle_objection`` task."""
    case = service.load(session, user, case_id, lock=True)
    service.file_objection(Operation(services, session, now, user.name), user, case, body.text)
    return _out(services, session, user, now, case_id)


@router.post("/{case_id}/withdraw", response_model=CaseOut, responses={**ERRORS, 403: {}, 409: {}, 422: {}})
def withdraw_case(case_id: CaseId, body: Reason, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseOut:
    """The applicant withdraws; open tasks and timers end."""
    case = service.load(session, user, case_id, lock=True)
    service.withdraw(Operation(services, session, now, user.name), user, case, body.reason)
    return _out(services, session, user, now, case_id)


@router.post("/{case_id}/extension", response_model=CaseOut, responses={**ERRORS, 403: {}, 409: {}, 422: {}})
def extend_deadline(case_id: CaseId, body: Reason, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseOut:
    """Extend the statutory limit once (特殊情况延长): to 45 working days for dibao and tekun, 60 for linshi."""
    case = service.load(session, user, case_id, lock=True)
    service.extend(Operation(services, session, now, user.name), user, case, body.reason)
    return _out(services, session, user, now, case_id)


@router.post("/{case_id}/migrate", response_model=MigrationOut, responses={**ERRORS, 403: {}, 409: {}, 422: {}})
def migrate_case(case_id: CaseId, body: MigrateIn, services: ServicesDep, session: SessionDep, user: CurrentUser,
                 now: NowDep) -> MigrationOut:
    """Move a running case to another version of its process (designer). ``dry_run`` (the default) only reports.

    Refused (409, naming the steps) when a completed step changed; otherwise open tasks and waiting
    events are re-created on the new version and the move is audited as ``case.migrated``.
    """
    case = service.load(session, user, case_id, lock=not body.dry_run)
    return version_migration.migrate_case(Operation(services, session, now, user.name), user, case, body)


@router.get("/{case_id}/path", response_model=CasePath, responses=ERRORS)
def case_path(case_id: CaseId, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> CasePath:
    """The steps the case has completed (gateways and events included), in order, and where its tokens are now."""
    case = service.load(session, user, case_id)
    op = Operation(services, session, now, user.name)
    completed = workflow.peek(op, case).completed_elements()
    return CasePath(process=ProcessRef(key=case.process_key, version=case.process_version), completed=completed,
                    positions=[PositionOut(**p) for p in case.positions])
