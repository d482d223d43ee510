"""POST /api/v1/messages: other systems tell a case something."""

from __future__ import annotations

from fastapi import APIRouter

from ..auth.service import require_role
from ..cases.workflow import Operation
from ..deps import CurrentUser, NowDep, ServicesDep, SessionDep
from ..roles import SERVICE
from . import service
from .schemas import MessageIn, MessageOut

router = APIRouter(prefix="/api/v1/messages", tags=["messages"])


@router.post("", response_model=MessageOut, responses={
    401: {"description": "missing or invalid token"}, 403: {"description": "not role service, or not one of its topics"},
    404: {"description": "no case in the sender's region takes this message; nothing was recorded"},
    409: {"description": "the case changed at the same time; send it again"}, 422: {}})
def receive(body: MessageIn, services: ServicesDep, session: SessionDep, user: CurrentUser, now: NowDep) -> MessageOut:
    """Correlate a message to a case by its number or by the person's ID number; the same ``message_id`` again is a no-op."""
    require_role(user, SERVICE)
    op = Operation(services, session, now, user.name)
    incoming = service.Incoming(op, user, body.name, body.message_id, body.case_number, body.business_key, body.variables)
    received = service.receive(op, incoming)
    return MessageOut(case_id=received.case_id, duplicate=received.duplicate)
