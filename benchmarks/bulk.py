"""A province's caseload for the overdue queries, bulk-loaded with PostgreSQL COPY.

Rows are what the service writes for a case, without running the engine for each: three years of
dibao cases across 810 townships of one province (22), the newest ``open_cases`` still active (their
open task, token positions and statutory-deadline timer included), the rest approved, rejected or
withdrawn. The workflow column holds a short stand-in: PostgreSQL keeps a real case's ~45 KB JSON
out of line (TOAST), so the table and index pages the queries read are the same size either way.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, text

from service.calendar.workdays import WorkingCalendar
from service.clock import SHANGHAI

from .scenario import resident_id

CASE_COLUMNS = (
    "number", "kind", "region", "township", "status", "process_key", "process_version", "decisions", "rule_pack",
    "applicant_name", "applicant_id_number", "hukou", "household", "application", "near_relative_of_staff",
    "accepted_on", "due_on", "extended", "positions", "facts", "workflow", "serializer_version", "version",
    "audit_seq", "audit_head", "created_at", "updated_at", "closed_at",
)
TOWNSHIPS = [f"22{c:02d}{k:02d}{t:03d}" for c in range(1, 10) for k in range(1, 7) for t in range(1, 16)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
OPEN_ELEMENTS = [("home_visit", "入户调查"), ("review", "审核意见"), ("confirm", "审核确认（评审合议）"), ("archive", "归档（一户一档）")]
STUB = '{"stand_in": true}'
CALENDAR = WorkingCalendar()


@lru_cache(maxsize=4096)
def due_on(accepted: date) -> date:
    return CALENDAR.add_working_days(accepted, 30)


class Caseload:
    """Deterministic rows: case n of ``total``, the newest ``open_cases`` active, as of ``today``."""

    def __init__(self, total: int, open_cases: int, today: date, first_number: int = 1) -> None:
        self.total, self.open_cases, self.today, self.first = total, open_cases, today, first_number
        self.random = random.Random(7)

    def created(self, n: int) -> date:
        if n >= self.total - self.open_cases:  # the open ones: applied within the last 70 days
            return self.today - timedelta(days=70 * (self.total - n) // self.open_cases)
        return self.today - timedelta(days=70 + 1030 * (self.total - self.open_cases - n) // (self.total - self.open_cases))

    def case(self, n: int) -> tuple[Any, ...]:
        rnd, created = self.random, self.created(n)
        township = TOWNSHIPS[n % len(TOWNSHIPS)]
        region = f"{township}{1 + rnd.randrange(20):03d}"
        active = n >= self.total - self.open_cases
        accepted = created + timedelta(days=rnd.randrange(3))
        status = "active" if active else rnd.choices(("approved", "rejected", "withdrawn"), (70, 20, 10))[0]
        closed = None if active else _instant(accepted + timedelta(days=20 + rnd.randrange(30)))
        name = SURNAMES[n % len(SURNAMES)] + "某"
        household = [{"name": SURNAMES[(n + i) % len(SURNAMES)] + "某", "id_number": resident_id(3 * n + i + 1, "220101"),
                      "relation": "child"} for i in range(rnd.randrange(3))]
        positions = self.positions(n) if active else []
        return (
            f"DB-{created.year}-{self.first + n:07d}", "dibao", region, township, status, "dibao", 1,
            json.dumps({"delegation": 1}), "shulan-2023", name, resident_id(3 * n, "220101"), rnd.choice(("rural", "urban")),
            json.dumps(household, ensure_ascii=False), json.dumps({"reason": "因病致贫", "monthly_income": 300 + rnd.randrange(400),
                                                                     "requested_amount": 0, "emergency": False}, ensure_ascii=False),
            False, accepted, due_on(accepted), False, json.dumps(positions, ensure_ascii=False),
            json.dumps({} if active else {"monthly_amount": 520}), STUB, "1.5", 5, 8, uuid.uuid4().hex * 2,
            _instant(created), closed or _instant(accepted), closed,
        )

    def positions(self, n: int) -> list[dict[str, Any]]:
        element_id, name = OPEN_ELEMENTS[n % len(OPEN_ELEMENTS)]
        return [{"element_id": element_id, "name": name, "kind": "user_task", "due_at": None},
                {"element_id": "deadline", "name": "法定办理期限", "kind": "timer", "due_at": None}]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        for n in range(self.total):
            yield self.case(n)


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(10), SHANGHAI)


def load(engine: Engine, caseload: Caseload, progress: Callable[[int], None]) -> None:
    """COPY the cases, then the open cases' tasks, positions and deadline timers; then ANALYZE."""
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            start = cursor.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0]
            with cursor.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                for i, row in enumerate(caseload.rows()):
                    copy.write_row(row)
                    if i % 5000 == 4999:
                        progress(5000)
            _open_rows(cursor, caseload, start)
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("cases", "tasks", "timers", "case_positions"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))


def _open_rows(cursor: Any, caseload: Caseload, start: int) -> None:
    first_open = start + 1 + caseload.total - caseload.open_cases
    cursor.execute(
        "SELECT id, region, accepted_on, due_on, positions FROM cases WHERE id >= %s AND status = 'active' ORDER BY id", (first_open,))
    rows = cursor.fetchall()
    with cursor.copy("COPY tasks (id, case_id, element_id, name, role, region, kind, status, opened_at, due_on) FROM STDIN") as copy:
        for case_id, region, accepted, _, positions in rows:
            element_id, name = positions[0]["element_id"], positions[0]["name"]
            copy.write_row((str(uuid.uuid4()), case_id, element_id, name, "township", region, "dibao", "open",
                            _instant(accepted), CALENDAR.add_working_days(accepted, 10)))
    with cursor.copy("COPY case_positions (case_id, element_id) FROM STDIN") as copy:
        for case_id, _, _, _, positions in rows:
            for position in positions:
                copy.write_row((case_id, position["element_id"]))
    with cursor.copy("COPY timers (case_id, task_id, element_id, due_at, started_at, expression) FROM STDIN") as copy:
        for case_id, _, accepted, due, _ in rows:
            if due < caseload.today:
                continue  # an overdue case's deadline timer has fired and its row is gone
            copy.write_row((case_id, str(uuid.uuid4()), "deadline", datetime.combine(due + timedelta(days=1), time(0), SHANGHAI),
                            _instant(accepted), "statutory_deadline()"))
