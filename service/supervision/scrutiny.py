"""Supervision of public scrutiny and of dynamic management between rechecks, per township (9-digit code):
open public reports (监督举报), full-review batches awaiting the county's answer (全面复核), and households whose
periodic report (定期报告) is missing. Each list is bounded by the caller's scope and what is open in it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import scoped, within
from ..beneficiaries.periodic import missing
from ..calendar.rules import RuleBook
from ..cases.models import Case
from ..clock import local_date, start_of
from ..overdue import is_overdue
from ..regions.service import with_names
from ..tasks.models import CaseTask

COUNTS = ("open_reports", "overdue_reports", "open_batches", "overdue_batches", "missing_reports")
MONTHLY = ("public_reports", "review_batches", "review_batches_answered", "missing_periodic_reports")


def _open(session: Session, user: User, purpose: str, region: str | None) -> list[Any]:
    tasks = and_(CaseTask.case_id == Case.id, CaseTask.status == "open")
    query = scoped(select(Case.id, Case.number, Case.region, Case.township, Case.application, Case.created_at,
                          CaseTask.due_on).outerjoin(CaseTask, tasks), user, Case.region)
    query = query.where(Case.purpose == purpose, Case.status == "active")
    if region:
        query = query.where(within(Case.region, region))
    return list(session.execute(query.order_by(CaseTask.due_on, Case.id)))


def report(session: Session, rules: RuleBook, user: User, today: date, region: str | None) -> dict[str, Any]:
    townships: dict[str, dict[str, Any]] = {}

    def township(code: str) -> dict[str, Any]:
        return townships.setdefault(code, {"township": code, **dict.fromkeys(COUNTS, 0),
                                           "reports": [], "batches": [], "missing": []})

    for row in _open(session, user, "report", region):
        entry, late = township(row.township), is_overdue(True, row.due_on, today)
        entry["open_reports"] += 1
        entry["overdue_reports"] += late
        entry["reports"].append({"case_id": row.id, "number": row.number, "region": row.region,
                                 "subject": (row.application or {}).get("subject", ""),
                                 "received_on": local_date(row.created_at), "due_on": row.due_on, "overdue": late})
    for row in _open(session, user, "review", region):
        entry, late = township(row.township), is_overdue(True, row.due_on, today)
        entry["open_batches"] += 1
        entry["overdue_batches"] += late
        entry["batches"].append({"case_id": row.id, "number": row.number, "month": (row.application or {}).get("month"),
                                 "decisions": len((row.application or {}).get("decisions", [])), "due_on": row.due_on,
                                 "overdue": late})
    for row in missing(session, rules, user, today, region):
        entry = township(row["township"])
        entry["missing_reports"] += 1
        entry["missing"].append(row)
    ordered = sorted(townships.values(), key=lambda t: t["township"])
    with_names(session, ordered, "township")
    with_names(session, [row for t in ordered for row in (*t["reports"], *t["missing"])], "region", "township")
    return {"as_of": today, "totals": {k: sum(t[k] for t in ordered) for k in COUNTS}, "townships": ordered}


def monthly_counts(session: Session, rules: RuleBook, user: User, month_end: date, first: date, today: date,
                   region: str | None) -> dict[str, dict[str, int]]:
    """Per township for the monthly report: reports received in the month, batches of the month and how many are
    answered, households whose periodic report was missing at the month's end (or today, if earlier)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MONTHLY, 0))
    query = scoped(select(Case.township, Case.purpose, Case.status, Case.created_at, Case.application), user, Case.region)
    received = and_(Case.purpose == "report", Case.created_at >= start_of(first), Case.created_at < start_of(month_end + timedelta(days=1)))
    query = query.where(or_(received, Case.purpose == "review"))  # review batches: one per township and month
    if region:
        query = query.where(within(Case.region, region))
    month = first.isoformat()[:7]
    for township, purpose, status, created_at, application in session.execute(query):
        if purpose == "report" and first <= local_date(created_at) <= month_end:
            # a report is the county's case; it counts for the township whose place it names
            place = str((application or {}).get("place") or "")
            counts[place[:9] if len(place) == 12 else township]["public_reports"] += 1
        if purpose == "review" and (application or {}).get("month") == month:
            counts[township]["review_batches"] += 1
            counts[township]["review_batches_answered"] += status == "completed"
    for row in missing(session, rules, user, min(month_end, today), region):
        counts[row["township"]]["missing_periodic_reports"] += 1
    return counts
