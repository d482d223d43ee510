"""Cases: creating, reading in scope, and the acts on a case (objection, withdrawal, extension)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session, undefer

from ..audit import service as audit
from ..audit.models import AuditEvent
from ..auth.models import User
from ..auth.service import in_scope, require_role, scoped, within
from ..calendar.functions import statutory_due_on
from ..db import paged
from ..engine import Instance, ProcessError
from ..errors import Conflict, Forbidden, Invalid, NotFound, problem
from ..overdue import is_overdue, not_overdue_clause, overdue_clause
from ..timers.models import Timer
from . import crosscheck, workflow
from .models import Case, CasePerson, CasePosition
from .schemas import CaseCreate, birth_date
from .workflow import Operation

KIND_PREFIX = {"dibao": "DB", "tekun": "TK", "linshi": "LS", "report": "JB", "review": "FC"}  # 举报, 全面复核
PURPOSE_PREFIX = {"application": "", "recheck": "FH-", "spot_check": "CC-", "report": "", "review": ""}  # 复核, 抽查


@dataclass(frozen=True)
class NewCase:
    """What a case row starts with: an application, or a recheck or spot check the service opens itself."""

    kind: str
    purpose: str
    process_key: str
    region: str
    hukou: str
    applicant_name: str
    applicant_id_number: str
    household: list[dict[str, Any]]
    application: dict[str, Any]
    near_relative_of_staff: bool = False
    near_relative_detail: dict[str, Any] | None = None
    subject_case_id: int | None = None


def load(session: Session, user: User, case_id: int, *, lock: bool = False) -> Case:
    """The case if the user's region covers it; otherwise 404 without saying whether it exists."""
    query = select(Case).where(Case.id == case_id)
    if lock:  # the caller is about to change the case and will read its workflow
        query = query.options(undefer(Case.workflow)).with_for_update()
    case = session.scalar(query)
    if case is None or not in_scope(user, case.region):
        raise NotFound(f"case {case_id} not found")
    return case


def require_active(case: Case) -> None:
    if case.status != "active":
        raise Conflict(f"case {case.number} is {case.status}")


def _people(payload: CaseCreate) -> list[str]:
    return [payload.applicant.id_number] + [m.id_number for m in payload.household]


def create(op: Operation, user: User, payload: CaseCreate) -> Case:
    require_role(user, "village", "township")
    if not in_scope(user, payload.region):
        raise Forbidden(f"region {payload.region} is outside your region {user.region}")
    _check_payload(op, payload)
    crosscheck.at_creation(op.session, user, op.now, payload.kind, _people(payload), payload.application.cause, op.today)
    detail = payload.near_relative_detail.model_dump() if payload.near_relative_detail else None
    people = [(payload.applicant.id_number, payload.applicant.name, "applicant")]
    people += [(m.id_number, m.name, m.relation) for m in payload.household]
    case = open_case(op, NewCase(
        kind=payload.kind, purpose="application", process_key=payload.kind, region=payload.region, hukou=payload.hukou,
        applicant_name=payload.applicant.name, applicant_id_number=payload.applicant.id_number,
        household=[m.model_dump() for m in payload.household], application=payload.application.model_dump(),
        near_relative_of_staff=payload.near_relative_of_staff, near_relative_detail=detail,
    ), start_data(payload), people)
    if payload.near_relative_of_staff:  # 单独登记备案 (seed 001 §6(1), seed 000 §2(5))
        audit.record(op.session, case=case, at=op.now, actor=op.actor, type="near_relative.registered",
                     data={"detail": detail, "county_home_visit": "required"})
    return case


