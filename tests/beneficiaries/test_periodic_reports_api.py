"""Periodic reports (定期报告): how often by class, recorded by the township, a change rechecks, missing ones supervised."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.clock import SHANGHAI

from ..factories import Api, approve, case_payload, resident_id
from .test_rechecks_api import beneficiary


def approved(api: Api, birth: str = "19800101", hukou: str = "rural") -> dict[str, Any]:
    payload = case_payload(applicant_id=resident_id(birth), household=0)
    payload["hukou"] = hukou
    return beneficiary(api, approve(api, payload)["number"])


def record(api: Api, beneficiary_id: int, body: dict[str, Any], role: str = "township") -> Any:
    return api.client.post(f"/api/v1/beneficiaries/{beneficiary_id}/periodic-reports", json=body, headers=api.headers(role))


def scrutiny(api: Api) -> dict[str, Any]:
    return dict(api.client.get("/api/v1/supervision/scrutiny", headers=api.headers("county")).json())


def test_the_pack_says_when_each_class_reports(api: Api) -> None:
    c_class, a_class = approved(api), approved(api, "19500101")  # since 2026-11-10: C monthly, A every 6 months
    due = {b["id"]: api.client.get(f"/api/v1/beneficiaries/{b['id']}/periodic-reports", headers=api.headers()).json()["next_report_due"]
           for b in (c_class, a_class)}
    assert (c_class["since"], a_class["since"]) == ("2026-11-10", "2026-11-18")  # the second approved after the first's publicity
    assert due == {c_class["id"]: "2026-12-10", a_class["id"]: "2027-05-18"}


def test_a_report_without_change_moves_the_next_one(api: Api) -> None:
    found = approved(api)
    api.at(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI))
    response = record(api, found["id"], {"reported_on": "2026-12-05", "changed": False, "note": "收入、人口无变化"})
    assert response.status_code == 201, response.text
    assert (response.json()["recheck"], response.json()["next_report_due"]) == (None, "2027-01-05")
    assert beneficiary(api, found["number"])["last_report_on"] == "2026-12-05"
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    assert history[-1]["type"] == "beneficiary.periodic_report" and history[-1]["data"]["changed"] is False


def test_a_reported_change_opens_a_recheck(api: Api) -> None:
    found = approved(api)
    api.at(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI))
    response = record(api, found["id"], {"reported_on": "2026-12-04", "changed": True, "note": "家中一人已外出务工"})
    assert response.status_code == 201
    recheck = response.json()["recheck"]
    assert recheck is not None and beneficiary(api, found["number"])["open_recheck"] == recheck
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    requested = next(e for e in history if e["type"] == "beneficiary.recheck_requested")
    assert (requested["data"]["trigger"], requested["data"]["effective_from"]) == ("change_report", "2026-12-04")
    again = record(api, found["id"], {"reported_on": "2026-12-05", "changed": True, "note": "又有变化"})
    assert again.status_code == 201 and again.json()["recheck"] == recheck  # joins the open recheck


def test_bad_reports_and_roles(api: Api) -> None:
    found = approved(api)
    body = {"reported_on": "2026-11-10", "changed": False, "note": "无变化"}
    assert record(api, found["id"], {**body, "reported_on": "2099-01-01"}).status_code == 422
    assert record(api, found["id"], {**body, "reported_on": "2026-01-01"}).status_code == 422
    assert record(api, found["id"], {**body, "note": " "}).status_code == 422
    assert record(api, found["id"], body, role="village").status_code == 403
    assert record(api, found["id"], body, role="county").status_code == 403
    assert record(api, 999_999, body).status_code == 404


def test_a_missing_report_shows_on_supervision_by_township(api: Api) -> None:
    found = approved(api)
    api.at(datetime(2026, 12, 10, 9, tzinfo=SHANGHAI))
    assert scrutiny(api)["totals"]["missing_reports"] == 0  # due today, not yet missing
    api.at(datetime(2026, 12, 11, 9, tzinfo=SHANGHAI))
    report = scrutiny(api)
    [township] = [t for t in report["townships"] if t["missing_reports"]]
    assert township["township"] == "220283101" and township["missing"][0]["number"] == found["number"]
    assert township["missing"][0]["due_on"] == "2026-12-10"
    record(api, found["id"], {"reported_on": "2026-12-11", "changed": False, "note": "无变化"})
    assert scrutiny(api)["totals"]["missing_reports"] == 0
    december = api.client.get("/api/v1/reports/monthly?month=2026-12", headers=api.headers("county")).json()
    assert december["scrutiny"]["totals"]["missing_periodic_reports"] == 0
    assert api.client.get("/api/v1/supervision/scrutiny", headers=api.headers()).status_code == 403
