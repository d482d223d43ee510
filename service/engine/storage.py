"""The compact form a case's workflow is stored in, and back.

SpiffWorkflow writes every task as a dict of eleven keys: its id, its parent's and its children's
ids, and several fields that almost always hold their default (no data, an empty delta, not
triggered). A dibao case in publicity has 33 such tasks, about 450 bytes each. The compact form
writes a task as ``[id, parent, state, task_spec, last_state_change]``, the parent as its index in
the same list, and adds a sixth item, a dict, only with the fields that differ from their default;
children are given back from the parents, in list order, and written out only when that would not
give them back exactly. Spaces after separators are left out.

:func:`expand` gives back exactly the dict :func:`compact` was given (``tests/engine/test_storage.py``
checks it on every diagram); a row is told apart from SpiffWorkflow's own form by its ``compact`` key,
and rows in SpiffWorkflow's form are read as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

FORMAT_KEY = "compact"
FORMAT = 1
_DEFAULTS: dict[str, Any] = {
    "triggered": False,
    "internal_data": {},
    "data": {},
    "delta": {"updates": {}, "deletions": []},
    "typename": "Task",
}
_FRESH: dict[str, Callable[[], Any]] = {  # new values each time: the engine may change what it is given
    "triggered": lambda: False,
    "internal_data": dict,
    "data": dict,
    "delta": lambda: {"updates": {}, "deletions": []},
    "typename": lambda: "Task",
}
_FIXED = ("id", "parent", "children", "state", "task_spec", "last_state_change")


def _is_default(key: str, value: Any) -> bool:
    default = _DEFAULTS.get(key, ...)
    return type(value) is type(default) and value == default


def _compact_tasks(tasks: dict[str, dict[str, Any]]) -> list[list[Any]]:
    index = {task_id: n for n, task_id in enumerate(tasks)}
    derived: dict[str, list[str]] = {task_id: [] for task_id in tasks}
    for task in tasks.values():
        if task["parent"] in derived:
            derived[task["parent"]].append(task["id"])
    out: list[list[Any]] = []
    for task_id, task in tasks.items():
        parent = task["parent"]
        rest = {k: v for k, v in task.items() if k not in _FIXED and not _is_default(k, v)}
        missing = [k for k in _DEFAULTS if k not in task]
        if missing:  # a field SpiffWorkflow did not write is not added on the way back
            rest["missing"] = missing
        if task["children"] != derived[task_id]:
            rest["children"] = task["children"]
        if task["id"] != task_id:
            rest["key"] = task_id
        row: list[Any] = [task["id"], index.get(parent, parent), task["state"], task["task_spec"], task["last_state_change"]]
        if rest:
            row.append(rest)
        out.append(row)
    return out


def _expand_tasks(rows: list[list[Any]]) -> dict[str, dict[str, Any]]:
    ids = [row[0] for row in rows]
    children: dict[str, list[str]] = {task_id: [] for task_id in ids}
    parents = [ids[row[1]] if isinstance(row[1], int) else row[1] for row in rows]
    for task_id, parent in zip(ids, parents, strict=True):
        if parent in children:
            children[parent].append(task_id)
    tasks: dict[str, dict[str, Any]] = {}
    for row, parent in zip(rows, parents, strict=True):
        rest: dict[str, Any] = dict(row[5]) if len(row) > 5 else {}
        missing = set(rest.pop("missing", ()))
        task = {"id": row[0], "parent": parent, "children": rest.pop("children", children[row[0]]),
                "last_state_change": row[4], "state": row[2], "task_spec": row[3]}
        key = rest.pop("key", row[0])
        for name, fresh in _FRESH.items():
            if name not in missing and name not in rest:
                task[name] = fresh()
        task.update(rest)
        tasks[key] = task
    return tasks


def _workflows(dct: dict[str, Any]) -> list[dict[str, Any]]:
    return [dct, *dct.get("subprocesses", {}).values()]


def compact(dct: dict[str, Any]) -> dict[str, Any]:
    """The workflow dict (as SpiffWorkflow's converter gives it) in the compact form; ``dct`` is changed."""
    for workflow in _workflows(dct):
        if isinstance(workflow.get("tasks"), dict):
            workflow["tasks"] = _compact_tasks(workflow["tasks"])
    dct[FORMAT_KEY] = FORMAT
    return dct


def expand(dct: dict[str, Any]) -> dict[str, Any]:
    """SpiffWorkflow's form of a stored workflow dict; one in that form already is given back as it is."""
    form = dct.pop(FORMAT_KEY, None)
    if form is None:
        return dct
    if form != FORMAT:
        raise ValueError(f"unknown stored workflow form {form!r}")
    for workflow in _workflows(dct):
        if isinstance(workflow.get("tasks"), list):
            workflow["tasks"] = _expand_tasks(workflow["tasks"])
    return dct


def dumps(dct: dict[str, Any], encoder: type[json.JSONEncoder]) -> str:
    """The compact JSON text of a workflow dict."""
    return json.dumps(compact(dct), cls=encoder, separators=(",", ":"))
