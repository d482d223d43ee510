"""Who approves what, and how much: the approval authority exactly as the seeds give it, over REST.

Seed 001 §三(三)(四) delegates to Shulan's townships only linshi amounts within their limits (急难型
≤ 1,000 yuan per person, 支出型 ≤ 6 months of the urban standard per person, both 含); a confirmation
above the confirmer's limit does not stand and goes to the county's 一事一议 (seed 000 §二(三)1).
Seed 001's delegation is Shulan's own: elsewhere the national rule applies and the county confirms.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from service.calendar.packfiles import load_book
from service.clock import SHANGHAI, start_of
from service.config import ROOT

from ..factories import (
    ACCEPT,
    ADVANCE,
    ARCHIVE,
    CONFIRM,
    INELIGIBLE,
    INFO,
    LS_INVESTIGATED,
    TO_PUBLICITY,
    VISIT,
    Api,
    case_payload,
    elements,
)

RULES = ROOT / "processes" / "rules"


def create_in(api: Api, region: str, payload: dict[str, Any]) -> dict[str, Any]:
    response = api.client.post("/api/v1/cases", json={**payload, "region": region},
                               headers=api.headers("township", region[:9] + "000"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def emergency_case(api: Api, household: int = 0) -> dict[str, Any]:
    return api.create(case_payload("linshi", household=household, emergency=True, cause="火灾"))


def confirm_role(case: dict[str, Any]) -> str:
    return str(next(t["role"] for t in case["tasks"] if t["element_id"] == "confirm"))


# -- 1. the township's limits bind the confirmed amount -------------------------------------------

def test_a_township_confirmation_above_its_limit_goes_to_the_county(api: Api, database_url: str) -> None:
    case = emergency_case(api)
    api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED)
    case = api.step(case["id"], "review", {"eligible": True, "proposed_amount": 800})
    assert confirm_role(case) == "township"
    case = api.step(case["id"], "confirm", {**CONFIRM, "amount": 40000})
    assert case["status"] == "active" and elements(case) >= {"county_deliberation"} and "archive" not in elements(case)
    assert case["facts"]["deliberation"] is True and case["facts"]["decided_by"] == "township"
    beyond = [e for e in api.history(case["id"]) if e["type"] == "case.beyond_authority"]
    assert beyond and beyond[0]["data"]["amount"] == 40000 and beyond[0]["data"]["decided_by"] == "township"
    case = api.walk(case["id"], [("county_deliberation", {**CONFIRM, "amount": 40000}), ("archive", ARCHIVE)])
    assert case["status"] == "approved" and case["facts"]["amount"] == 40000


def test_a_township_confirmation_at_its_limit_stands(api: Api, database_url: str) -> None:
    case = emergency_case(api, household=1)  # two people: 2,000 yuan is 1,000 per person, 含
    api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED)
    api.step(case["id"], "review", {"eligible": True, "proposed_amount": 800})
    case = api.walk(case["id"], [("confirm", {**CONFIRM, "amount": 2000}), ("archive", ARCHIVE)])
    assert case["status"] == "approved" and case["facts"]["amount"] == 2000
    assert not [e for e in api.history(case["id"]) if e["type"] == "case.beyond_authority"]


# -- 2. a region no local pack names follows the national rule -------------------------------------

def test_outside_shulan_the_county_confirms(api: Api, database_url: str) -> None:
    for region, pack in (("150525101001", "naiman-2022"), ("110105001001", "national-2021")):
        case = create_in(api, region, case_payload())
        assert case["rule_pack"] == pack and case["rule_pack_version"] >= 1
        case = api.walk(case["id"], TO_PUBLICITY)
        api.at(start_of(date.fromisoformat(case["facts"]["publicity_until"]) + timedelta(days=1)) + timedelta(seconds=1))
        case = api.case(case["id"], "admin")
        assert confirm_role(case) == "county", region
        assert case["facts"]["confirmer"] == "county"
        assert api.complete(case["id"], "confirm", CONFIRM, role="township").status_code == 403
        case = api.walk(case["id"], [("confirm", CONFIRM), ("archive", ARCHIVE)])
        assert case["status"] == "approved"
    shulan = api.create()
    assert shulan["rule_pack"] == "shulan-2023"


# -- 3. the advance (先行救助) is within the township's emergency limit per person --------------------

def test_an_advance_above_the_township_limit_is_refused(api: Api, database_url: str) -> None:
    case = emergency_case(api, household=1)  # two people: at most 2,000 yuan first
    for amount in (3000, 60000):
        response = api.complete(case["id"], "advance_payment", {**ADVANCE, "advance_amount": amount})
        assert response.status_code == 422, response.text
        detail = response.json()["detail"][0]
        assert detail["loc"][-1] == "advance_amount" and "1000" in detail["msg"]
    assert elements(api.case(case["id"])) == {"advance_payment"}
    assert not [e for e in api.history(case["id"]) if e["type"] == "case.advance_paid"]
    case = api.step(case["id"], "advance_payment", {**ADVANCE, "advance_amount": 2000})
    assert case["facts"]["advance_amount"] == 2000


# -- the refusal notice period with its unit, per pack -----------------------------------------------

def test_the_refusal_notice_counts_the_unit_of_the_case_pack(api: Api, database_url: str, tmp_path: Path) -> None:
    for path in RULES.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    adopted = (RULES / "county-2020.yaml").read_text(encoding="utf-8").replace("regions: []", 'regions: ["230102"]')
    (tmp_path / "county-2020.yaml").write_text(adopted, encoding="utf-8")
    api.services.rules = load_book(tmp_path, "national-2021")  # a county adopts seed 002's pack
    api.at(datetime(2026, 11, 6, 9, tzinfo=SHANGHAI))  # a Friday
    due = {}
    for region in ("230102001001", "110105001001"):
        case = create_in(api, region, case_payload())
        stages = {t["element_id"]: t["due_on"] for t in api.step(case["id"], "accept", ACCEPT)["tasks"]}
        assert stages["info_check"] == ("2026-11-20" if region.startswith("230102") else None)  # seed 002: 10 working days
        case = api.walk(case["id"], [("info_check", INFO), ("home_visit", VISIT), ("review", INELIGIBLE)])
        due[case["rule_pack"]] = next(t["due_on"] for t in case["tasks"] if t["element_id"] == "notify_rejection")
    assert due == {"county-2020": "2026-11-09",      # seed 002: 3日, calendar days
                   "national-2021": "2026-11-11"}    # [DB 21]: 3 working days


# -- 4. above the 一事一议 ceiling the county's case conference decides (seed 004 §三(二)2) --------------

CONFERENCE = {"approved": True, "attendees": ["县民政局", "县医保局", "县教育局"], "minutes": "个案会商：综合帮扶"}


def test_above_the_ceiling_the_case_conference_decides_and_refers(api: Api, database_url: str) -> None:
    case = create_in(api, "150525101001", case_payload("linshi", household=1, emergency=True, cause="火灾"))
    assert case["rule_pack"] == "naiman-2022"
    api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED)
    case = api.step(case["id"], "review", {"eligible": True, "proposed_amount": 60000})
    assert case["status"] == "active" and elements(case) >= {"case_conference"}  # not refused outright
    assert case["facts"]["conference"] is True
    task = next(t for t in case["tasks"] if t["element_id"] == "case_conference")
    assert task["role"] == "county"
    over = api.complete(case["id"], "case_conference", {**CONFERENCE, "amount": 60000})
    assert over.status_code == 422 and "50000" in over.json()["detail"][0]["msg"]
    assert over.json()["detail"][0]["loc"][-1] == "amount"
    wrong = api.complete(case["id"], "case_conference", {**CONFERENCE, "amount": 50000, "referrals": ["lottery"]})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"][-1] == "referrals"
    case = api.step(case["id"], "case_conference", {**CONFERENCE, "amount": 50000, "referrals": ["medical", "charity"]})
    case = api.step(case["id"], "archive", ARCHIVE)
    assert case["status"] == "approved" and case["facts"]["amount"] == 50000
    assert case["facts"]["referrals"] == ["medical", "charity"]


def test_a_county_confirmation_above_the_ceiling_goes_to_the_case_conference(api: Api, database_url: str) -> None:
    case = create_in(api, "150525101001", case_payload("linshi", household=0, emergency=True, cause="火灾"))
    api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED)
    case = api.step(case["id"], "review", {"eligible": True, "proposed_amount": 800})
    assert confirm_role(case) == "county"  # the national rule: the county confirms
    case = api.step(case["id"], "confirm", {**CONFIRM, "amount": 70000})
    assert elements(case) >= {"case_conference"} and case["facts"]["decided_by"] == "county"
    assert [e["data"]["amount"] for e in api.history(case["id"]) if e["type"] == "case.beyond_authority"] == [70000]


def test_a_referral_shows_in_the_monthly_report(api: Api, database_url: str) -> None:
    case = create_in(api, "150525101001", case_payload("linshi", household=0, emergency=True, cause="火灾"))
    api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 90000})])
    api.walk(case["id"], [("case_conference", {**CONFERENCE, "amount": 50000, "referrals": ["education"]}), ("archive", ARCHIVE)])
    report = api.client.get("/api/v1/reports/monthly?month=2026-11", headers=api.headers("admin")).json()
    assert report["totals"]["referred"] == 1 and report["totals"]["approved"] == 1
    csv = api.client.get("/api/v1/reports/monthly?month=2026-11&format=csv", headers=api.headers("admin")).text
    assert "转介其他救助" in csv
