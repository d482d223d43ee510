"""Duplicate-benefit cross-checks (seed 000 §2(1)3), at creation and again when a case is confirmed.

- dibao and tekun: no one may hold either twice, or both at once. A person holds the benefit while
  an application naming them is active, or approved and its beneficiary not stopped.
- linshi: the same person is not helped twice for the same cause in the same calendar year.

At confirmation only benefits already granted count (an approved case, or an active one whose
confirmation approved it and which is being archived), so that two applications that slipped past
creation together do not block each other: the first confirmed wins.

A refusal tells the caller only what the caller may read: the other case's number, status and the
person's name when that case is in the caller's region; otherwise only that the person already
holds (or has applied for) the benefit elsewhere, and who can look it up. Every hit is audited on
the system chain, with the case it found and the region that asked, even though the refused
request itself changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, true
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..auth.models import User
from ..auth.service import in_scope
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
        select(Case.id, Case.number, Case.kind, Case.status, Case.region, CasePerson.name)
        .join(CasePerson, CasePerson.case_id == Case.id)
        .where(CasePerson.id_number.in_(list(people)), Case.kind.in_(EXCLUSIVE_KINDS), Case.purpose == "application",
               Case.status.in_(("active", "approved")), Case.id.not_in(stopped), _other_than(exclude))
        .order_by(Case.id)
    )
    return _first(session, session.execute(query), granted_only)


def _same_cause(session: Session, people: Iterable[str], cause: str | None, year: int, exclude: int | None,
                granted_only: bool) -> Any:
    query = (
        select(Case.id, Case.number, Case.kind, Case.status, Case.region, Case.application, CasePerson.name)
        .join(CasePerson, CasePerson.case_id == Case.id)
        .where(CasePerson.id_number.in_(list(people)), Case.kind == "linshi", Case.purpose == "application",
               Case.status.in_(("active", "approved")), _other_than(exclude),
               Case.created_at >= start_of(date(year, 1, 1)), Case.created_at < start_of(date(year + 1, 1, 1)))
        .order_by(Case.id)
    )
    key = cause_key(cause)
    same = (row for row in session.execute(query) if cause_key((row.application or {}).get("cause")) == key)
    return _first(session, same, granted_only)


def _elsewhere(user: User, region: str) -> str:
    """Where the other case is, said without naming it, and who can look it up."""
    if region[:6] == user.region[:6]:
        return "in another township or village of your county; your county civil affairs office can see that case"
    return "in another county; ask your county civil affairs office to check it with that county"


def _refuse(user: User, now: datetime, found: Any, visible: str, hidden: str, at: str) -> Conflict:
    """The refusal the caller may read, recording the hit once the refused request is rolled back."""
    data = {"found_case_id": found.id, "found_region": found.region, "kind": found.kind, "asked_from": user.region,
            "role": user.role, "at": at, "in_scope": in_scope(user, found.region)}

    def persist(session: Session) -> None:
        audit.record(session, case=None, at=now, actor=user.name, type="crosscheck.hit", data=data)

    return Conflict(visible if data["in_scope"] else hidden, persist)


def _refuse_holder(user: User, now: datetime, found: Any, at: str) -> Conflict:
    rule = "no one may hold dibao or tekun twice, or both at once"
    return _refuse(user, now, found, f"{found.name} is already on {found.kind} case {found.number} ({found.status}); {rule}",
                   f"this person already holds or has applied for {found.kind} {_elsewhere(user, found.region)}; {rule}", at)


def _refuse_same_cause(user: User, now: datetime, found: Any, cause: str | None, year: int, at: str) -> Conflict:
    rule = "the same cause is helped once a year"
    return _refuse(user, now, found, f"{found.name} already had temporary assistance for the same cause ({cause}) in {year}: "
                                     f"case {found.number} ({found.status}); {rule}",
                   f"this person already had temporary assistance for the same cause in {year} {_elsewhere(user, found.region)}; "
                   f"{rule}", at)


def at_creation(session: Session, user: User, now: datetime, kind: str, people: list[str], cause: str | None,
                today: date) -> None:
    """Refuse a new application that duplicates a benefit, naming the existing case to those who may read it."""
    if kind in EXCLUSIVE_KINDS:
        found = _holder(session, people, None, granted_only=False)
        if found is not None:
            raise _refuse_holder(user, now, found, "creation")
    elif kind == "linshi":
        found = _same_cause(session, people, cause, today.year, None, granted_only=False)
        if found is not None:
            raise _refuse_same_cause(user, now, found, cause, today.year, "creation")


def at_confirmation(session: Session, user: User, now: datetime, case: Case, element_id: str, data: Mapping[str, Any],
                    year: int) -> None:
    """Before an approving confirmation is stored: refuse it if someone now holds the benefit elsewhere."""
    if element_id not in CONFIRMING_TASKS or data.get("approved") is not True or case.purpose != "application":
        return
    people = list(session.scalars(select(CasePerson.id_number).where(CasePerson.case_id == case.id)))
    if case.kind in EXCLUSIVE_KINDS:
        found = _holder(session, people, case.id, granted_only=True)
        if found is not None:
            raise _refuse_holder(user, now, found, "confirmation")
    elif case.kind == "linshi":
        cause = (case.application or {}).get("cause")
        found = _same_cause(session, people, cause, year, case.id, granted_only=True)
        if found is not None:
            raise _refuse_same_cause(user, now, found, cause, year, "confirmation")
