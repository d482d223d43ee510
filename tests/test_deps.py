"""One request, one transaction: the answer is sent only after the commit."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from service.cases.models import Case

from .factories import Api, case_payload


def test_a_failed_commit_is_never_answered_with_success(api: Api) -> None:
    headers = api.headers()

    def refuse(session: Any) -> None:
        raise OperationalError("COMMIT", {}, Exception("the disk is full"))

    event.listen(api.services.sessions, "before_commit", refuse)
    try:
        response = api.client.post("/api/v1/cases", json=case_payload(), headers=headers)
    finally:
        event.remove(api.services.sessions, "before_commit", refuse)
    assert response.status_code == 503
    with api.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Case)) == 0
