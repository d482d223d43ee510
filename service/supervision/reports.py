"""The monthly report (月报表) per township, as JSON, CSV or XLSX."""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.service import scoped, within
from ..calendar.workdays import WorkingCalendar
from ..cases.models import Case
from ..clock import local_date, start_of
from ..dates import month_bounds
from ..overdue import is_overdue
from ..regions.service import with_names

COLUMNS = [
    ("township", "乡镇（街道）township"),
    ("township_name", "乡镇名称 township name"),
    ("accepted", "受理 accepted"),
    ("approved", "确认救助 approved"),
    ("rejected", "不予救助 rejected"),
    ("withdrawn", "撤回 withdrawn"),
    ("overdue", "逾期 overdue"),
    ("median_working_days", "办结中位工作日 median working days to decision"),
    ("referred", "转介其他救助 referred (个案会商)"),
]
COUNTED = [k for k, _ in COLUMNS if k not in ("township", "township_name", "median_working_days")]


def _rows(session: Session, user: User, first: date, last: date, region: str | None) -> list[Case]:
    """Cases with something to count in the month: accepted, closed, or due in it."""
    end = start_of(last + timedelta(days=1))
    query = scoped(select(Case), user, Case.region).where(Case.purpose == "application", or_(
        Case.accepted_on.between(first, last),
        Case.closed_at.between(start_of(first), end),
        Case.due_on.between(first, last),
    ))
    if region:
        query = query.where(within(Case.region, region))
    return list(session.scalars(query))


def monthly(session: Session, user: User, calendar: WorkingCalendar, month: str, region: str | None) -> dict[str, Any]:
    """Counts per township for the month.

    accepted: the statutory clock started in the month; approved / rejected / withdrawn: the case
    closed so in the month; referred: of the month's approvals, those the county's case conference
    referred to other assistance (转介: medical, education, charity…); overdue: the case's due date fell in the month and it was still open
    after it; median working days: from acceptance to closing, of the month's approvals and rejections.
    """
    first, last = month_bounds(month)
    counts: dict[str, dict[str, Any]] = defaultdict(lambda: {k: 0 for k in COUNTED} | {"days": []})
    for case in _rows(session, user, first, last, region):
        row = counts[case.township]
        closed = local_date(case.closed_at) if case.closed_at else None
        if case.accepted_on and first <= case.accepted_on <= last:
            row["accepted"] += 1
        if closed and first <= closed <= last and case.status in ("approved", "rejected", "withdrawn"):
            row[case.status] += 1
            if case.status == "approved" and (case.facts or {}).get("referrals"):
                row["referred"] += 1  # the case conference referred the household to other assistance
            if case.status != "withdrawn" and case.accepted_on:
                row["days"].append(calendar.working_days_between(case.accepted_on, closed))
        if case.due_on and first <= case.due_on <= last and (closed is None or is_overdue(True, case.due_on, closed)):
            row["overdue"] += 1
    townships, every = [], []
    for code in sorted(counts):
        row = counts[code]
        days = row.pop("days")
        every += days
        townships.append({"township": code, **row, "median_working_days": statistics.median(days) if days else None})
    with_names(session, townships, "township")
    totals = {k: sum(t[k] for t in townships) for k in COUNTED}
    totals["median_working_days"] = statistics.median(every) if every else None
    return {"month": month, "townships": townships, "totals": totals}


SCRUTINY_COLUMNS = [
    ("township", "乡镇（街道）township"),
    ("township_name", "乡镇名称 township name"),
    ("public_reports", "收到举报 public reports"),
    ("review_batches", "全面复核批次 review batches"),
    ("review_batches_answered", "已书面反馈 answered"),
    ("missing_periodic_reports", "定期报告缺报 missing periodic reports"),
]


def _scrutiny_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The monthly report's second table (监督与复核), when the report has it."""
    part = report.get("scrutiny")
    if not part:
        return []
    rows = [[label for _, label in SCRUTINY_COLUMNS]]
    rows += [[t.get(key, "") for key, _ in SCRUTINY_COLUMNS] for t in part["townships"]]
    rows.append(["合计 total", "", *[part["totals"][key] for key, _ in SCRUTINY_COLUMNS[2:]]])
    return rows


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for _, label in COLUMNS])
    for row in report["townships"]:
        writer.writerow([row[key] if row[key] is not None else "" for key, _ in COLUMNS])
    writer.writerow(["合计 total", "", *[report["totals"][k] if report["totals"][k] is not None else "" for k, _ in COLUMNS[2:]]])
    second = _scrutiny_rows(report)
    if second:
        writer.writerow([])
        writer.writerows(second)
    return "\ufeff" + out.getvalue()  # a BOM so spreadsheet programs read the Chinese headers as UTF-8


def to_xlsx(report: dict[str, Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = report["month"]
    sheet.append([label for _, label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in report["townships"]:
        sheet.append([row[key] for key, _ in COLUMNS])
    sheet.append(["合计 total", "", *[report["totals"][k] for k, _ in COLUMNS[2:]]])
    for column, width in zip("ABCDEFGH", (16, 16, 12, 16, 16, 12, 12, 30), strict=True):
        sheet.column_dimensions[column].width = width
    second = _scrutiny_rows(report)
    if second:
        extra = book.create_sheet("监督与复核")
        for row in second:
            extra.append(row)
        for cell in extra[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
