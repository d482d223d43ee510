"""Duplicate-benefit cross-checks (seed 000 §2(1)3), at creation and again when a case is confirmed.

- dibao and tekun: no one may hold either twice, or both at once. A person holds the benefit while
  an application naming them is active, or approved and its beneficiary not stopped.
- linshi: the same person is not helped twice for the same cause in the same calendar year.

At confirmation only benefits already granted count (an approved case, or an active one whose
confirmation approved it and which is being archived), so that two applications that slipped past
creation together do not block each other: the first confirmed wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from ..beneficiaries.models import Beneficiary
from ..clock import start_of
from ..errors import Conflict
from ..tasks.models import CaseTask
from .models import Case, CasePerson

EXCLUSIVE_KINDS = ("dibao", "tekun")
CONFIRMING_TASKS = ("confirm", "county_deliberation")  # the tasks whose approval grants the benefit


def cause_key(cause: str | None) -> str:
    """Causes compare without case or spacing: ``Fire `` and ``fire`` are the same cause."""
    return "".join((cause or "").split()).casefold()


def _granted(session: Session, case_id: int) -> bool:
    """Whether an active case's confirmation has approved it (it is on its way to the archive)."""
    done = session.scalars(
        select(CaseTask.data).where(CaseTask.case_id == case_id, CaseTask.element_id.in_(CONFIRMING_TASKS),
                                    CaseTask.status == "done").order_by(CaseTask.completed_at.desc()).limit(1)
    ).first()
    return bool(done and done.get("approved") is True)


def _first(session: Session, rows: Iterable[Any], granted_only: bool) -> Any:
    for row in rows:
        if not granted_only or row.status == "approved" or _granted(session, row.id):
            return row
    return None


def _other_than(case_id: int | None) -> ColumnElement[bool]:
    return Case.id != case_id if case_id is not None else true()


def _holder(session: Session, people: Iterable[str], exclude: int | None, granted_only: bool) -> Any:
    stopped = select(Beneficiary.case_id).where(Beneficiary.status == "stopped")
    query = (
        select(Case.id, Case.number, Case.kind, Case.status, CasePerson.name)
        .join(CasePerson, CasePerson.case_id == Case.id)
        .where(CasePerson.id_number.in_(list(people)), Case.kind.in_(EXCLUSIVE_KINDS), Case.purpose == "application",
               Case.status.in_(("active", "approved")), Case.id.not_in(stopped), _other_than(exclude))
        .order_by(Case.id)
    )
    return _first(session, session.execute(query), granted_only)


def _same_cause(session: Session, people: Iterable[str], cause: str | None, year: int, exclude: int | None,
                granted_only: bool) -> Any:
    query = (
        select(Case.id, Case.number, Case.status, Case.application, CasePerson.name)
        .join(CasePerson, CasePerson.case_id == Case.id)
        .where(CasePerson.id_number.in_(list(people)), Case.kind == "linshi", Case.purpose == "application",
               Case.status.in_(("active", "approved")), _other_than(exclude),
               Case.created_at >= start_of(date(year, 1, 1)), Case.created_at < start_of(date(year + 1, 1, 1)))
        .order_by(Case.id)
    )
    key = cause_key(cause)
    same = (row for row in session.execute(query) if cause_key((row.application or {}).get("cause")) == key)
    return _first(session, same, granted_only)


def _refuse_holder(found: Any) -> None:
    _, number, kind, status, name = found
    raise Conflict(f"{name} is already on {kind} case {number} ({status}); "
                   "no one may hold dibao or tekun twice, or both at once")


def _refuse_same_cause(found: Any, cause: str | None, year: int) -> None:
    raise Conflict(f"{found.name} already had temporary assistance for the same cause ({cause}) in {year}: "
                   f"case {found.number} ({found.status}); the same cause is helped once a year")


def at_creation(session: Session, kind: str, people: list[str], cause: str | None, today: date) -> None:
    """Refuse a new application that duplicates a benefit, naming the existing case."""
    if kind in EXCLUSIVE_KINDS:
        found = _holder(session, people, None, granted_only=False)
        if found is not None:
            _refuse_holder(found)
    elif kind == "linshi":
        found = _same_cause(session, people, cause, today.year, None, granted_only=False)
        if found is not None:
            _refuse_same_cause(found, cause, today.year)


def at_confirmation(session: Session, case: Case, element_id: str, data: Mapping[str, Any], year: int) -> None:
    """Before an approving confirmation is stored: refuse it if someone now holds the benefit elsewhere."""
    if element_id not in CONFIRMING_TASKS or data.get("approved") is not True or case.purpose != "application":
        return
    people = list(session.scalars(select(CasePerson.id_number).where(CasePerson.case_id == case.id)))
    if case.kind in EXCLUSIVE_KINDS:
        found = _holder(session, people, case.id, granted_only=True)
        if found is not None:
            _refuse_holder(found)
    elif case.kind == "linshi":
        cause = (case.application or {}).get("cause")
        found = _same_cause(session, people, cause, year, case.id, granted_only=True)
        if found is not None:
            _refuse_same_cause(found, cause, year)
