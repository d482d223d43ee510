"""REST endpoints for task queues and completion."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from ..cases.present import case_out
from ..cases.schemas import CaseOut, Kind
from ..cases.service import load as load_case
from ..cases.workflow import Operation
from ..clock import local_date
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from . import service
from .schemas import CompleteIn, TaskOut, TaskPage

router = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])
TaskId = Annotated[str, Path(min_length=1, max_length=64, description="the task id")]


@router.get("", response_model=TaskPage, responses={401: {}})
def my_queue(
    services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep,
    kind: Kind | None = None,
    region: Annotated[str | None, Query(pattern=r"^\d{1,12}$")] = None,
    element_id: Annotated[str | None, Query(max_length=100)] = None,
    overdue: Annotated[bool | None, Query(description="tasks past their stage deadline")] = None,
    due_before: date | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 20,
) -> TaskPage:
    """Open tasks for your role in your region, earliest stage deadline first."""
    today = local_date(now)
    rows, total = service.queue(session, user, today, kind=kind, region=region, element_id=element_id, overdue=overdue,
                                due_before=due_before, page=page, page_size=page_size)
    return TaskPage(items=[service.task_out(services.registry, session, t, c, today) for t, c in rows],
                    total=total, page=page, page_size=page_size)


@router.get("/{task_id}", response_model=TaskOut, responses={401: {}, 404: {}})
def get_task(task_id: TaskId, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> TaskOut:
    """One task with its form and stage deadline (404 outside your region)."""
    task = service.load(session, user, task_id)
    return service.task_out(services.registry, session, task, load_case(session, user, task.case_id), local_date(now))


@router.post("/{task_id}/complete", response_model=CaseOut, responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def complete_task(task_id: TaskId, body: CompleteIn, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> Response:
    """Complete a task with its form data; the case moves on and is returned."""
    op = Operation(services, session, now, user.name)
    case = service.complete(op, user, task_id, body.data)
    out = case_out(session, services.registry, services.calendars.get(session), user, case, local_date(now),
                   op.open_tasks.get(case.id))
    # built by case_out from the rows, so valid: written once, not validated again against the response model
    return Response(out.model_dump_json(), media_type="application/json")
