"""The provincial-platform adapter: the information check (信息核对) as an external task.

Seed 001 §六(二): the township's information check is done "同步进行省级或吉林市级平台比对" — in
step with a comparison on the provincial or Jilin-city platform. Run it as a worker::

    JIUZHU_PLATFORM_URL=https://platform.example JIUZHU_WORKER_TOKEN=... \\
        jiuzhu worker --external provincial_check=service.external.provincial:check

It sends the household's ID numbers to the platform's comparison endpoint
(``POST {JIUZHU_PLATFORM_URL}/api/compare`` with ``{"case_number", "id_numbers"}``, answered
``{"findings": [{"id_number", "source", "detail"}]}``) and completes the task with ``result``
``pass`` when nothing was found, ``fail`` with the findings in ``note`` otherwise. A platform that
does not answer raises, and the worker retries with its back-off (the task is not lost).
"""

from __future__ import annotations

import os
from typing import Any

import httpx

TIMEOUT = 10.0


def compare(client: httpx.Client, task: dict[str, Any]) -> dict[str, Any]:
    """Ask the platform about everyone in the household; the task's variables for the answer."""
    variables = task["variables"]
    people = [variables.get("applicant") or {}, *(variables.get("household") or [])]
    ids = [p["id_number"] for p in people if p.get("id_number")]
    response = client.post("/api/compare", json={"case_number": task["case_number"], "id_numbers": ids}, timeout=TIMEOUT)
    response.raise_for_status()
    findings = response.json().get("findings") or []
    if not findings:
        return {"result": "pass", "note": f"省级平台比对 {len(ids)} 人，无异常"}
    lines = [f"{f.get('source', '?')}: {f.get('detail', '')}" for f in findings][:20]
    return {"result": "fail", "note": ("省级平台比对发现：" + "；".join(lines))[:10_000]}


def check(task: dict[str, Any]) -> dict[str, Any]:
    """The worker's function: the platform at ``JIUZHU_PLATFORM_URL``."""
    with httpx.Client(base_url=os.environ["JIUZHU_PLATFORM_URL"]) as client:
        return compare(client, task)
