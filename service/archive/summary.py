"""The archive's ``summary.pdf``: cover sheet, decisions with who and when, the amount's computation, documents, history.

Typeset with reportlab in its built-in CID font ``STSong-Light`` (Adobe's Song typeface for simplified
Chinese, which every PDF reader supplies), so no font file ships with the service.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

FONT = "STSong-Light"
MAX_ROWS = 2000  # history lines in the PDF; the whole log is in audit.jsonl


@dataclass
class Decision:
    name: str
    who: str
    when: str
    lines: list[tuple[str, str]]


@dataclass
class Summary:
    title: str
    cover: list[tuple[str, str]]
    household: list[list[str]]
    decisions: list[Decision]
    computation: list[tuple[str, str]]
    documents: list[list[str]]
    history: list[list[str]]
    footer: str
    notes: list[str] = field(default_factory=list)


def render(summary: Summary) -> bytes:  # noqa: PLR0915 - one section after another
    """The PDF's bytes (A4)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=10.5)
    heading = ParagraphStyle("heading", parent=body, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=24, alignment=1, spaceAfter=10)
    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                       ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)])

    def p(text: Any, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(rows: list[list[str]], widths: list[float], header: bool = True) -> Table:
        made = Table([[p(c, small) for c in row] for row in rows], colWidths=[w * mm for w in widths], repeatRows=1 if header else 0)
        made.setStyle(grid if header else TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
        return made

    story: list[Any] = [p(summary.title, title)]
    story.append(table([[k, v] for k, v in summary.cover], [40, 130], header=False))
    if summary.household:
        story += [p("家庭成员", heading), table([["姓名", "身份证号", "关系"], *summary.household], [40, 70, 60])]
    story.append(p("审核审批决定", heading))
    for decision in summary.decisions:
        story.append(p(f"{decision.name}　办理人：{decision.who}　时间：{decision.when}", body))
        if decision.lines:
            story.append(table([[k, v] for k, v in decision.lines], [50, 120], header=False))
        story.append(Spacer(1, 3 * mm))
    if not summary.decisions:
        story.append(p("（无）"))
    if summary.computation:
        story += [p("保障金额核算", heading), table([[k, v] for k, v in summary.computation], [50, 120], header=False)]
    story += [p("档案材料", heading),
              table([["类别", "文件", "大小（字节）", "SHA-256"], *summary.documents], [28, 50, 22, 70]) if summary.documents else p("（无）")]
    story += [p("办理过程", heading), table([["时间", "办理人", "事项", "环节"], *summary.history[:MAX_ROWS]], [34, 36, 60, 40])]
    if len(summary.history) > MAX_ROWS:
        story.append(p(f"另有 {len(summary.history) - MAX_ROWS} 条记录，见 audit.jsonl。", small))
    story += [Spacer(1, 4 * mm), *[p(note, small) for note in summary.notes], p(summary.footer, small)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
                      title=summary.title, author="Jiuzhu 救助").build(story)
    return out.getvalue()
