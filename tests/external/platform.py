"""A fake provincial comparison platform for tests: answers, finds, or is down, on the test clock."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx

from service.clock import FixedClock


class FakePlatform:
    """``POST /api/compare``: findings for the ID numbers it knows; 503 while ``down_until`` is ahead of the clock."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.findings: dict[str, dict[str, str]] = {}
        self.down_until: datetime | None = None
        self.calls: list[dict[str, Any]] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/api/compare":
            return httpx.Response(404)
        if self.down_until is not None and self.clock.now() < self.down_until:
            return httpx.Response(503, json={"error": "平台维护中"})
        asked = json.loads(request.content)
        self.calls.append(asked)
        found = [{"id_number": i, **self.findings[i]} for i in asked["id_numbers"] if i in self.findings]
        return httpx.Response(200, json={"findings": found})

    def client(self) -> httpx.Client:
        return httpx.Client(base_url="http://platform.test", transport=httpx.MockTransport(self.handle))
