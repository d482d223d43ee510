"""Hostile uploads get a clear error and leave nothing behind: XML bombs, entities, huge or deep files."""

from __future__ import annotations

import pytest

from ..factories import Api

BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'.encode() for i in range(1, 10))
        + b"]><bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>&lol9;</bpmn:definitions>")
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>&x;</bpmn:definitions>")
REMOTE_DTD = (b'<?xml version="1.0"?><!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">'
              b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'/>")
DEEP = (b"<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'>" + b"<a>" * 50_000
        + b"</a>" * 50_000 + b"</bpmn:definitions>")


def upload(api: Api, name: str, data: bytes):  # type: ignore[no-untyped-def]
    return api.client.post("/api/v1/processes", files={"file": (name, data, "application/xml")}, headers=api.headers("designer"))


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("bomb.bpmn", BOMB, "not allowed"),
    ("xxe.bpmn", EXTERNAL, "not allowed"),
    ("dtd.bpmn", REMOTE_DTD, "not allowed"),
    ("deep.bpmn", DEEP, ""),
    ("big.bpmn", b"<x>" + b" " * 2_100_000 + b"</x>", "larger than"),
    ("empty.bpmn", b"", ""),
    ("binary.bpmn", bytes(range(256)) * 100, ""),
])
def test_hostile_files_are_refused_with_a_reason(api: Api, name: str, data: bytes, reason: str) -> None:
    before = api.client.get("/api/v1/processes", headers=api.headers("designer")).json()
    response = upload(api, name, data)
    assert response.status_code == 422, (response.status_code, response.text[:300])
    messages = " ".join(str(d.get("msg", "")) for d in response.json()["detail"])
    assert reason in messages and messages
    assert api.client.get("/api/v1/processes", headers=api.headers("designer")).json() == before


def test_a_body_over_the_limit_is_413(api: Api) -> None:
    response = upload(api, "huge.bpmn", b"<x>" + b" " * 3_000_000 + b"</x>")
    assert response.status_code == 413
    too_long = api.client.post("/api/v1/cases", content=b'{"kind": "' + b"x" * 3_000_000 + b'"}',
                               headers={**api.headers(), "content-type": "application/json"})
    assert too_long.status_code == 413


def test_a_streamed_body_without_a_length_is_limited_too(api: Api) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b" " * 100_000

    response = api.client.post("/api/v1/cases", content=chunks(), headers={**api.headers(), "content-type": "application/json"})
    assert response.status_code == 413
