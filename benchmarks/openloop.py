"""Completion latency at a fixed offered load (open loop): requests leave on a schedule, whatever the answers do.

A closed-loop client (``load.py``) waits for each answer before sending the next, so a slow server
slows the load down and hides its own queueing. Here a dispatcher hands the k-th completion to a
pool of senders at ``start + k / rate`` and its latency is measured from that scheduled instant, so
time spent waiting for a free sender or connection counts against the server (no coordinated
omission). Cases rotate through a ready queue: a case's next step is ready once its previous
completion answered.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .load import Client, _open_task, with_record
from .scenario import STEPS


@dataclass
class OpenLoop:
    rate: float
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    starved: int = 0  # scheduled sends that found no case ready (then skipped; more cases are needed)
    behind_s: float = 0.0  # how far the dispatcher itself fell behind its schedule at worst


class _Senders:
    """A pool of threads, each with its own keep-alive connection, sending the completions handed to it."""

    def __init__(self, base: str, token: str, result: OpenLoop, ready: deque[tuple[dict[str, Any], int, dict[str, Any]]], count: int) -> None:
        self.base, self.token, self.result, self.ready = base, token, result, ready
        self.lock = threading.Lock()  # guards ``ready`` and ``result``
        self.jobs: queue.Queue[tuple[float, dict[str, Any], int, dict[str, Any]] | None] = queue.Queue()
        self.threads = [threading.Thread(target=self.send, daemon=True) for _ in range(count)]
        for thread in self.threads:
            thread.start()

    def send(self) -> None:
        client = Client(self.base, self.token)
        try:
            while (job := self.jobs.get()) is not None:
                scheduled, case, step, data = job
                element_id = STEPS[step][0]
                status, body = client.call("POST", f"/api/v1/tasks/{_open_task(case, element_id)}/complete", {"data": data})
                latency = time.perf_counter() - scheduled
                failed = f"{element_id}: {status} {str(body)[:200]}" if status != 200 else None
                if failed is None and step + 1 < len(STEPS):
                    # the next step's data, with its signed record uploaded now, outside any timed send
                    following, failed = with_record(client, body, STEPS[step + 1][0], STEPS[step + 1][1])
                with self.lock:
                    if status == 200:
                        self.result.latencies.append(latency)
                    if failed:
                        self.result.errors.append(failed)
                    elif step + 1 < len(STEPS):
                        self.ready.append((body, step + 1, following))
        finally:
            client.close()

    def next_ready(self) -> tuple[dict[str, Any], int, dict[str, Any]] | None:
        with self.lock:
            return self.ready.popleft() if self.ready else None

    def finish(self) -> None:
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join(120)


def offered_load(base: str, token: str, cases: list[dict[str, Any]], rate: float, seconds: float, senders: int = 48) -> OpenLoop:
    """Send ``rate`` completions per second for ``seconds``; latency of each from its scheduled send."""
    result = OpenLoop(rate, seconds)
    pool = _Senders(base, token, result, deque((case, 0, STEPS[0][1]) for case in cases), senders)  # the first step asks for no record
    start = time.perf_counter() + 0.2
    for k in range(int(rate * seconds)):
        scheduled = start + k / rate
        pause = scheduled - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        else:
            result.behind_s = max(result.behind_s, -pause)
        item = pool.next_ready()
        if item is None:
            result.starved += 1
            continue
        pool.jobs.put((scheduled, *item))
    pool.finish()
    return result


def cases_needed(rate: float, seconds: float) -> int:
    """Enough cases that one is always ready: every completion of the run spread over the steps, plus two
    seconds of sends in flight at once (a server further behind than that starves the run: reported)."""
    return int(rate * seconds / len(STEPS)) + int(rate * 2) + 16
