"""County spot checks of new approvals (seed 002: at least 50% re-visited; national tekun 30%).

Once a month is over, each county's approvals of that month are sampled, per kind, at no less
than the rule pack's ``county_sampling_ratio``: ⌈ratio × N⌉ cases. The draw is reproducible: a
case's lot is ``sha256("<month>|<county>|<kind>|<case number>")`` and the lowest lots are drawn, so
the same month and county always give the same sample, and anyone can recompute it from the
audit event ``spot_check.drawn``, which holds the seed, the population and the sample. Each drawn
case gets a ``spot_check`` case with a task for the county.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import dates
from ..audit import service as audit
from ..auth.models import User
from ..auth.service import scoped
from ..beneficiaries.service import request_recheck
from ..cases.models import Case
from ..cases.schemas import CaseCreate
from ..cases.service import NewCase, open_case, start_data
from ..cases.workflow import CaseClosed, Operation
from ..clock import start_of
from ..dates import month_of, next_month
from ..db import transaction
from ..errors import Invalid, problem
from ..services import Services
from ..tasks.service import TaskCompleting
from .models import SpotCheckDraw, SpotCheckMonth

METHOD = "sha256('<month>|<county>|<kind>|<case number>'): the ceil(ratio x N) lowest lots"
RECHECK_CONCLUSIONS = ("reinvestigate", "revoke")  # findings the township must re-examine at once
DECIDED = ("approved", "rejected")  # seed 002 §三(一)2(4): every decided new application is in the population
REFUSAL_CONCLUSIONS = ("consistent", "wrongly_refused")  # what a check of a refusal may find


def month_start(month: str) -> date:
    """The first day of ``YYYY-MM``; 422 when it is not a month."""
    try:
        return dates.month_start(month)
    except ValueError:
        raise Invalid([{"loc": ["query", "month"], "msg": f"not a month (YYYY-MM): {month!r}", "type": "value_error"}]) from None


def months_to_draw(latest: str | None, today: date) -> list[str]:
    """The months after the last one drawn, up to the one before ``today``'s (just that one the first time)."""
    last = month_of(today.replace(day=1) - timedelta(days=1))
    month = next_month(latest) if latest else last
    months = []
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def sample(month: str, county: str, kind: str, numbers: list[str], ratio: float) -> list[str]:
    """The reproducible sample: the ⌈ratio × N⌉ case numbers with the lowest lots, in number order."""
    size = math.ceil(Decimal(str(ratio)) * len(numbers))  # Decimal: 0.3 x 10 is 3, not 3.0000000000000004
    lots = sorted(numbers, key=lambda n: hashlib.sha256(f"{month}|{county}|{kind}|{n}".encode()).hexdigest())
    return sorted(lots[:size])


def draw_due_months(services: Services, now: datetime) -> int:
    """Draw every month that is over and not yet drawn; returns the spot checks opened."""
    try:
        with transaction(services.sessions) as session:
            latest = session.scalar(select(func.max(SpotCheckMonth.month)))
            op = Operation(services, session, now, "system")
            opened = 0
            for month in months_to_draw(latest, op.today):
                session.add(SpotCheckMonth(month=month, drawn_at=now, draws=0))
                session.flush()  # a worker drawing the same month at once fails here, before drawing
                opened += draw_month(op, month)
            return opened
    except IntegrityError:
        return 0  # another worker drew these months at the same moment


def draw_month(op: Operation, month: str) -> int:
    first = month_start(month)
    after = month_start(next_month(month))
    rows = op.session.execute(
        select(Case.id, Case.number, Case.kind, Case.region)
        .where(Case.purpose == "application", Case.status.in_(DECIDED),
               Case.closed_at >= start_of(first), Case.closed_at < start_of(after))
    ).all()
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for case_id, number, kind, region in rows:
        groups[(region[:6], kind)][number] = case_id
    opened = 0
    for (county, kind), cases in sorted(groups.items()):
        opened += _draw(op, month, county, kind, cases, after - timedelta(days=1))
    done = op.session.get(SpotCheckMonth, month)
    if done is not None:
        done.draws = len(groups)
    return opened


def _draw(op: Operation, month: str, county: str, kind: str, cases: dict[str, int], last_day: date) -> int:
    pack = op.services.rules.choose(county, last_day)
    ratio = float(pack.value("county_sampling_ratio", kind))
    population = sorted(cases)
    drawn = sample(month, county, kind, population, ratio)
    op.session.add(SpotCheckDraw(month=month, county=county, kind=kind, rule_pack=pack.id, ratio=ratio,
                                 population=population, sample=drawn, method=METHOD, drawn_at=op.now))
    audit.record(op.session, case=None, at=op.now, actor="system", type="spot_check.drawn",
                 data={"month": month, "county": county, "kind": kind, "rule_pack": pack.id, "ratio": ratio,
                       "seed": f"{month}|{county}|{kind}", "method": METHOD, "population": population, "sample": drawn})
    for number in drawn:
        open_spot_check(op, cases[number], f"{month} 县级监管抽查 county spot check", month)
    return len(drawn)


