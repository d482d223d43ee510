"""Dynamic management (动态管理, seed 002): beneficiaries, their recheck class, and their rechecks.

An approved dibao or tekun application becomes a beneficiary. Its class (A, B or C) sets how often
it is rechecked, by the rule pack of its region: seed 002 has A yearly, B half-yearly, C monthly in
town and quarterly in the country. When ``next_recheck_on`` comes, the scheduler opens a recheck,
a case of its own running ``processes/recheck.bpmn``; its outcome (continue, adjust the amount,
stop) is applied here when it closes. Every change is recorded on the approving case's audit chain
as a ``beneficiary.*`` event, which is the beneficiary's history.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from ..errors import Conflict, Invalid, NotFound, problem
from ..income.models import IncomeAccount
from ..registers.deaths import DeathsRecorded
from .models import Beneficiary

BENEFIT_KINDS = ("dibao", "tekun")
TRIGGERS = {  # why a recheck opens before its time (seed 001 §七(三), seed 002 (二)2)
    "data_warning": "数据比对预警", "change_report": "家庭主动申报", "public_report": "举报",
    "periodic_report": "定期报告", "other": "其他", "scheduled": "定期复核",
}


@dataclass(frozen=True)
class RecheckDemand:
    """A recheck asked for now: ``trigger`` (a key of ``TRIGGERS`` but ``scheduled``), a reason, and maybe the day
    the change happened and what raised it (a report's receipt, a register row, a review batch)."""

    trigger: str
    reason: str
    effective_from: date | None = None
    source: str | None = None


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


def record_event(op: Operation, b: Beneficiary, type_: str, **data: Any) -> None:
    """A ``beneficiary.<type_>`` event on the approving case's chain (the beneficiary's history)."""
    _record(op, _locked_case(op.session, b.case_id), type_, b, **data)


def follow_case_end(event: CaseClosed) -> None:
    """A closed case's effect on the register: a new beneficiary, or a recheck's outcome."""
    op, case, outcome = event.op, event.case, event.outcome
    if case.purpose == "application" and case.kind in BENEFIT_KINDS and case.status == "approved":
        register(op, case, outcome)
    elif case.purpose == "recheck":
        apply_recheck(op, case, outcome)
    elif case.purpose == "application" and case.kind == "dibao" and case.status == "rejected":
        register_near_dibao(op, case)


def register_near_dibao(op: Operation, case: Case) -> Beneficiary | None:
    """A refused household whose income account is within the near-dibao band is recognised as such (低保边缘家庭).

    It is listed with status ``near_dibao``: never paid by a roster, never rechecked on schedule.
    """
    account = op.session.get(IncomeAccount, case.id)
    if account is None or account.result.get("status") != "near_dibao":
        return None
    b = Beneficiary(
        case_id=case.id, number=case.number, kind=case.kind, region=case.region, hukou=case.hukou,
        applicant_name=case.applicant_name, applicant_id_number=case.applicant_id_number,
        household_size=1 + len(case.household or []), recheck_class=default_class(case, op.today), amount=0.0,
        status="near_dibao", since=op.today, rechecks=0, created_at=op.now, updated_at=op.now,
    )
    op.session.add(b)
    op.session.flush()
    _record(op, case, "near_dibao", b, per_capita=account.result.get("per_capita"), near_line=account.result.get("near_line"))
    return b


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


def start_recheck(op: Operation, b: Beneficiary, demand: RecheckDemand | None = None) -> Case:
    """Open a recheck case for a beneficiary: when it falls due (the scheduler), or on demand (``demand``)."""
    origin = _locked_case(op.session, b.case_id)
    trigger = demand.trigger if demand else "scheduled"
    data = {
        "kind": b.kind, "region": b.region, "hukou": b.hukou, "household_size": b.household_size,
        "near_relative_of_staff": origin.near_relative_of_staff, "emergency": False, "beneficiary": b.number,
        "monthly_amount": b.amount, "proposed_amount": b.amount, "recheck_class": b.recheck_class,
        "support_mode": b.support_mode, "trigger": trigger,
        "effective_from": demand.effective_from.isoformat() if demand and demand.effective_from else None,
    }
    why = (f"{TRIGGERS[trigger]}: {demand.reason}" if demand
           else f"定期复核 scheduled recheck of {b.number} (class {b.recheck_class})")
    application = {"reason": why, "trigger": trigger, "since": b.since.isoformat(),
                   "due_on": (op.today if demand else b.next_recheck_on or op.today).isoformat()}
    if demand and demand.effective_from:
        application["effective_from"] = demand.effective_from.isoformat()
    recheck = open_case(op, NewCase(
        kind=b.kind, purpose="recheck", process_key="recheck", region=b.region, hukou=b.hukou,
        applicant_name=b.applicant_name, applicant_id_number=b.applicant_id_number, household=origin.household,
        application=application, near_relative_of_staff=origin.near_relative_of_staff, subject_case_id=origin.id,
    ), data)
    b.recheck_case_id, b.updated_at = recheck.id, op.now
    _record(op, origin, "recheck_started", b, recheck=recheck.number, recheck_case_id=recheck.id,
            due_on=op.today if demand else b.next_recheck_on, trigger=trigger)
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
    if result == "stop" and b.died_on is None and _taper(op, b, recheck):
        result = "taper"
    elif result == "stop":  # 停止保障: from the date the recheck found (a death: the date of death), maybe in the past
        stop_from = outcome.get("stop_from") or outcome.get("effective_from")
        stop_from = date.fromisoformat(stop_from) if stop_from else (b.died_on or op.today)
        b.status, b.stopped_on, b.stop_reason, b.next_recheck_on = "stopped", stop_from, outcome.get("reason"), None
    else:
        b.next_recheck_on = _next_recheck(op, b, op.today)
    event = {"continue": "continued", "adjust": "adjusted", "stop": "stopped", "taper": "tapering"}.get(result, "continued")
    _record(op, origin, event, b, recheck=recheck.number, recheck_case_id=recheck.id, amount=b.amount,
            recheck_class=b.recheck_class, reason=outcome.get("reason") if result in ("stop", "taper") else None,
            stopped_on=b.stopped_on if result in ("stop", "taper") else None,
            backdated=result == "stop" and b.stopped_on is not None and b.stopped_on < op.today,
            next_recheck_on=b.next_recheck_on, taper_months=b.taper_months)


def _taper(op: Operation, b: Beneficiary, recheck: Case) -> bool:
    """渐退 (seed 002 (二)2): a dibao recheck whose income account is above the line keeps paying the pack's months.

    The benefit runs on from next month for ``taper_months`` months, then stops; it is never
    rechecked again. A pack with 0 months, tekun, or a stop for another reason stops at once.
    """
    account = op.session.get(IncomeAccount, recheck.id)
    months = int(op.services.rules.choose(b.region, op.today).value("taper_months", b.kind))
    if b.kind != "dibao" or account is None or account.result.get("status") == "eligible" or months <= 0:
        return False
    first = add_months(op.today.replace(day=1), 1)
    b.status, b.taper_from, b.taper_months, b.next_recheck_on = "tapering", first, months, None
    b.stopped_on, b.stop_reason = add_months(first, months), "渐退 income above the line"
    return True


def report_death(op: Operation, b: Beneficiary, died_on: date, source: str) -> Case | None:
    """The person is on the death register: held from every roster at once, and a recheck opens to stop the benefit."""
    b.suspended, b.died_on, b.updated_at = "deceased", died_on, op.now
    origin = _locked_case(op.session, b.case_id)
    _record(op, origin, "deceased", b, died_on=died_on, source=source)
    if b.recheck_case_id is not None:
        return None
    b.next_recheck_on = op.today
    why = f"殡葬信息比对：{died_on.isoformat()} 死亡，自该日起停止保障 died on {died_on.isoformat()}"
    return start_recheck(op, b, RecheckDemand("data_warning", why, effective_from=died_on, source=source))


def follow_deaths(event: DeathsRecorded) -> None:
    """People new on the death register who hold a benefit: each is suspended and a recheck opens."""
    by_id = {d.id_number: d for d in event.deaths}
    query = (select(Beneficiary).where(Beneficiary.applicant_id_number.in_(list(by_id)),
                                       Beneficiary.status.in_(("active", "tapering")))
             .order_by(Beneficiary.id).with_for_update())
    for b in event.op.session.scalars(query).all():
        death = by_id[b.applicant_id_number]
        report_death(event.op, b, death.died_on, death.source)
        event.counts.matched_beneficiaries += 1


def recheck_on_demand(op: Operation, b: Beneficiary, demand: RecheckDemand) -> Case:
    """Open a recheck now (seed 001 §七(三), seed 002 (二)2): a warning, a report, a change; 409 naming an open one.

    ``b`` should have been read with ``FOR UPDATE`` (``lock``), so two demands cannot both open one.
    ``effective_from`` (the day the change happened, e.g. a death) may lie in the past, not before
    the benefit began; the recheck's ``decide`` offers it as the day a stop takes effect.
    """
    if b.status != "active":
        raise Conflict(f"beneficiary {b.number} is {b.status} (stopped on {b.stopped_on})")
    if b.recheck_case_id is not None:
        open_one = op.session.get(Case, b.recheck_case_id)
        number = open_one.number if open_one else b.recheck_case_id
        raise Conflict({"reason": f"beneficiary {b.number} already has an open recheck {number}",
                        "recheck": {"id": b.recheck_case_id, "number": number}})
    if demand.effective_from and not b.since <= demand.effective_from <= op.today:
        raise Invalid([problem(("body", "effective_from"),
                               f"生效日期须在 {b.since} 至今天 {op.today} 之间 must lie between the benefit's start and today")])
    b.next_recheck_on = op.today
    _record(op, _locked_case(op.session, b.case_id), "recheck_requested", b, trigger=demand.trigger,
            why=demand.reason, effective_from=demand.effective_from, source=demand.source)
    return start_recheck(op, b, demand)


def request_recheck(op: Operation, case: Case, why: str) -> Case | None:
    """Open a recheck now for the beneficiary of ``case`` (a spot check found a problem), unless one is open."""
    b = op.session.scalar(select(Beneficiary).where(Beneficiary.case_id == case.id, Beneficiary.status == "active")
                          .with_for_update())
    if b is None or b.recheck_case_id is not None:
        return None
    return recheck_on_demand(op, b, RecheckDemand("other", why, source=case.number))


# -- reading ----------------------------------------------------------------------------------
def load(session: Session, user: User, beneficiary_id: int, *, lock: bool = False) -> Beneficiary:
    """The beneficiary if the user's region covers it; otherwise 404. ``lock``: read it ``FOR UPDATE``."""
    query = select(Beneficiary).where(Beneficiary.id == beneficiary_id)
    b = session.scalar(query.with_for_update() if lock else query)
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
