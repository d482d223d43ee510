"""A roster as a finance office takes it: CSV (UTF-8 with BOM, opens in Excel and WPS) or XLSX.

Both are written as streams: the CSV row by row, the XLSX with openpyxl's write-only workbook
(a summary sheet, then one sheet per township section), so a county's roster of any size never
sits in memory whole.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from openpyxl import Workbook

from ..privacy import id_for, mask_account
from .models import Payroll, PayrollRow

KINDS = {"dibao": "低保", "tekun": "特困", "linshi": "临时救助"}
CHANGES = {"new": "新增", "unchanged": "无变化", "adjusted": "调整", "stopping": "本期后停发", "linshi": "临时救助",
           "supplement": "补发"}
HEADER = ["乡镇（街道）", "乡镇名称", "村（社区）", "村（社区）名称", "案件编号", "姓名", "身份证号", "类别", "月保障金额（元）", "月数", "发放金额（元）",
          "变动情况", "代理金融机构", "账号"]


def change_label(change: str) -> str:
    if change.startswith("taper "):
        return f"渐退第{change.removeprefix('taper ').replace('/', '个月/共')}个月"
    return CHANGES.get(change, change)


def cells(row: PayrollRow, role: str, names: Callable[[str], str]) -> list[Any]:
    return [row.township, names(row.township), row.village, names(row.village), row.case_number, row.name, id_for(role, row.id_number), KINDS.get(row.kind, row.kind),
            row.monthly_amount, row.months, row.amount, change_label(row.change), row.bank or "", mask_account(row.account) or ""]


def _title(p: Payroll, names: Callable[[str], str]) -> list[Any]:
    kind = "补发名册" if p.kind == "supplementary" else "发放名册"
    county = p.county if names(p.county) == p.county else f"{p.county} {names(p.county)}"
    return [f"{county} {p.month} 社会救助资金{kind}（{p.status}）", f"共 {p.row_count} 人 合计 {p.total} 元",
            f"校验码 {p.checksum or '未发放'}"]


def _spool() -> Any:
    return tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)


def csv_file(p: Payroll, rows: Iterable[PayrollRow], role: str, names: Callable[[str], str] = str) -> Any:
    """A temporary file holding the CSV (UTF-8 with BOM), written row by row; ``names`` gives a region code's name."""
    out = _spool()
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(_title(p, names))
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(cells(row, role, names))
    text.flush()
    text.detach()
    out.seek(0)
    return out


def chunks(file: Any, size: int = 64 * 1024) -> Iterator[bytes]:
    with file:
        while block := file.read(size):
            yield block


def xlsx_file(p: Payroll, rows: Iterable[PayrollRow], role: str, names: Callable[[str], str] = str) -> Any:
    """A temporary file holding the workbook: 汇总 (per township: people, total), then a sheet per township."""
    book = Workbook(write_only=True)
    summary = book.create_sheet("汇总")
    summary.append(_title(p, names))
    summary.append(["乡镇（街道）", "人数", "金额（元）", "乡镇名称"])
    totals: dict[str, list[float]] = {}
    sheet = None
    for row in rows:
        if row.township not in totals:
            totals[row.township] = [0, 0.0]
            sheet = book.create_sheet(row.township)
            sheet.append(HEADER)
        assert sheet is not None
        sheet.append(cells(row, role, names))
        totals[row.township][0] += 1
        totals[row.township][1] += float(row.amount)
    for township, (people, amount) in totals.items():
        summary.append([township, int(people), round(amount, 2), names(township)])
    out = _spool()
    book.save(out)
    out.seek(0)
    return out
