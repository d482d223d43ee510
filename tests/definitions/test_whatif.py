"""What-if: a candidate decision table or rule pack against the open cases, deploying nothing."""

from __future__ import annotations

from pathlib import Path

from tests.definitions.test_deploy_api import county_delegation
from tests.factories import ACCEPT, ELIGIBLE, INFO, TO_PUBLICITY, VISIT, Api

RULES = Path(__file__).resolve().parents[2] / "processes" / "rules"
SHULAN = (RULES / "shulan-2023.yaml").read_text(encoding="utf-8")


def what_if(api: Api, data: bytes, name: str, role: str = "designer", key: str = "dibao"):  # type: ignore[no-untyped-def]
    return api.client.post(f"/api/v1/processes/{key}/what-if", files={"file": (name, data)}, headers=api.headers(role))


def test_a_county_delegation_table_shows_which_cases_would_route_differently(api: Api, database_url: str) -> None:
    waiting = api.create()
    decided = api.create()
    api.walk(decided["id"], TO_PUBLICITY)
    api.at(api.clock.now().replace(day=11))  # publicity over: the delegation decision has run
    response = what_if(api, county_delegation(), "delegation.dmn")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["candidate"] == {"type": "dmn", "key": "delegation", "name": "审核确认权限 who confirms"}
    assert (body["cases"], body["changed"]) == (2, 1)
    items = {i["case_id"]: i for i in body["items"]}
    route = items[waiting["id"]]["routes"][0]
    assert route["current"]["confirmer"] == "township" and route["candidate"]["confirmer"] == "county" and route["changed"]
    assert items[waiting["id"]]["summary"] == ["确认机关 confirmer: 乡镇 → 县级"]
    assert items[decided["id"]]["routes"][0]["already_decided"] is True and not items[decided["id"]]["changed"]
    listing = api.client.get("/api/v1/processes", headers=api.headers("designer")).json()["items"]
    assert {d["key"]: d["newest"] for d in listing}["delegation"] == 1  # nothing deployed


def test_a_rule_pack_with_longer_limits_moves_due_dates_and_stage_deadlines(api: Api, database_url: str) -> None:
    case = api.create()
    accepted = api.step(case["id"], "accept", {"materials_complete": True})
    untouched = api.create()
    candidate = (SHULAN.replace('limit_days: {value: 30, source: "seed 001 §六(六) 自受理之日起', 'limit_days: {value: 40, source: "')
                 .replace("confirmation_delegated: {value: true", "confirmation_delegated: {value: false")
                 + "  investigation_days: 15\n")
    body = what_if(api, candidate.encode(), "shulan-2023.yaml").json()
    assert body["candidate"]["type"] == "rule_pack" and body["candidate"]["key"] == "shulan-2023"
    item = {i["case_id"]: i for i in body["items"]}[case["id"]]
    assert item["due_on"]["current"] == accepted["due_on"] and item["due_on"]["changed"]
    assert {s["element_id"] for s in item["stages"] if s["changed"]} == {"info_check", "home_visit"}
    assert item["routes"][0]["candidate"]["confirmer"] == "county"
    assert any(line.startswith("办理期限") for line in item["summary"])
    other = {i["case_id"]: i for i in body["items"]}[untouched["id"]]
    assert other["due_on"] is None and other["routes"][0]["changed"]  # not accepted yet; still routes differently


def test_a_new_pack_applies_only_where_it_would_be_chosen(api: Api, database_url: str) -> None:
    api.create()
    elsewhere = SHULAN.replace("id: shulan-2023", "id: jilin-2027").replace('regions: ["220283"]', 'regions: ["2202839"]')
    body = what_if(api, elsewhere.encode(), "jilin.yaml").json()
    assert body["cases"] == 1 and body["changed"] == 0 and body["items"][0]["routes"] == []


def test_bad_candidates_are_422_and_roles_are_checked(api: Api, database_url: str) -> None:
    assert what_if(api, b"id: x\nname: y\n", "p.yaml").status_code == 422
    assert what_if(api, b"<definitions/>", "x.dmn").status_code == 422
    assert "does not call" in what_if(api, county_delegation().replace(b'id="delegation"', b'id="other"'), "o.dmn").json()["detail"][0]["msg"]
    assert what_if(api, county_delegation(), "d.dmn", key="nothing").status_code == 404
    assert what_if(api, county_delegation(), "d.dmn", role="township").status_code == 403
    assert what_if(api, b"\xff\xfe", "p.yaml").status_code == 422


def test_a_changed_pack_lists_the_open_cases_whose_confirmer_would_change(api: Api, database_url: str) -> None:
    before = api.create()                                   # not yet at its confirmation
    waiting = api.create()
    api.walk(waiting["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("review", ELIGIBLE)])
    undelegated = SHULAN.replace("confirmation_delegated: {value: true", "confirmation_delegated: {value: false")
    body = what_if(api, undelegated.encode(), "shulan-2023.yaml").json()
    items = {i["case_id"]: i for i in body["items"]}
    assert items[before["id"]]["confirmer"] == {"current": "township", "candidate": "county", "changed": True}
    assert "确认机关 confirmer: 乡镇 → 县级" in items[before["id"]]["summary"]
    assert body["confirmer_changes"] >= 1 and "rule-pack version" in body["note"]
    same = what_if(api, SHULAN.encode(), "shulan-2023.yaml").json()
    assert same["confirmer_changes"] == 0
