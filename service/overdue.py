"""Overdue, the one rule: a case or task is overdue while it is still open and today is after its due date.

The due date is the last day allowed (a case's statutory ``due_on``, a task's stage ``due_on``): on
that day nothing is late yet; a missing due date (the clock has not started) is never overdue.
:func:`is_overdue` says it of one row in Python, :func:`overdue_clause` and
:func:`not_overdue_clause` say it in SQL; every list, page, report and metric uses these.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, or_


def is_overdue(still_open: bool, due_on: date | None, today: date) -> bool:
    return still_open and due_on is not None and today > due_on


def overdue_clause(still_open: ColumnElement[bool], due_on: Any, today: date) -> ColumnElement[bool]:
    """SQL for :func:`is_overdue`; ``still_open`` e.g. ``Case.status == "active"``, ``due_on`` a date column."""
    return and_(still_open, due_on < today)


def not_overdue_clause(still_open: ColumnElement[bool], due_on: Any, today: date) -> ColumnElement[bool]:
    """SQL for ``not is_overdue(...)`` (a missing due date counts as not overdue, never as unknown)."""
    return or_(not_(still_open), due_on.is_(None), due_on >= today)