def open_spot_check(op: Operation, subject_id: int, why: str, month: str | None = None) -> Case:
    """A spot check of one case: drawn for ``month``, or asked for now (a public report) without one."""
    subject = op.session.scalar(select(Case).where(Case.id == subject_id).with_for_update())
    assert subject is not None
    month = month or month_of(op.today)
    check = open_case(op, NewCase(
        kind=subject.kind, purpose="spot_check", process_key="county_spot_check", region=subject.region, hukou=subject.hukou,
        applicant_name=subject.applicant_name, applicant_id_number=subject.applicant_id_number,
        household=subject.household, application={"reason": f"{why} of {subject.number}", "month": month,
                                                    "subject": subject.number, "decision": subject.status},
        near_relative_of_staff=subject.near_relative_of_staff, subject_case_id=subject.id,
    ), {"kind": subject.kind, "region": subject.region, "subject": subject.number, "month": month, "decision": subject.status,
        "amount": (subject.facts or {}).get("amount")})
    audit.record(op.session, case=subject, at=op.now, actor=op.actor, type="spot_check.sampled",
                 data={"month": month, "spot_check": check.number, "spot_check_case_id": check.id, "why": why})
    return check


def follow_spot_check_end(event: CaseClosed) -> None:
    """A finished spot check is recorded on the case it checked; a serious finding opens a recheck."""
    op, case, outcome = event.op, event.case, event.outcome
    if case.purpose != "spot_check" or case.subject_case_id is None or case.status != "completed":
        return
    subject = op.session.scalar(select(Case).where(Case.id == case.subject_case_id).with_for_update())
    assert subject is not None
    conclusion, opinion = outcome.get("conclusion"), outcome.get("opinion")
    audit.record(op.session, case=subject, at=op.now, actor=op.actor, type="spot_check.completed",
                 data={"spot_check": case.number, "conclusion": conclusion, "opinion": opinion})
    if conclusion in RECHECK_CONCLUSIONS:
        request_recheck(op, subject, f"spot check {case.number}: {conclusion}: {opinion}")
    if conclusion == "wrongly_refused":
        reopened = reopen(op, subject, f"{case.number}: {opinion}")
        audit.record(op.session, case=subject, at=op.now, actor=op.actor, type="application.reopened",
                     data={"spot_check": case.number, "opinion": opinion, "reopened_as": reopened.number})


def check_conclusion(event: TaskCompleting) -> None:
    """Before ``spot_check`` completes: a refusal is found consistent or wrongly refused; only a refusal is wrongly refused."""
    if event.case.purpose != "spot_check" or event.element_id != "spot_check":
        return
    refused = (event.case.application or {}).get("decision") == "rejected"
    conclusion = event.data.get("conclusion")
    if (conclusion in REFUSAL_CONCLUSIONS) != refused and conclusion != "consistent":
        allowed = REFUSAL_CONCLUSIONS if refused else ("consistent", "rectify", "reinvestigate", "revoke")
        raise Invalid([problem(("body", "data", "conclusion"), f"{'不予批准' if refused else '已确认'}的申请只能是 {', '.join(allowed)}")])


def reopen(op: Operation, subject: Case, opinion: str) -> Case:
    """A refused application found wrongly refused starts again at acceptance (a township task), the county's opinion
    in its application; the same people, the same region."""
    payload = CaseCreate.model_validate({
        "kind": subject.kind, "region": subject.region, "hukou": subject.hukou,
        "applicant": {"name": subject.applicant_name, "id_number": subject.applicant_id_number},
        "household": subject.household, "near_relative_of_staff": subject.near_relative_of_staff,
        "near_relative_detail": subject.near_relative_detail,
        "application": {k: v for k, v in (subject.application or {}).items() if k not in ("reopened_from", "county_opinion")},
    })
    people = [(subject.applicant_id_number, subject.applicant_name, "applicant")]
    people += [(m["id_number"], m["name"], m.get("relation", "")) for m in subject.household or []]
    return open_case(op, NewCase(
        kind=subject.kind, purpose="application", process_key=subject.kind, region=subject.region, hukou=subject.hukou,
        applicant_name=subject.applicant_name, applicant_id_number=subject.applicant_id_number, household=subject.household,
        application={**(subject.application or {}), "reopened_from": subject.number, "county_opinion": opinion},
        near_relative_of_staff=subject.near_relative_of_staff, near_relative_detail=subject.near_relative_detail,
        subject_case_id=subject.id,
    ), start_data(payload), people)


# -- reading ----------------------------------------------------------------------------------
def draws(session: Session, user: User, month: str | None) -> list[tuple[SpotCheckDraw, list[Case]]]:
    """The draws in the user's region (a month, or all), each with its spot-check cases."""
    query = scoped(select(SpotCheckDraw), user, SpotCheckDraw.county, digits=6)
    if month:
        query = query.where(SpotCheckDraw.month == month_of(month_start(month)))
    found = list(session.scalars(query.order_by(SpotCheckDraw.month.desc(), SpotCheckDraw.county, SpotCheckDraw.kind)))
    checks: dict[tuple[str, str], list[Case]] = defaultdict(list)
    if found:
        subjects = select(Case.id).where(Case.number.in_({n for d in found for n in d.sample}))
        for check in session.scalars(select(Case).where(Case.purpose == "spot_check", Case.subject_case_id.in_(subjects))
                                     .order_by(Case.id)):
            checks[(check.application.get("month", ""), check.kind)].append(check)
    return [(d, [c for c in checks[(d.month, d.kind)] if c.region.startswith(d.county)]) for d in found]
