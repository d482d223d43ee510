"""Public reports (监督举报): no token, a receipt only, a per-client limit, the county's triage and what it sets off."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from service.public_reports.models import PublicReport

from ..factories import VILLAGE, Api, approve, case_payload, resident_id

REPORT = {"region": VILLAGE, "subject": "低保户新购轿车", "text": "某村某户今年新购轿车一辆，仍在领取低保。", "contact": "13900000000"}


def send(api: Api, body: dict[str, Any] | None = None, **headers: str) -> Any:
    return api.client.post("/api/v1/public/reports", json=body or REPORT, headers=headers)


def status(api: Api, receipt: str) -> Any:
    return api.client.get(f"/api/v1/public/reports/{receipt}")


def _case_id(api: Api, receipt: str) -> int:
    with api.services.sessions() as session:
        return int(session.scalar(select(PublicReport.case_id).where(PublicReport.receipt == receipt)) or 0)


def test_a_report_needs_no_token_and_answers_a_receipt_only(api: Api) -> None:
    response = send(api)
    assert response.status_code == 202, response.text
    assert list(response.json()) == ["receipt"]
    receipt = response.json()["receipt"]
    assert receipt.startswith("JB-") and len(receipt) == 22
    for secret in (REPORT["subject"], REPORT["text"], REPORT["contact"], VILLAGE):
        assert secret not in response.text
    assert status(api, receipt).json() == {"status": "received"}
    case = api.case(_case_id(api, receipt), "county")
    assert (case["purpose"], case["kind"], case["region"], case["status"]) == ("report", "report", VILLAGE[:6] + "000000", "active")
    [task] = case["tasks"]
    assert (task["element_id"], task["role"], task["due_on"]) == ("triage", "county", "2026-11-09")  # 5 working days
    queue = api.client.get("/api/v1/tasks?element_id=triage", headers=api.headers("county")).json()["items"]
    assert [t["case_id"] for t in queue] == [case["id"]]
    created = api.history(case["id"])[0]
    assert created["type"] == "case.created" and created["actor"] == "public"


def test_a_report_is_the_countys_alone(api: Api) -> None:
    """The village or township a report names never reads it (nor the reporter's contact)."""
    case_id = _case_id(api, send(api).json()["receipt"])
    report = api.case(case_id, "county")["facts"]["report"]
    assert (report["place"], report["text"], report["contact"]) == (VILLAGE, REPORT["text"], REPORT["contact"])
    for role in ("village", "township"):
        assert api.client.get(f"/api/v1/cases/{case_id}", headers=api.headers(role)).status_code == 404
        listed = api.client.get("/api/v1/cases?purpose=report", headers=api.headers(role)).json()
        assert listed["total"] == 0 and REPORT["contact"] not in str(listed)


@pytest.mark.parametrize(("body", "field"), [
    ({**REPORT, "region": "2202831010"}, "region"),
    ({**REPORT, "region": "229983101001"}, "region"),  # no such county
    ({**REPORT, "subject": " "}, "subject"),
    ({**REPORT, "text": "x" * 5001}, "text"),
    ({**REPORT, "name": "张三"}, "name"),
    ({"region": VILLAGE, "subject": "s"}, "text"),
])
def test_bad_reports_name_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = send(api, body)
    assert response.status_code == 422 and any(field in p["loc"] for p in response.json()["detail"]), response.text


def test_a_large_body_is_refused_before_it_is_read(api: Api) -> None:
    response = api.client.post("/api/v1/public/reports", content=b'{"text": "' + b"x" * 30_000 + b'"}',
                               headers={"content-type": "application/json"})
    assert response.status_code == 413


@pytest.mark.slow
def test_a_burst_of_1000_from_one_client_is_limited_and_the_service_stays_up(api: Api) -> None:
    codes = [send(api, {**REPORT, "text": f"第 {i} 次举报"}).status_code for i in range(1000)]
    limit = api.services.settings.public_report_limit
    assert codes[:limit] == [202] * limit and set(codes[limit:]) == {429}
    refused = send(api)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
    assert api.client.get("/healthz").json() == {"status": "ok"}
    with api.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PublicReport)) == limit  # nothing written past the limit
    other = api.client.get("/api/v1/cases?purpose=report", headers=api.headers("county")).json()
    assert other["total"] == limit


