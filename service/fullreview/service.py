"""The full review (全面复核, seed 001 §六(三)): "各乡(镇)街应将审批结果以月报表形式与审批档案一同报送市民政局备案。
市民政局全面复核各乡(镇)街报送的档案…并根据审查情况向乡(镇)街书面反馈监管复核意见".

Once a month is over, each township's decisions of that month (applications approved or refused)
go to the county as one batch: a case (``purpose`` ``review``, ``processes/full_review.bpmn``) whose
county task ``review_batch`` lists every decision and is answered in writing with an opinion on
each: ``agree``, ``correct`` (整改, within ``correct_within_days`` working days, by default the pack's
``full_review_correct_days``) or ``revoke`` (撤销确认, an approval only). A revoked dibao or tekun
approval opens a recheck to stop it (seed 001 §四(一) "撤销确认决定的监管意见"). Each opinion is also
recorded on the decided case's audit chain. The batch is due ``full_review_days`` working days on.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..audit import service as audit
from ..beneficiaries.models import Beneficiary
from ..beneficiaries.service import RecheckDemand, recheck_on_demand
from ..cases.models import Case
from ..cases.service import NewCase, open_case
from ..cases.workflow import CaseClosed, Operation
from ..clock import start_of
from ..dates import month_start, next_month
from ..db import transaction
from ..errors import Invalid, problem
from ..services import Services
from ..spotchecks.service import months_to_draw
from ..tasks.service import TaskCompleting
from .models import ReviewBatch, ReviewMonth

DECIDED = ("approved", "rejected")
NEEDS_NOTE = ("correct", "revoke")


def open_due_batches(services: Services, now: datetime) -> int:
    """Open the batches of every month that is over and not yet sent to review; returns how many."""
    try:
        with transaction(services.sessions) as session:
            latest = session.scalar(select(func.max(ReviewMonth.month)))
            op = Operation(services, session, now, "system")
            opened = 0
            for month in months_to_draw(latest, op.today):
                row = ReviewMonth(month=month, opened_at=now, batches=0)
                session.add(row)
                session.flush()  # a worker opening the same month at once fails here
                row.batches = open_month(op, month)
                opened += row.batches
            return opened
    except IntegrityError:
        return 0


def open_month(op: Operation, month: str) -> int:
    """One batch per township with decisions in ``month``."""
    first, after = month_start(month), month_start(next_month(month))
    rows = op.session.execute(
        select(Case.id, Case.number, Case.kind, Case.status, Case.township, Case.facts)
        .where(Case.purpose == "application", Case.status.in_(DECIDED),
               Case.closed_at >= start_of(first), Case.closed_at < start_of(after)).order_by(Case.number)
    ).all()
    townships: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case_id, number, kind, status, township, facts in rows:
        amount = (facts or {}).get("amount") or (facts or {}).get("monthly_amount")
        townships[township].append({"number": number, "case_id": case_id, "kind": kind, "status": status, "amount": amount})
    for township, decisions in sorted(townships.items()):
        _open_batch(op, month, township, decisions)
    return len(townships)


def _open_batch(op: Operation, month: str, township: str, decisions: list[dict[str, Any]]) -> Case:
    region = township + "000"
    numbers = [d["number"] for d in decisions]
    case = open_case(op, NewCase(
        kind="review", purpose="review", process_key="full_review", region=region, hukou="", applicant_name="",
        applicant_id_number="", household=[],
        application={"reason": f"{month} 全面复核 full review of township {township}", "month": month,
                     "township": township, "decisions": decisions},
    ), {"kind": "review", "region": region, "month": month, "township": township, "decisions": numbers})
    op.session.add(ReviewBatch(month=month, township=township, case_id=case.id, decisions=decisions))
    return case


def check_batch(event: TaskCompleting) -> None:
    """Before ``review_batch`` completes: one opinion on every listed decision, a note where it asks for one."""
    case, data = event.case, event.data
    if case.purpose != "review" or event.element_id != "review_batch":
        return
    listed = {d["number"]: d for d in (case.application or {}).get("decisions", [])}
    opinions, notes = data.get("opinions") or {}, data.get("notes") or {}
    problems = [problem(("body", "data", "opinions", n), "缺少复核意见 an opinion is required") for n in listed if n not in opinions]
    problems += [problem(("body", "data", "opinions", n), "不在本批次 not a decision of this batch") for n in opinions if n not in listed]
    for number, opinion in opinions.items():
        if number in listed and opinion in NEEDS_NOTE and not str(notes.get(number) or "").strip():
            problems.append(problem(("body", "data", "notes", number), "须写明整改要求或撤销理由 write the reasons"))
        if number in listed and opinion == "revoke" and listed[number]["status"] != "approved":
            problems.append(problem(("body", "data", "opinions", number), "只能撤销确认救助的决定 only an approval can be revoked"))
    if problems:
        raise Invalid(problems)


def follow_batch_end(event: CaseClosed) -> None:
    """The written answer: each opinion on its case's chain; a revoked benefit rechecked to stop; a correction due."""
    op, case, outcome = event.op, event.case, event.outcome
    if case.purpose != "review" or case.status != "completed":
        return
    pack = op.services.rules.choose(case.region, op.today)
    days = int(outcome.get("correct_within_days") or pack.value("full_review_correct_days", "dibao"))
    correct_by = op.calendar().add_working_days(op.today, days)
    notes = outcome.get("notes") or {}
    for decision in (case.application or {}).get("decisions", []):
        opinion = (outcome.get("opinions") or {}).get(decision["number"])
        subject = op.session.scalar(select(Case).where(Case.id == decision["case_id"]).with_for_update())
        assert subject is not None
        data: dict[str, Any] = {"batch": case.number, "opinion": opinion, "note": notes.get(decision["number"])}
        if opinion == "correct":
            data["correct_by"] = correct_by
        if opinion == "revoke":
            data["recheck"] = _revoke(op, subject, case.number, str(notes.get(decision["number"]) or ""))
        audit.record(op.session, case=subject, at=op.now, actor=op.actor, type="full_review.opinion", data=data)


def _revoke(op: Operation, subject: Case, batch: str, why: str) -> str | None:
    b = op.session.scalar(select(Beneficiary).where(Beneficiary.case_id == subject.id).with_for_update())
    if b is None or b.status != "active":
        return None  # linshi, or already stopped: the opinion stands on the record
    if b.recheck_case_id is not None:
        open_one = op.session.get(Case, b.recheck_case_id)
        return open_one.number if open_one else None
    return recheck_on_demand(op, b, RecheckDemand("other", f"全面复核撤销确认 {batch}: {why}", source=batch)).number
