"""Logs never contain resident ID numbers, whatever happens to a case."""

from __future__ import annotations

import logging
from datetime import datetime

import pytest

from service.clock import SHANGHAI

from .factories import CONFIRM, TO_PUBLICITY, Api, case_payload, resident_id


def test_no_id_number_reaches_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    person, member = resident_id(), resident_id("19700101")
    payload = case_payload(applicant_id=person)
    payload["household"][0]["id_number"] = member
    case = api.create(payload)
    api.walk(case["id"], TO_PUBLICITY)
    api.at(datetime(2026, 11, 10, 1, tzinfo=SHANGHAI))
    api.step(case["id"], "confirm", CONFIRM)
    duplicate = api.client.post("/api/v1/cases", json=payload, headers=api.headers())
    assert duplicate.status_code == 409 and case["number"] in duplicate.text  # names the other case, not the person
    wrong_kind = api.client.post("/api/v1/cases", json={**payload, "kind": "x"}, headers=api.headers())
    assert wrong_kind.status_code == 422 and wrong_kind.json()["detail"][0]["loc"] == ["body", "kind"]
    bad_task = api.complete(case["id"], "archive", {"archive_no": 12})
    assert bad_task.status_code == 422, bad_task.text
    logged = "\n".join(f"{record.getMessage()} {vars(record)}" for record in caplog.records)  # extras too
    assert caplog.records, "the flow logged nothing: this test would prove nothing"
    for number in (person, member):
        assert number not in logged and number[6:14] + number[14:17] not in logged
