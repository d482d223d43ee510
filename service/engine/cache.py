"""Restored workflows kept in process memory, so the next operation on a case skips restoring it.

An entry is the workflow an operation left and the JSON it was stored as. It is used only when the
case row read now (under its lock) holds exactly that JSON and the case runs on the same compiled
process: any other writer — another worker process, a timer worker, a transaction that rolled back,
a version migration — leaves different JSON (and a new row version) in the row, and the entry is
dropped instead. Equal JSON restores to an equal workflow, so a hit is what a restore would give.
An entry is taken out while it is in use, so two requests in one process never share a workflow.
The cache is bounded (least recently used first out; ``JIUZHU_WORKFLOW_CACHE_SIZE``, 0 turns it off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from .loader import CompiledProcess
from .runtime import Instance


@dataclass
class _Entry:
    state: str
    instance: Instance


class WorkflowCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, case_id: int, state: str, process: CompiledProcess) -> Instance | None:
        """The case's workflow if the entry is for exactly ``state`` on ``process``; the entry leaves the cache."""
        with self._lock:
            entry = self._entries.pop(case_id, None)
        if entry is None or entry.instance.process is not process or entry.state != state:
            return None
        return entry.instance

    def keep(self, case_id: int, state: str, instance: Instance) -> None:
        """Remember the workflow an operation left, stored as ``state``."""
        if self.size <= 0:
            return
        with self._lock:
            self._entries[case_id] = _Entry(state, instance)
            self._entries.move_to_end(case_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def forget(self, case_id: int) -> None:
        with self._lock:
            self._entries.pop(case_id, None)

    def __len__(self) -> int:
        return len(self._entries)
