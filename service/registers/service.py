"""The near-relative register (近亲属备案): applications from close kin of case staff or village-committee
members, registered separately at creation (seed 001 §6(1)), each needing the county's own home visit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import scoped
from ..cases.models import Case
from ..db import paged
from ..tasks.models import CaseTask


def near_relatives(session: Session, user: User, *, kind: str | None, status: str | None, visit: str | None,
                   page: int, page_size: int) -> tuple[list[tuple[Case, CaseTask | None]], int]:
    """Registered applications, newest first, each with its county home-visit task (None before acceptance).

    ``visit``: ``done`` (the county has visited) or ``pending`` (not yet).
    """
    visits = (select(CaseTask).where(CaseTask.element_id == "county_home_visit", CaseTask.status.in_(("open", "done")))
              .subquery())
    query = scoped(select(Case, visits.c.id).outerjoin(visits, visits.c.case_id == Case.id), user, Case.region).where(
        Case.near_relative_of_staff.is_(True), Case.purpose == "application")
    if kind:
        query = query.where(Case.kind == kind)
    if status:
        query = query.where(Case.status == status)
    if visit == "done":
        query = query.where(visits.c.status == "done")
    elif visit == "pending":
        query = query.where((visits.c.status.is_(None)) | (visits.c.status != "done"))
    one_page, total = paged(session, query, page, page_size, Case.id.desc())
    return [(case, session.get(CaseTask, task_id) if task_id else None) for case, task_id in session.execute(one_page)], total
