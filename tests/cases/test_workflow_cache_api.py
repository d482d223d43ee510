"""Workflows kept in process memory: two API processes completing steps of one case in turn never use a stale one."""

from __future__ import annotations

import re

import httpx
import pytest

from service.engine import Instance, WorkflowCache

from ..engine.walker import Walker, compiled
from ..factories import ACCEPT, ELIGIBLE, INFO, PDF, TO_PUBLICITY, VISIT, Api
from ..serving import running_server

pytestmark = pytest.mark.slow


def _cache(base: str) -> dict[str, float]:
    text = httpx.get(f"{base}/metrics").text
    return {m.group(1): float(m.group(2)) for m in re.finditer(r'^jiuzhu_workflow_cache_total\{result="(\w+)"\} ([0-9.]+)$', text, re.M)}


def _complete(base: str, headers: dict[str, str], case: dict[str, object], element_id: str, data: dict[str, object]) -> dict[str, object]:
    task = next(t for t in case["tasks"] if t["element_id"] == element_id)  # type: ignore[attr-defined]
    task_id = task["id"]
    for field in task["form"]:  # a document the form asks for (the signed home-visit record): uploaded to this process
        if field["type"] == "document" and field["name"] not in data:
            uploaded = httpx.post(f"{base}/api/v1/cases/{case['id']}/documents", files={"file": ("record.pdf", PDF, "application/pdf")},
                                  data={"kind": field["kind"], "task_id": task_id}, headers=headers, timeout=60)
            assert uploaded.status_code == 201, uploaded.text
            data = {**data, field["name"]: uploaded.json()["id"]}
    answer = httpx.post(f"{base}/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=headers, timeout=60)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def test_two_processes_completing_one_case_in_turn_see_each_others_steps(api: Api, database_url: str) -> None:
    headers = api.headers()
    case = api.create()
    with running_server(database_url) as first, running_server(database_url) as second:
        case = _complete(first, headers, case, "accept", ACCEPT)
        case = _complete(first, headers, case, "info_check", INFO)  # the first process's own last state: kept
        assert _cache(first) == {"miss": 1.0, "hit": 1.0}
        case = _complete(second, headers, case, "home_visit", VISIT)
        # the first process still holds the case as it left it; the row moved on in the second: not used
        case = _complete(first, headers, case, "review", ELIGIBLE)
        assert _cache(first) == {"miss": 2.0, "hit": 1.0}
        assert _cache(second) == {"miss": 1.0}
        assert {p["element_id"] for p in case["positions"]} == {"deadline", "publicity"}  # type: ignore[attr-defined]
        objected = httpx.post(f"{second}/api/v1/cases/{case['id']}/objections", json={"text": "邻居反映其有稳定收入"},
                              headers=headers, timeout=60)
        assert objected.status_code == 200, objected.text
        case = dict(objected.json())
        handled = _complete(first, headers, case, "handle_objection", {"upheld": False, "note": "经核实不成立"})
        assert "publicity" in {p["element_id"] for p in handled["positions"]}  # type: ignore[attr-defined]
    path = api.client.get(f"/api/v1/cases/{case['id']}/path", headers=api.headers("admin")).json()
    assert [e for e in path["completed"] if e in {s for s, _ in TO_PUBLICITY} | {"handle_objection"}] == \
        ["accept", "info_check", "home_visit", "review", "handle_objection"]
    completed = [e for e in api.history(int(case["id"])) if e["type"] == "task.completed"]  # type: ignore[arg-type]
    assert len(completed) == 5


def test_an_entry_is_used_only_for_the_exact_json_and_process_it_was_kept_for() -> None:
    w = Walker("dibao", "dibao")
    cache = WorkflowCache(2)
    instance = Instance.restore(w.process, w.snapshot.state)
    cache.keep(1, w.snapshot.state, instance)
    assert cache.take(1, w.snapshot.state, compiled("tekun")) is None  # another process: dropped
    cache.keep(1, w.snapshot.state, instance)
    assert cache.take(1, w.snapshot.state + " ", w.process) is None  # the row holds other JSON: dropped
    assert cache.take(1, w.snapshot.state, w.process) is None  # and gone
    cache.keep(1, w.snapshot.state, instance)
    assert cache.take(1, w.snapshot.state, w.process) is instance
    assert cache.take(1, w.snapshot.state, w.process) is None  # taken out while in use
    for case_id in (1, 2, 3):
        cache.keep(case_id, w.snapshot.state, instance)
    assert len(cache) == 2 and cache.take(1, w.snapshot.state, w.process) is None  # the least recently used went first
    off = WorkflowCache(0)
    off.keep(1, w.snapshot.state, instance)
    assert len(off) == 0
