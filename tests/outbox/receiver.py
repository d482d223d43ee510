"""A webhook subscriber for tests: checks each signature, keeps what it got, or is down."""

from __future__ import annotations

import json
from typing import Any

import httpx

from service.outbox.cloudevents import verify

SECRET = "test-secret-0123456789"


class Receiver:
    def __init__(self) -> None:
        self.up = True
        self.got: list[dict[str, Any]] = []
        self.refused = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            self.refused += 1
            return httpx.Response(503)
        assert request.headers["content-type"] == "application/cloudevents+json"
        assert verify(SECRET, request.headers["x-jiuzhu-timestamp"], request.content, request.headers["x-jiuzhu-signature"])
        self.got.append(json.loads(request.content))
        return httpx.Response(204)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self.handle))

    def of_case(self, case_id: int) -> list[dict[str, Any]]:
        return [e for e in self.got if e["data"].get("case_id") == case_id]
