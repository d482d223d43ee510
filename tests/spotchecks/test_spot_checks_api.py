"""County spot checks over REST: the monthly draw, its audit, the county's task, and what a finding sets off."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from service.audit.models import AuditEvent
from service.audit.service import verify
from service.cases.models import Case
from service.clock import SHANGHAI
from service.scheduling import run_due_schedules
from service.spotchecks.service import sample

from ..factories import SPOT_CHECK, Api, approve, case_payload, resident_id

DECEMBER = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)


def draws(api: Api, month: str = "2026-11", role: str = "county") -> list[dict[str, Any]]:
    response = api.client.get("/api/v1/spot-checks", params={"month": month}, headers=api.headers(role))
    assert response.status_code == 200, response.text
    return list(response.json())


def test_the_month_is_drawn_once_audited_and_reproducible(api: Api) -> None:
    approved = [approve(api, applicant_id=resident_id()) for _ in range(3)]
    api.at(DECEMBER)
    [draw] = draws(api)
    assert (draw["county"], draw["kind"], draw["ratio"], draw["rule_pack"]) == ("220283", "dibao", 0.5, "shulan-2023")
    assert draw["population"] == sorted(c["number"] for c in approved) and len(draw["sample"]) == 2  # ⌈0.5 × 3⌉
    assert draw["sample"] == sample("2026-11", "220283", "dibao", draw["population"], 0.5)
    assert draw["seed"] == "2026-11|220283|dibao"
    assert sorted(c["subject_number"] for c in draw["checks"]) == draw["sample"]
    assert all(c["status"] == "active" for c in draw["checks"])
    with api.services.sessions() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.type == "spot_check.drawn")).all()
        assert event.chain == "system" and event.data["sample"] == draw["sample"] and event.data["seed"] == draw["seed"]
        assert verify(session).ok
    api.at(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    assert len(draws(api)) == 1 and len(draws(api)[0]["checks"]) == 2  # drawn once


def test_the_county_checks_and_a_serious_finding_opens_a_recheck(api: Api) -> None:
    case = approve(api)
    api.at(DECEMBER)
    [check] = draws(api)[0]["checks"]
    queue = api.client.get("/api/v1/tasks?element_id=spot_check", headers=api.headers("county")).json()["items"]
    assert [(t["element_id"], t["purpose"], t["case_id"]) for t in queue] == [("spot_check", "spot_check", check["case_id"])]
    assert api.complete(check["case_id"], "spot_check", {**SPOT_CHECK, "conclusion": "revoke"}).status_code == 422  # opinion
    finding = {**SPOT_CHECK, "conclusion": "revoke", "opinion": "隐瞒经营性收入，重新核查后撤销"}
    done = api.step(check["case_id"], "spot_check", finding)
    assert done["status"] == "completed" and done["subject_case_id"] == case["id"]
    assert draws(api)[0]["checks"][0]["conclusion"] == "revoke"
    types = [e["type"] for e in api.history(case["id"])]
    assert (types.index("spot_check.sampled") < types.index("spot_check.completed") < types.index("beneficiary.recheck_requested")
            < types.index("beneficiary.recheck_started"))
    rechecks = api.client.get("/api/v1/cases?purpose=recheck", headers=api.headers()).json()["items"]
    assert [r["subject_case_id"] for r in rechecks] == [case["id"]]


def test_each_kind_has_its_own_ratio(api: Api) -> None:
    """National tekun: 30% (a kind's number overrides the pack's); ten approvals give three spot checks."""
    rules = api.services.rules
    shulan = rules.get("shulan-2023")
    rules.packs["shulan-2023"], rules.default_id = shulan.model_copy(update={"regions": []}), "national-2021"
    try:
        cases = [api.create(case_payload("tekun", applicant_id=resident_id())) for _ in range(10)]
        closed = datetime(2026, 11, 20, 9, tzinfo=SHANGHAI)
        with api.services.sessions() as session, session.begin():
            session.execute(update(Case).where(Case.id.in_([c["id"] for c in cases])).values(status="approved", closed_at=closed))
        assert run_due_schedules(api.services, DECEMBER).spot_checks == 3
    finally:
        rules.packs["shulan-2023"], rules.default_id = shulan, "shulan-2023"
    [draw] = draws(api)
    assert (draw["kind"], draw["ratio"], draw["rule_pack"], len(draw["sample"])) == ("tekun", 0.3, "national-2021", 3)


def test_only_the_county_reads_draws(api: Api) -> None:
    assert api.client.get("/api/v1/spot-checks", headers=api.headers("township")).status_code == 403
    assert api.client.get("/api/v1/spot-checks?month=2026-13", headers=api.headers("county")).status_code == 422
    assert draws(api, role="county") == []
