"""Dynamic management (动态管理, seed 002): beneficiaries, their recheck class, and their rechecks.

An approved dibao or tekun application becomes a beneficiary. Its class (A, B or C) sets how often
it is rechecked, by the rule pack of its region: seed 002 has A yearly, B half-yearly, C monthly in
town and quarterly in the country. When ``next_recheck_on`` comes, the scheduler opens a recheck,
a case of its own running ``processes/recheck.bpmn``; its outcome (continue, adjust the amount,
stop) is applied here when it closes. Every change is recorded on the approving case's audit chain
as a ``beneficiary.*`` event, which is the beneficiary's history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..audit.models import AuditEvent
from ..auth.models import User
from ..auth.service import in_scope, scoped, within
from ..calendar.rules import RulePack
from ..cases.models import Case
from ..cases.schemas import birth_date
from ..cases.service import NewCase, open_case
from ..cases.workflow import CaseClosed, Operation
from ..dates import add_months, age_on
from ..db import paged
from ..errors import NotFound
from .models import Beneficiary

BENEFIT_KINDS = ("dibao", "tekun")


def _age(id_number: str, today: date) -> int:
    return age_on(birth_date(id_number), today)


def default_class(case: Case, today: date) -> str:
    """The class the ages say (seed 002): A with someone 70 or over or a minor, B with someone 60 to 69, else C.

    Disability, illness and single parenthood are not in the application; the confirmation's
    ``recheck_class`` field says them when they change the class.
    """
    ages = [_age(case.applicant_id_number, today)] + [_age(m["id_number"], today) for m in case.household or []]
    if any(age >= 70 or age < 18 for age in ages):
        return "A"
    if any(60 <= age < 70 for age in ages):
        return "B"
    return "C"


def recheck_months(pack: RulePack, kind: str, recheck_class: str, hukou: str) -> int:
    name = {"A": "recheck_months_a", "B": "recheck_months_b"}.get(recheck_class, f"recheck_months_c_{hukou}")
    return int(pack.value(name, kind))


def _next_recheck(op: Operation, b: Beneficiary, after: date) -> date:
    pack = op.services.rules.choose(b.region, op.today)
    return add_months(after, recheck_months(pack, b.kind, b.recheck_class, b.hukou))


def _locked_case(session: Session, case_id: int) -> Case:
    case = session.scalar(select(Case).where(Case.id == case_id).with_for_update())
    assert case is not None, f"case {case_id} is referenced but missing"
    return case


def _record(op: Operation, origin: Case, type_: str, b: Beneficiary, **data: Any) -> None:
    audit.record(op.session, case=origin, at=op.now, actor=op.actor, type=f"beneficiary.{type_}",
                 data={"beneficiary_id": b.id, **data})


def follow_case_end(event: CaseClosed) -> None:
    """A closed case's effect on the register: a new beneficiary, or a recheck's outcome."""
    op, case, outcome = event.op, event.case, event.outcome
    if case.purpose == "application" and case.kind in BENEFIT_KINDS and case.status == "approved":
        register(op, case, outcome)
    elif case.purpose == "recheck":
        apply_recheck(op, case, outcome)


def register(op: Operation, case: Case, outcome: dict[str, Any]) -> Beneficiary:
    """An approved application enters dynamic management; its first recheck is one period away."""
    facts = case.facts or {}
    b = Beneficiary(
        case_id=case.id, number=case.number, kind=case.kind, region=case.region, hukou=case.hukou,
        applicant_name=case.applicant_name, applicant_id_number=case.applicant_id_number,
        household_size=1 + len(case.household or []),
        recheck_class=outcome.get("recheck_class") or default_class(case, op.today),
        amount=float(facts.get("amount") or facts.get("monthly_amount") or 0),
        support_mode=facts.get("support_mode"), self_care=facts.get("self_care"),
        status="active", since=op.today, rechecks=0, created_at=op.now, updated_at=op.now,
    )
    b.next_recheck_on = _next_recheck(op, b, op.today)
    op.session.add(b)
    op.session.flush()
    _record(op, case, "created", b, recheck_class=b.recheck_class, amount=b.amount, next_recheck_on=b.next_recheck_on,
            support_mode=b.support_mode, self_care=b.self_care)
    return b


def start_recheck(op: Operation, b: Beneficiary) -> Case:
    """Open a recheck case for a beneficiary whose recheck is due (the scheduler, or a spot check's finding)."""
    origin = _locked_case(op.session, b.case_id)
    data = {
        "kind": b.kind, "region": b.region, "hukou": b.hukou, "household_size": b.household_size,
        "near_relative_of_staff": origin.near_relative_of_staff, "emergency": False, "beneficiary": b.number,
        "monthly_amount": b.amount, "proposed_amount": b.amount, "recheck_class": b.recheck_class,
        "support_mode": b.support_mode,
    }
    recheck = open_case(op, NewCase(
        kind=b.kind, purpose="recheck", process_key="recheck", region=b.region, hukou=b.hukou,
        applicant_name=b.applicant_name, applicant_id_number=b.applicant_id_number, household=origin.household,
        application={"reason": f"定期复核 scheduled recheck of {b.number} (class {b.recheck_class})",
                     "due_on": (b.next_recheck_on or op.today).isoformat()},
        near_relative_of_staff=origin.near_relative_of_staff, subject_case_id=origin.id,
    ), data)
    b.recheck_case_id, b.updated_at = recheck.id, op.now
    _record(op, origin, "recheck_started", b, recheck=recheck.number, recheck_case_id=recheck.id, due_on=b.next_recheck_on)
    return recheck


def apply_recheck(op: Operation, recheck: Case, outcome: dict[str, Any]) -> None:
    """A closed recheck: continue, adjust the amount, or stop; the class may change; the next recheck is set."""
    b = op.session.scalar(select(Beneficiary).where(Beneficiary.recheck_case_id == recheck.id).with_for_update())
    if b is None:
        return
    origin = _locked_case(op.session, b.case_id)
    b.recheck_case_id, b.updated_at = None, op.now
    if recheck.status != "completed":  # ended without an outcome: the scheduler opens another at once
        _record(op, origin, "recheck_ended", b, recheck=recheck.number, status=recheck.status)
        return
    result = outcome.get("outcome") or "continue"
    b.last_recheck_on, b.rechecks = op.today, b.rechecks + 1
    b.recheck_class = outcome.get("recheck_class") or b.recheck_class
    b.support_mode = outcome.get("support_mode") or b.support_mode
    if result == "adjust":
        b.amount = float(outcome["monthly_amount"])
    if result == "stop":
        b.status, b.stopped_on, b.stop_reason, b.next_recheck_on = "stopped", op.today, outcome.get("reason"), None
    else:
        b.next_recheck_on = _next_recheck(op, b, op.today)
    event = {"continue": "continued", "adjust": "adjusted", "stop": "stopped"}.get(result, "continued")
    _record(op, origin, event, b, recheck=recheck.number, recheck_case_id=recheck.id, amount=b.amount,
            recheck_class=b.recheck_class, reason=outcome.get("reason") if result == "stop" else None,
            next_recheck_on=b.next_recheck_on)


def request_recheck(op: Operation, case: Case, why: str) -> Case | None:
    """Open a recheck now for the beneficiary of ``case`` (a spot check found a problem), unless one is open."""
    b = op.session.scalar(select(Beneficiary).where(Beneficiary.case_id == case.id, Beneficiary.status == "active")
                          .with_for_update())
    if b is None or b.recheck_case_id is not None:
        return None
    b.next_recheck_on = op.today
    _record(op, case, "recheck_requested", b, why=why)
    return start_recheck(op, b)


# -- reading ----------------------------------------------------------------------------------
def load(session: Session, user: User, beneficiary_id: int) -> Beneficiary:
    """The beneficiary if the user's region covers it; otherwise 404."""
    b = session.get(Beneficiary, beneficiary_id)
    if b is None or not in_scope(user, b.region):
        raise NotFound(f"beneficiary {beneficiary_id} not found")
    return b


def search(session: Session, user: User, *, status: str | None, kind: str | None, recheck_class: str | None,
           region: str | None, recheck_due_before: date | None, page: int, page_size: int) -> tuple[list[Beneficiary], int]:
    query = scoped(select(Beneficiary), user, Beneficiary.region)
    for column, value in ((Beneficiary.status, status), (Beneficiary.kind, kind), (Beneficiary.recheck_class, recheck_class)):
        if value:
            query = query.where(column == value)
    if region:
        query = query.where(within(Beneficiary.region, region))
    if recheck_due_before:
        query = query.where(Beneficiary.next_recheck_on < recheck_due_before)
    one_page, total = paged(session, query, page, page_size, Beneficiary.id.desc())
    return list(session.scalars(one_page)), total


def rechecks(session: Session, b: Beneficiary) -> list[Case]:
    query = select(Case).where(Case.purpose == "recheck", Case.subject_case_id == b.case_id).order_by(Case.id)
    return list(session.scalars(query))


def history(session: Session, b: Beneficiary) -> list[AuditEvent]:
    """The ``beneficiary.*`` events on the approving case's chain, oldest first."""
    query = (select(AuditEvent).where(AuditEvent.chain == f"case:{b.case_id}", AuditEvent.type.like("beneficiary.%"))
             .order_by(AuditEvent.seq))
    return list(session.scalars(query))
