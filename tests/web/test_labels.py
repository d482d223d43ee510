"""Every audit event type the service records has a Chinese label on the pages (common.js)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _labelled() -> set[str]:
    script = (ROOT / "service" / "web" / "static" / "common.js").read_text(encoding="utf-8")
    block = script[script.index("event: {"):script.index("},", script.index("event: {"))]
    return set(re.findall(r'"([a-z_]+\.[a-z_]+)":', block))


def _recorded() -> set[str]:
    """Event types written by ``audit.record(type=...)``, by the milestone table, and by the beneficiary events."""
    found: set[str] = set()
    for path in (ROOT / "service").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'type="([a-z_]+\.[a-z_]+)"', text))
        found |= set(re.findall(r'\("(case\.[a-z_]+)", \(', text))  # milestones: element id -> (event type, fields)
        if 'type=f"beneficiary.{type_}"' in text:
            found |= {f"beneficiary.{t}" for t in re.findall(r'_record\(op, \w+, "([a-z_]+)"', text)}
            found |= {f"beneficiary.{t}" for t in re.findall(r'"(continued|adjusted|stopped)"', text)}
    return found


def test_every_recorded_event_type_has_a_chinese_label() -> None:
    recorded = _recorded()
    assert {"case.created", "task.completed", "case.advance_paid", "beneficiary.recheck_started"} <= recorded
    assert recorded - _labelled() == set()
