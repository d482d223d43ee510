"""REST endpoints for workers outside the service (role ``service``) and for admins' retries."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from ..auth.service import require_role
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..roles import ADMIN, SERVICE
from . import service
from .models import ExternalTask
from .schemas import CompleteIn, ExtendIn, ExternalTaskOut, FailureIn, FetchIn, LockedOut, RetryIn

router = APIRouter(prefix="/api/v1/external-tasks", tags=["external tasks"])
TaskId = Annotated[str, Path(min_length=1, max_length=64, description="the external task's id")]
ERRORS: dict[int | str, dict[str, str]] = {401: {"description": "missing or invalid token"}, 403: {"description": "not role service"},
                                          404: {"description": "no such task of your topics and region"}}
HELD = {**ERRORS, 409: {"description": "the lock expired or is another worker's, or the task is no longer open"}, 422: {}}


def _out(task: ExternalTask) -> ExternalTaskOut:
    return ExternalTaskOut(id=task.id, case_id=task.case_id, element_id=task.element_id, name=task.name, topic=task.topic,
                           status=task.status, worker_id=task.worker_id, lock_expires_at=task.lock_expires_at,
                           retries=task.retries, retry_at=task.retry_at, failures=task.failures, error=task.error,
                           created_at=task.created_at, completed_at=task.completed_at)


@router.post("/fetch-and-lock", response_model=list[LockedOut], responses=ERRORS)
def fetch_and_lock(body: FetchIn, session: SessionDep, user: CurrentUser, now: NowDep) -> list[LockedOut]:
    """Lock open tasks of your topics in your region for ``lock_seconds``; an empty list when there are none."""
    require_role(user, SERVICE)
    topics = {t.topic: t.lock_seconds for t in body.topics}
    locked = service.fetch_and_lock(session, user, now, body.worker_id, body.max_tasks, topics)
    return [LockedOut(id=x.task.id, topic=x.task.topic, case_id=x.task.case_id, case_number=x.case_number,
                      element_id=x.task.element_id, variables=x.task.variables, lock_expires_at=x.task.lock_expires_at,
                      retries=x.task.retries) for x in locked if x.task.lock_expires_at is not None]


@router.post("/{task_id}/complete", response_model=ExternalTaskOut, responses=HELD)
def complete(task_id: TaskId, body: CompleteIn, services: ServicesDep, session: SessionDep, user: CurrentUser,
             now: NowDep) -> ExternalTaskOut:
    """Complete a task you hold with its variables; the case moves on."""
    require_role(user, SERVICE)
    op = Operation(services, session, now, user.name)
    return _out(service.complete(op, user, task_id, body.worker_id, body.variables))


@router.post("/{task_id}/failure", response_model=ExternalTaskOut, responses=HELD)
def failure(task_id: TaskId, body: FailureIn, services: ServicesDep, session: SessionDep, user: CurrentUser,
            now: NowDep) -> ExternalTaskOut:
    """Report a failure: with retries left the task is fetchable again after ``retry_seconds``; at 0, an incident."""
    require_role(user, SERVICE)
    op = Operation(services, session, now, user.name)
    return _out(service.fail(op, user, task_id, body.worker_id, body.error, body.retries, body.retry_seconds))


@router.post("/{task_id}/extend-lock", response_model=ExternalTaskOut, responses=HELD)
def extend_lock(task_id: TaskId, body: ExtendIn, services: ServicesDep, session: SessionDep, user: CurrentUser,
                now: NowDep) -> ExternalTaskOut:
    """Hold a task longer: the lock now ends ``lock_seconds`` from now."""
    require_role(user, SERVICE)
    op = Operation(services, session, now, user.name)
    return _out(service.extend_lock(op, user, task_id, body.worker_id, body.lock_seconds))


@router.post("/{task_id}/retry", response_model=ExternalTaskOut, responses={**HELD, 403: {"description": "not admin"}})
def retry(task_id: TaskId, body: RetryIn, services: ServicesDep, session: SessionDep, user: CurrentUser,
          now: NowDep) -> ExternalTaskOut:
    """Admin: send a task that became an incident back to the workers; the case's incident is cleared."""
    require_role(user, ADMIN)
    op = Operation(services, session, now, user.name)
    return _out(service.retry(op, user, task_id, body.retries))


@router.get("", response_model=list[ExternalTaskOut], responses={**ERRORS, 403: {"description": "not admin"}})
def list_tasks(
    session: SessionDep, user: CurrentUser,
    status: Annotated[str | None, Query(pattern="^(open|done|cancelled|incident)$")] = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
    case_id: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ExternalTaskOut]:
    """Admin: external tasks, newest first (``status=incident``: the ones waiting for a retry)."""
    require_role(user, ADMIN)
    return [_out(t) for t in service.search(session, status, topic, case_id, limit)]
