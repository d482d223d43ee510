"""REST endpoints for a case's income account (家庭经济状况核算)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..auth.service import require_role
from ..cases.schemas import CaseId
from ..cases.service import load as load_case
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..errors import NotFound
from . import service
from .models import IncomeAccount
from .schemas import IncomeIn, IncomeOut

router = APIRouter(prefix="/api/v1/cases", tags=["income"])
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {"description": "no such case in your region"},
                                          409: {"description": "the case is closed"}}


def _out(account: IncomeAccount) -> IncomeOut:
    return IncomeOut(case_id=account.case_id, rule_pack=account.rule_pack, household=account.household,
                     result=account.result, recorded_at=account.recorded_at, recorded_by=account.recorded_by)


@router.put("/{case_id}/income", response_model=IncomeOut, responses=ERRORS)
def put_income(case_id: CaseId, body: IncomeIn, session: SessionDep, user: CurrentUser, services: ServicesDep,
               now: NowDep) -> IncomeOut:
    """Record the household's monthly income by item and its rigid expenditures; answers the computation."""
    require_role(user, "township", "county")
    case = load_case(session, user, case_id, lock=True)
    op = Operation(services, session, now, user.name)
    members = body.members or 1 + len(case.household or [])
    household = service.household_of(members, {str(k): v for k, v in body.income.items()},
                                     {str(k): v for k, v in body.expenditure.items()}, body.single_person,
                                     body.single_person_income)
    return _out(service.record(op, case, household, user.name))


@router.get("/{case_id}/income", response_model=IncomeOut, responses=ERRORS)
def get_income(case_id: CaseId, session: SessionDep, user: CurrentUser) -> IncomeOut:
    """The case's income account and what it computed (404 until one is recorded)."""
    require_role(user, "village", "township", "county", "admin")
    load_case(session, user, case_id)
    account = session.get(IncomeAccount, case_id)
    if account is None:
        raise NotFound(f"case {case_id} has no income account yet")
    return _out(account)
