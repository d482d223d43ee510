"""Dates in task data that only the case can bound: a recheck's stop may take effect in the past, but not
before the benefit began nor after today (seed 001 §七(三): a stop follows the facts the recheck found)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import Invalid, problem
from .models import Case


def check(case: Case, data: Mapping[str, Any], today: date) -> None:
    """422 naming ``stop_from`` when a recheck's decision puts it outside [the benefit's start, today]."""
    stop_from = data.get("stop_from")
    if case.purpose != "recheck" or not stop_from:
        return
    since = (case.application or {}).get("since")
    earliest = date.fromisoformat(since) if since else None
    day = date.fromisoformat(stop_from)
    if day > today or (earliest is not None and day < earliest):
        bound = f"{earliest} 至 {today}" if earliest else f"今天 {today} 及以前"
        raise Invalid([problem(("body", "data", "stop_from"),
                               f"停止保障起始日期须在 {bound} must lie between the benefit's start and today")])