def open_case(op: Operation, new: NewCase, data: dict[str, Any], people: Sequence[tuple[str, str, str]] = ()) -> Case:
    """Insert a case row, record its creation and start its workflow on the newest process version."""
    process, version, decisions = op.services.registry.for_new_case(op.session, new.process_key)
    pack = op.services.rules.choose(new.region, op.today)
    case = Case(
        number="pending", kind=new.kind, purpose=new.purpose, subject_case_id=new.subject_case_id, region=new.region,
        township=new.region[:9], status="active", process_key=process.key, process_version=version, decisions=decisions,
        rule_pack=pack.id, rule_pack_version=pack.version, applicant_name=new.applicant_name, applicant_id_number=new.applicant_id_number, hukou=new.hukou,
        household=new.household, application=new.application, near_relative_of_staff=new.near_relative_of_staff,
        near_relative_detail=new.near_relative_detail, workflow="", serializer_version="",
        created_at=op.now, updated_at=op.now, positions=[], facts={},
    )
    op.session.add(case)
    op.session.flush()
    for id_number, name, relation in people:
        op.session.add(CasePerson(case_id=case.id, id_number=id_number, name=name, relation=relation))
    case.number = f"{PURPOSE_PREFIX[new.purpose]}{KIND_PREFIX[case.kind]}-{op.today.year}-{case.id:06d}"
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="case.created",
                 data={"number": case.number, "kind": case.kind, "purpose": case.purpose, "region": case.region,
                       "rule_pack": pack.id, "rule_pack_version": pack.version, "process": {"key": process.key, "version": version},
                       "subject_case_id": case.subject_case_id})
    try:
        _, snapshot = Instance.start(process, data, workflow.host_for(op, case))
    except ProcessError as exc:
        raise Conflict({"element_id": exc.element_id,
                        "reason": f"process {process.key} version {version} cannot start: {exc.reason}"}) from None
    workflow.apply(op, case, process, snapshot)
    return case


def cause_code(categories: dict[str, str], cause: str | None) -> str | None:
    """The category a linshi cause names, by its code or its label (spaces and case aside); None when none does.

    A pack without categories takes any cause as given."""
    if not categories:
        return cause
    key = "".join((cause or "").split()).casefold()
    return next((code for code, label in categories.items() if key in (code.casefold(), "".join(label.split()))), None)


def _check_payload(op: Operation, payload: CaseCreate) -> None:
    """What the schema alone cannot say: births not in the future, and fields one kind or flag needs."""
    problems = []
    people = [("applicant",)] + [("household", i) for i in range(len(payload.household))]
    for loc, id_number in zip(people, _people(payload), strict=True):
        if birth_date(id_number) > op.today:
            problems.append(problem(("body", *loc, "id_number"), "居民身份证号码无效 invalid resident ID: birth date is in the future"))
    if payload.kind == "linshi" and not payload.application.cause:
        problems.append(problem(("body", "application", "cause"), "临时救助事由 required for linshi: the cause of hardship", "missing"))
    elif payload.kind == "linshi":
        categories = op.services.rules.choose(payload.region, op.today).categories.get("linshi_cause", {})
        code = cause_code(categories, payload.application.cause)
        if code is None:
            allowed = "、".join(f"{c}（{label}）" for c, label in categories.items())
            problems.append(problem(("body", "application", "cause"), f"临时救助事由须为规则包的类别之一 one of: {allowed}；"
                                    "具体情况写在 cause_detail"))
        else:
            payload.application.cause = code
    if payload.near_relative_detail is not None and not payload.near_relative_of_staff:
        problems.append(problem(("body", "near_relative_detail"), "given only with near_relative_of_staff: true"))
    if problems:
        raise Invalid(problems)


def start_data(payload: CaseCreate) -> dict[str, Any]:
    """The facts a diagram's gateways and decisions may read from the start."""
    application = payload.application
    return {
        "kind": payload.kind,
        "region": payload.region,
        "hukou": payload.hukou,
        "near_relative_of_staff": payload.near_relative_of_staff,
        "household_size": 1 + len(payload.household),
        "monthly_income": application.monthly_income,
        "requested_amount": application.requested_amount,
        "proposed_amount": application.requested_amount,
        "emergency": application.emergency,
        "cause": application.cause or "",
    }


ID_NUMBER = re.compile(r"^\d{17}[\dX]$")


def text_match(q: str) -> ColumnElement[bool]:
    """The search box: a case number exactly, part of the applicant's name, an 18-character ID number exactly."""
    text = q.strip()
    if not text:
        return false()
    if ID_NUMBER.match(text.upper()):
        return Case.id.in_(select(CasePerson.case_id).where(CasePerson.id_number == text.upper()))
    return or_(Case.number == text.upper(), Case.applicant_name.contains(text, autoescape=True))


def _who(query: Select[Any], id_number: str | None, q: str | None) -> Select[Any]:
    if q is not None:
        query = query.where(text_match(q))
    if id_number:  # a person's cases, e.g. after a cross-check refusal named another township
        query = query.where(Case.id.in_(select(CasePerson.case_id).where(CasePerson.id_number == id_number.upper())))
    return query


