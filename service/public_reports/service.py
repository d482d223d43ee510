"""Public reports (监督举报, seed 002 (二)2 "设立监督举报电话、信箱"; seed 001 §四(二) 举报检举的调查核实).

Anyone may report, without a token. Each report becomes a case of its own (``purpose`` ``report``,
``processes/public_report.bpmn``) holding one county task, ``triage``: dismiss it with written
reasons, open a recheck of the beneficiary it concerns (trigger ``public_report``), or send the
county to the household (a spot check). The reporter gets a receipt and, by it, a status; nothing
they sent is echoed back, and nothing about the case is told.

Per client (its address, stored only as a hash) at most ``public_report_limit`` reports are taken
in ``public_report_window_seconds``; past it the answer is 429 and nothing is written.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from stdnum import numdb

from ..audit import service as audit
from ..beneficiaries.models import Beneficiary
from ..beneficiaries.service import RecheckDemand, recheck_on_demand
from ..cases.models import Case
from ..cases.service import NewCase, open_case
from ..cases.workflow import CaseClosed, Operation
from ..errors import Invalid, NotFound, TooManyRequests, problem
from ..spotchecks.service import open_spot_check
from ..tasks.service import TaskCompleting
from .models import PublicReport
from .schemas import ReportIn

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U to misread
REFERRALS = ("recheck", "spot_check")


def client_key(address: str) -> str:
    return hashlib.sha256(f"jiuzhu-public-report|{address}".encode()).hexdigest()


def new_receipt() -> str:
    """``JB-XXXX-XXXX-XXXX-XXXX``: 80 random bits, so receipts cannot be guessed or enumerated."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(16))
    return "JB-" + "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def _known_county(region: str) -> bool:
    return any("county" in props for _, props in numdb.get("cn/loc").info(region[:6]))


def receive(op: Operation, payload: ReportIn, client: str, limit: int, window_seconds: int) -> str:
    """Take a report: 429 past the client's limit, 422 for a region no county has; otherwise the receipt."""
    since = op.now - timedelta(seconds=window_seconds)
    taken = op.session.scalar(select(func.count()).where(PublicReport.client == client, PublicReport.created_at >= since))
    if (taken or 0) >= limit:
        raise TooManyRequests(f"at most {limit} reports per {window_seconds // 60} minutes from one client; try later",
                              retry_after=window_seconds)
    if not _known_county(payload.region):
        raise Invalid([problem(("body", "region"), "不是有效的行政区划代码 not a known county code")])
    receipt = new_receipt()
    # The case is the county's (seed 002 (二)2: the county's civil-affairs bureau takes reports): a report
    # often concerns the very village or township that would otherwise read it, with the reporter's contact.
    # The place it names stays in the report's facts and on its row.
    county = payload.region[:6] + "000000"
    case = open_case(op, NewCase(
        kind="report", purpose="report", process_key="public_report", region=county, hukou="",
        applicant_name="", applicant_id_number="", household=[],
        application={"receipt": receipt, "subject": payload.subject.strip(), "text": payload.text.strip(),
                     "contact": (payload.contact or "").strip() or None, "place": payload.region},
    ), {"kind": "report", "region": county, "receipt": receipt})
    # What the county reads when it triages (only the county reads this case).
    case.facts = {**(case.facts or {}), "report": {"place": payload.region, "subject": payload.subject.strip(),
                                                   "text": payload.text.strip(), "contact": (payload.contact or "").strip() or None}}
    op.session.add(PublicReport(receipt=receipt, case_id=case.id, region=payload.region, client=client, created_at=op.now))
    return receipt


def status(session: Session, receipt: str) -> str:
    """``received`` while the county triages; then ``dismissed`` or ``referred``. Unknown receipt: 404."""
    case = session.scalar(select(Case).join(PublicReport, PublicReport.case_id == Case.id).where(PublicReport.receipt == receipt))
    if case is None:
        raise NotFound("no report with this receipt")
    if case.status == "active":
        return "received"
    return "referred" if (case.facts or {}).get("decision") in REFERRALS else "dismissed"


def _beneficiary(session: Session, report: Case, number: str) -> Beneficiary | None:
    """The beneficiary by its approving case's number, in the report's county."""
    found = session.scalar(select(Beneficiary).where(Beneficiary.number == number.strip()).with_for_update())
    return found if found is not None and found.region[:6] == report.region[:6] else None


def check_triage(event: TaskCompleting) -> None:
    """Before ``triage`` completes: a referral must name a beneficiary of the report's county (422 otherwise)."""
    case, data = event.case, event.data
    if case.purpose != "report" or event.element_id != "triage" or data.get("decision") not in REFERRALS:
        return
    found = _beneficiary(event.op.session, case, str(data.get("beneficiary") or ""))
    if found is None:
        raise Invalid([problem(("body", "data", "beneficiary"), "本县没有这个保障对象 no beneficiary with this number in the county")])
    if data["decision"] == "recheck" and found.status != "active":
        raise Invalid([problem(("body", "data", "beneficiary"), f"该对象已于 {found.stopped_on} 停保 the benefit is stopped")])


def follow_report_end(event: CaseClosed) -> None:
    """A triaged report: a recheck or a spot check opens, or the dismissal stands; all on the report's chain."""
    op, case, outcome = event.op, event.case, event.outcome
    if case.purpose != "report" or case.status != "completed":
        return
    decision, reason = outcome.get("decision"), str(outcome.get("reason") or "")
    receipt = (case.application or {}).get("receipt")
    data: dict[str, Any] = {"decision": decision, "reason": reason}
    if decision in REFERRALS:
        b = _beneficiary(op.session, case, str(outcome.get("beneficiary") or ""))
        assert b is not None, "checked before the task completed"
        data["beneficiary"] = b.number
        if decision == "spot_check":
            data["spot_check"] = open_spot_check(op, b.case_id, f"举报 {receipt}: {reason}").number
        elif b.recheck_case_id is not None:  # the recheck already open takes the report into account
            data["recheck"], data["joined"] = op.session.get(Case, b.recheck_case_id).number, True  # type: ignore[union-attr]
        else:
            data["recheck"] = recheck_on_demand(op, b, RecheckDemand("public_report", reason, source=receipt)).number
    audit.record(op.session, case=case, at=op.now, actor=op.actor, type="report.triaged", data=data)
