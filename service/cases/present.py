"""Turning case rows into the case object of the API."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..auth.models import User
from ..calendar.workdays import WorkingCalendar
from ..definitions.service import Registry
from ..overdue import is_overdue
from ..privacy import id_for
from ..regions.service import Named, lookup
from ..tasks.models import CaseTask
from ..tasks.service import open_tasks, task_out
from .models import Case
from .schemas import CaseOut, PositionOut, ProcessRef


def deadline_state(case: Case, today: date, calendar: WorkingCalendar) -> tuple[bool, int | None]:
    """(overdue, working days left): :func:`~service.overdue.is_overdue` while active."""
    if case.status != "active" or case.due_on is None:
        return False, None
    return is_overdue(True, case.due_on, today), calendar.working_days_between(today, case.due_on)


def case_out(session: Session, registry: Registry, calendar: WorkingCalendar, user: User, case: Case, today: date,
             tasks: list[CaseTask] | None = None, named: Named | None = None) -> CaseOut:
    if tasks is None:
        tasks = open_tasks(session, [case.id])[case.id]
    if named is None:
        named = lookup(session, [case.region])[case.region]
    overdue, left = deadline_state(case, today, calendar)
    return CaseOut(
        id=case.id, number=case.number, kind=case.kind, purpose=case.purpose, subject_case_id=case.subject_case_id,
        status=case.status, region=case.region, region_name=named.name, region_label=named.label,
        process=ProcessRef(key=case.process_key, version=case.process_version), rule_pack=case.rule_pack, rule_pack_version=case.rule_pack_version,
        positions=[PositionOut(**p) for p in case.positions],
        tasks=[task_out(registry, session, t, case, today) for t in tasks],
        accepted_on=case.accepted_on, due_on=case.due_on, extended=case.extended, overdue=overdue, working_days_left=left,
        applicant={"name": case.applicant_name, "id_number": id_for(user.role, case.applicant_id_number)},
        household_size=1 + len(case.household or []), facts=case.facts or {}, incident=case.incident,
        created_at=case.created_at, closed_at=case.closed_at,
    )


def cases_out(session: Session, registry: Registry, calendar: WorkingCalendar, user: User, cases: list[Case], today: date) -> list[CaseOut]:
    tasks = open_tasks(session, [c.id for c in cases])
    named = lookup(session, {c.region for c in cases})
    return [case_out(session, registry, calendar, user, c, today, tasks[c.id], named[c.region]) for c in cases]
