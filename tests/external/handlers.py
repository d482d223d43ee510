"""Worker functions the concurrency tests run in real worker processes (``jiuzhu worker --external``)."""

from __future__ import annotations

import os
import time
from typing import Any


def forever(task: dict[str, Any]) -> dict[str, Any]:
    """A worker that hangs on its first task, holding the locks of all it fetched (until it is killed)."""
    while True:
        time.sleep(1)


def record(task: dict[str, Any]) -> dict[str, Any]:
    """Note each task done in the file JIUZHU_TEST_DONE_FILE, one id a line, and pass the check."""
    with open(os.environ["JIUZHU_TEST_DONE_FILE"], "a", encoding="utf-8") as done:
        done.write(task["id"] + "\n")
    return {"result": "pass", "note": f"worker {os.getpid()}"}
