"""Many real cases at once: copies of one case that the engine really ran, straight into the tables.

Running the engine for each of ten thousand cases would take longer than what is measured, so one
template case is driven through the service and then copied row by row: the case (its workflow JSON
with every task id replaced by a fresh one, so no two copies share an id), its timers, open tasks and
positions. A copy behaves exactly like the template would; a timer's due time may be moved, in the
JSON the engine reads and in the row the workers claim alike. Copies start with an empty audit chain.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select

from service.cases.models import Case, CasePosition
from service.clock import SHANGHAI
from service.tasks.models import CaseTask
from service.timers.models import Timer

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHUNK = 500


class Template:
    """The rows of one case, read once."""

    def __init__(self, conn: Connection, case_id: int) -> None:
        self.case = _row(conn.execute(select(Case.__table__).where(Case.id == case_id)).mappings().one())
        self.timers = [_row(r) for r in conn.execute(select(Timer.__table__).where(Timer.case_id == case_id)).mappings()]
        self.tasks = [_row(r) for r in conn.execute(
            select(CaseTask.__table__).where(CaseTask.case_id == case_id, CaseTask.status == "open")).mappings()]
        self.positions = [_row(r) for r in conn.execute(
            select(CasePosition.__table__).where(CasePosition.case_id == case_id)).mappings()]

    def copy(self, number: str, due: Mapping[str, datetime]) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
        """One copy: the case row, and its timers and tasks (keyed to the case later)."""
        fresh: dict[str, str] = {}
        workflow = UUID.sub(lambda m: fresh.setdefault(m.group(0), str(uuid.uuid4())), self.case["workflow"])
        timers = []
        for timer in self.timers:
            row = {**timer, "task_id": fresh.get(timer["task_id"], timer["task_id"])}
            if timer["element_id"] in due:
                old, new = _iso(timer["due_at"]), _iso(due[timer["element_id"]])
                if f'"{old}"' not in workflow:
                    raise ValueError(f"due time {old} of {timer['element_id']} not found in the workflow")
                workflow = workflow.replace(f'"{old}"', f'"{new}"')
                row["due_at"] = due[timer["element_id"]]
            timers.append(row)
        tasks = [{**t, "id": fresh.get(t["id"], str(uuid.uuid4()))} for t in self.tasks]
        case = {**self.case, "number": number, "workflow": workflow, "audit_seq": 0, "audit_head": "", "version": 1}
        return case, timers, tasks


def _row(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row without its NULL columns, so they stay SQL NULL (a JSON column would store JSON null)."""
    return {k: v for k, v in values.items() if v is not None}


def _iso(instant: datetime) -> str:
    return instant.astimezone(SHANGHAI).isoformat()


def clone(conn: Connection, case_id: int, count: int, *, prefix: str = "CP",
          due: Callable[[int], Mapping[str, datetime]] = lambda i: {},
          progress: Callable[[int], None] = lambda n: None) -> list[int]:
    """Insert ``count`` copies of case ``case_id``; ``due(i)`` may move copy i's timers. Returns the new ids."""
    template = Template(conn, case_id)
    ids: list[int] = []
    for start in range(0, count, CHUNK):
        batch = [template.copy(f"{prefix}-{start + i:07d}", due(start + i)) for i in range(min(CHUNK, count - start))]
        cases = [{k: v for k, v in case.items() if k != "id"} for case, _, _ in batch]
        new_ids = list(conn.scalars(insert(Case.__table__).returning(Case.__table__.c.id, sort_by_parameter_order=True), cases))
        timers = [{**{k: v for k, v in t.items() if k != "id"}, "case_id": cid} for cid, (_, ts, _) in zip(new_ids, batch, strict=True) for t in ts]
        tasks = [{**t, "case_id": cid} for cid, (_, _, ts) in zip(new_ids, batch, strict=True) for t in ts]
        positions = [{**p, "case_id": cid} for cid in new_ids for p in template.positions]
        for table, rows in ((Timer.__table__, timers), (CaseTask.__table__, tasks), (CasePosition.__table__, positions)):
            if rows:
                conn.execute(insert(table), rows)
        ids += new_ids
        progress(len(batch))
    return ids