def test_the_limit_is_per_window(api: Api) -> None:
    limit = api.services.settings.public_report_limit
    for _ in range(limit):
        assert send(api).status_code == 202
    assert send(api).status_code == 429
    api.at(api.clock.now() + timedelta(seconds=api.services.settings.public_report_window_seconds + 1))
    assert send(api).status_code == 202


def test_status_by_receipt_and_nothing_else(api: Api) -> None:
    assert status(api, "JB-0000-0000-0000-0000").status_code == 404
    assert status(api, "1").status_code == 422
    assert api.client.get("/api/v1/public/reports").status_code in (404, 405)


def triage(api: Api, receipt: str, data: dict[str, Any]) -> Any:
    return api.complete(_case_id(api, receipt), "triage", data)


def test_dismissing_is_written_and_the_reporter_sees_it(api: Api) -> None:
    receipt = send(api).json()["receipt"]
    assert triage(api, receipt, {"decision": "dismiss"}).status_code == 422  # reasons in writing
    assert triage(api, receipt, {"decision": "dismiss", "reason": "经核实该车辆为亲属所有"}).status_code == 200
    assert status(api, receipt).json() == {"status": "dismissed"}
    events = [e for e in api.history(_case_id(api, receipt)) if e["type"] == "report.triaged"]
    assert events[0]["data"]["decision"] == "dismiss"


def test_a_report_opens_a_recheck_of_the_beneficiary(api: Api) -> None:
    case = approve(api, case_payload(applicant_id=resident_id("19800101"), household=0))
    receipt = send(api).json()["receipt"]
    unknown = triage(api, receipt, {"decision": "recheck", "reason": "核查车辆", "beneficiary": "DB-2026-999999"})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "data", "beneficiary"]
    assert triage(api, receipt, {"decision": "recheck", "reason": "核查车辆", "beneficiary": case["number"]}).status_code == 200
    assert status(api, receipt).json() == {"status": "referred"}
    found = api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["items"][0]
    assert found["open_recheck"] is not None
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    requested = next(e for e in history if e["type"] == "beneficiary.recheck_requested")
    assert (requested["data"]["trigger"], requested["data"]["source"]) == ("public_report", receipt)
    second = send(api).json()["receipt"]  # a second report on the same household joins the open recheck
    assert triage(api, second, {"decision": "recheck", "reason": "同一事项", "beneficiary": case["number"]}).status_code == 200
    joined = next(e for e in api.history(_case_id(api, second)) if e["type"] == "report.triaged")
    assert joined["data"]["joined"] is True and joined["data"]["recheck"] == found["open_recheck"]["number"]


def test_a_report_may_send_the_county_to_the_household(api: Api) -> None:
    case = approve(api)
    receipt = send(api).json()["receipt"]
    assert triage(api, receipt, {"decision": "spot_check", "reason": "入户核实", "beneficiary": case["number"]}).status_code == 200
    checks = api.client.get("/api/v1/cases?purpose=spot_check", headers=api.headers("county")).json()["items"]
    assert [c["subject_case_id"] for c in checks] == [case["id"]]


def test_a_report_outside_the_county_is_not_seen(api: Api) -> None:
    receipt = send(api, {**REPORT, "region": "220284101001"}).json()["receipt"]
    assert api.client.get(f"/api/v1/cases/{_case_id(api, receipt)}", headers=api.headers("county")).status_code == 404


def test_the_migration_moves_earlier_reports_to_their_county(api: Api) -> None:
    """A report taken before the county owned them (its case in the reporter's village) moves to the county."""
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import update

    from service.cases.models import Case
    from service.startup import alembic_config

    case_id = _case_id(api, send(api).json()["receipt"])
    with api.services.sessions() as session, session.begin():
        session.execute(update(Case).where(Case.id == case_id).values(region=VILLAGE, facts={}))
    config = alembic_config(api.services.settings.database_url)
    before = ScriptDirectory.from_config(config).get_revision("report_cases_county").down_revision
    command.stamp(config, str(before))
    command.upgrade(config, "report_cases_county")
    command.stamp(config, "heads")
    case = api.case(case_id, "county")
    assert case["region"] == VILLAGE[:6] + "000000" and case["facts"]["report"]["place"] == VILLAGE
    assert api.client.get(f"/api/v1/cases/{case_id}", headers=api.headers("village")).status_code == 404