def search(session: Session, user: User, today: date, *, status: str | None, kind: str | None, region: str | None,
           element_id: str | None, overdue: bool | None, due_before: date | None, page: int, page_size: int,
           purpose: str | None = None, id_number: str | None = None, q: str | None = None) -> tuple[list[Case], int]:
    query = _who(scoped(select(Case), user, Case.region), id_number, q)
    for column, value in ((Case.purpose, purpose), (Case.status, status), (Case.kind, kind)):
        if value:
            query = query.where(column == value)
    if region:
        query = query.where(within(Case.region, region))
    if element_id:
        query = query.where(Case.id.in_(select(CasePosition.case_id).where(CasePosition.element_id == element_id)))
    if overdue is True:
        query = query.where(overdue_clause(Case.status == "active", Case.due_on, today))
    elif overdue is False:
        query = query.where(not_overdue_clause(Case.status == "active", Case.due_on, today))
    if due_before:
        query = query.where(Case.due_on < due_before)
    if overdue is True:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        return _overdue_page(session, query, page, page_size), total
    one_page, total = paged(session, query, page, page_size, Case.id.desc())
    return list(session.scalars(one_page)), total


def _overdue_page(session: Session, query: Select[Any], page: int, page_size: int) -> list[Case]:
    """The page's ids from the (status, [region,] due_on, id) indexes alone, then its rows.

    ``id + 0`` keeps PostgreSQL from walking the primary key backwards through every newer case:
    it expects most active cases to be overdue (closed cases' due dates are past too) when at a
    million cases it is a few in ten, and that walk took 25-55 ms where the index-only scan takes a few.
    """
    ids = list(session.scalars(query.with_only_columns(Case.id).order_by((Case.id + 0).desc())
                               .offset((page - 1) * page_size).limit(page_size)))
    return list(session.scalars(select(Case).where(Case.id.in_(ids)).order_by(Case.id.desc()))) if ids else []


def history(session: Session, case: Case) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.chain == f"case:{case.id}").order_by(AuditEvent.seq)))


def file_objection(op: Operation, user: User, case: Case, text: str) -> None:
    require_role(user, "village", "township", "county")
    require_active(case)
    if "objection" not in workflow.peek(op, case).waiting_messages():
        raise Conflict(f"case {case.number} is not in publicity; objections are taken during publicity")
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="objection.filed", element_id="objection", data={"text": text})
    workflow.run(op, case, lambda instance, host: instance.deliver_message("objection", {"objection_text": text}, host))


def withdraw(op: Operation, user: User, case: Case, reason: str) -> None:
    require_role(user, "village", "township")
    require_active(case)
    if case.purpose != "application":
        raise Conflict(f"case {case.number} is a {case.purpose.replace('_', ' ')} the service opened; only an application is withdrawn")
    case.status = "withdrawn"
    workflow.run(op, case, lambda instance, host: instance.cancel(host))
    workflow.close(op, case, "withdrawn", {"reason": reason})


def extend(op: Operation, user: User, case: Case, reason: str) -> None:
    """Extend the statutory limit once, to 45 or 60 working days by kind (DB 22), before it passes."""
    require_role(user, "township", "county")
    require_active(case)
    if case.accepted_on is None or case.due_on is None:
        raise Conflict(f"case {case.number} has not been accepted; its statutory clock has not started")
    if case.extended:
        raise Conflict(f"case {case.number} was already extended; the limit may be extended only once")
    if is_overdue(True, case.due_on, op.today):
        raise Conflict(f"the statutory deadline {case.due_on} has passed; an extension must be granted before it")
    before = case.due_on
    case.extended, case.extension_reason = True, reason
    case.due_on = statutory_due_on(op.calendar(), workflow.facts_of(op, case), case.accepted_on)
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="deadline.extended",
                 data={"reason": reason, "from": before, "to": case.due_on})
    recompute_timers(op, case)


def recompute_timers(op: Operation, case: Case) -> None:
    """Evaluate the case's waiting timers again as of when each started (calendar or facts changed)."""
    started = {t.task_id: t.started_at for t in op.session.scalars(select(Timer).where(Timer.case_id == case.id))}
    if started:
        workflow.run(op, case, lambda instance, host: instance.recompute_timers(
            started, lambda at: workflow.host_for(op, case, at), host))
