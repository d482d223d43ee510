"""Keeping the external-task rows in line with the workflow, after every operation on a case."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..engine import ReadyExternal
from .models import ExternalTask

LIVE = ("open", "incident")


def had_external(positions: list[dict[str, Any]] | None) -> bool:
    """Whether the case's tokens stood at an external task (only then are its rows read)."""
    return any(p.get("kind") == "external_task" for p in positions or ())


def people(applicant_name: str, applicant_id_number: str, household: list[dict[str, Any]]) -> dict[str, Any]:
    """Who a worker checks (the provincial platform compares each person of the household)."""
    return {"applicant": {"name": applicant_name, "id_number": applicant_id_number},
            "household": [{k: m.get(k) for k in ("name", "id_number", "relation")} for m in household]}


def sync(session: Session, case_id: int, region: str, now: datetime, ready: list[ReadyExternal],
         variables: dict[str, Any]) -> None:
    """Cancel the rows the workflow no longer waits on, add the new ones with the case data a worker gets."""
    found = session.scalars(select(ExternalTask).where(ExternalTask.case_id == case_id, ExternalTask.status.in_(LIVE)))
    rows = {t.id: t for t in found if t.status in LIVE}  # a task completed in this operation is not flushed yet
    wanted = {r.task_id: r for r in ready}
    for task_id, row in rows.items():
        if task_id not in wanted:
            row.status, row.worker_id, row.lock_expires_at = "cancelled", None, None
    for task_id, r in wanted.items():
        if task_id not in rows:
            session.add(ExternalTask(id=task_id, case_id=case_id, element_id=r.element_id, name=r.name, topic=r.topic,
                                     region=region, status="open", variables=variables, failures=0,
                                     created_at=now.astimezone(UTC)))
