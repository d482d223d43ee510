"""Income accounts over REST: the computation under the case's pack, decisions held to it, 低保边缘家庭, 渐退."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from service.clock import start_of

from ..beneficiaries.test_rechecks_api import INVESTIGATED, approve_monthly, beneficiary, open_recheck
from ..factories import (
    ACCEPT,
    AGREE,
    ARCHIVE,
    INELIGIBLE,
    INFO,
    NOTIFY,
    STOP,
    VISIT,
    Api,
    case_payload,
)
from ..payroll.helpers import generate

INVESTIGATED_APPLICATION = [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)]


def put_income(api: Api, case_id: int, body: dict[str, Any], role: str = "township") -> dict[str, Any]:
    response = api.client.put(f"/api/v1/cases/{case_id}/income", json=body, headers=api.headers(role))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_account_is_computed_under_the_cases_pack_and_shown(api: Api) -> None:
    case = api.create(case_payload(household=2))  # rural: 520 in the default pack
    account = put_income(api, case["id"], {"income": {"wages": 1000, "basic_pension": 150}, "expenditure": {"medical": 100}})
    result = account["result"]
    # wages 1000 − 20% = 800 counted; pension exempt; − medical 100 → 700 for 3: 233.33 each; 520 × 3 − 700 = 860
    assert (result["net_income"], result["per_capita"], result["standard"]) == (700.0, 233.33, 520.0)
    assert (result["status"], result["amount"], account["rule_pack"]) == ("eligible", 860.0, "shulan-2023")
    assert api.client.get(f"/api/v1/cases/{case['id']}/income", headers=api.headers("village")).json()["result"] == result
    assert api.case(case["id"])["facts"]["computed_amount"] == 860.0
    assert "income.accounted" in [e["type"] for e in api.history(case["id"])]


def test_bad_input_is_named(api: Api) -> None:
    case = api.create()
    for body, field in (({"income": {"salary": 10}}, "income"), ({"income": {"wages": -1}}, "income"),
                        ({"members": 0}, "members"), ({"expenditure": {"medical": "x"}}, "expenditure"), ({"x": 1}, "x")):
        response = api.client.put(f"/api/v1/cases/{case['id']}/income", json=body, headers=api.headers())
        assert response.status_code == 422 and field in response.json()["detail"][0]["loc"], (body, response.text)
    assert api.client.get(f"/api/v1/cases/{case['id']}/income", headers=api.headers()).status_code == 404
    linshi = api.create(case_payload("linshi", cause="火灾"))
    assert api.client.put(f"/api/v1/cases/{linshi['id']}/income", json={}, headers=api.headers()).status_code == 409


def test_the_review_follows_the_computation_or_records_why_not(api: Api) -> None:
    case = api.create(case_payload(household=0))
    api.walk(case["id"], INVESTIGATED_APPLICATION)
    put_income(api, case["id"], {"income": {"business": 120}})  # 520 − 120 = 400
    refused = api.complete(case["id"], "review", {"eligible": True, "monthly_amount": 500})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "data", "override_reason"]
    api.step(case["id"], "review", {"eligible": True, "monthly_amount": 500, "override_reason": "收入证明不实，按实际核定"})
    overridden = [e for e in api.history(case["id"]) if e["type"] == "income.overridden"]
    assert overridden[0]["data"]["reason"] == "收入证明不实，按实际核定" and overridden[0]["data"]["computed"] == 400.0
    other = api.create(case_payload(household=0))
    api.walk(other["id"], INVESTIGATED_APPLICATION)
    put_income(api, other["id"], {"income": {"business": 120}})
    api.step(other["id"], "review", {"eligible": True, "monthly_amount": 400})  # as computed: no reason needed


def test_just_above_the_line_is_recognised_as_near_dibao_not_refused_silently(api: Api) -> None:
    case = api.create(case_payload(household=1))
    api.walk(case["id"], INVESTIGATED_APPLICATION)
    account = put_income(api, case["id"], {"income": {"business": 1100}})  # 550 each: above 520, below 780
    assert account["result"]["status"] == "near_dibao"
    api.walk(case["id"], [("review", INELIGIBLE), ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])
    assert api.case(case["id"])["status"] == "rejected"
    near = api.client.get("/api/v1/beneficiaries", params={"status": "near_dibao"}, headers=api.headers()).json()
    assert [(b["number"], b["amount"], b["next_recheck_on"]) for b in near["items"]] == [(case["number"], 0.0, None)]
    assert generate(api, "2026-12")["rows"] == []  # recognised, never paid by a roster


def test_a_recheck_above_the_line_tapers_off_for_the_packs_months(api: Api) -> None:
    case = approve_monthly(api)  # urban, 500 a month, rechecked 2026-12-10
    recheck = open_recheck(api, case["number"])
    api.walk(recheck["id"], INVESTIGATED)
    put_income(api, recheck["id"], {"income": {"wages": 2000}})  # 1600 for 1: above 700
    continued = api.complete(recheck["id"], "decide", {"outcome": "continue"})
    assert continued.status_code == 422  # continuing above the line needs a reason
    api.walk(recheck["id"], [("decide", STOP), ("confirm", AGREE), ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    found = beneficiary(api, case["number"])
    assert found["status"] == "tapering" and found["next_recheck_on"] is None
    assert found["taper"] == {"months": 6, "from": "2027-01", "until": "2027-06"}
    assert found["stopped_on"] == "2027-07-01"
    assert [r["change"] for r in generate(api, "2027-01")["rows"]] == ["taper 1/6"]
    assert [r["change"] for r in generate(api, "2027-06")["rows"]] == ["taper 6/6"]
    assert generate(api, "2027-07")["rows"] == []
    api.at(start_of(date(2027, 7, 1)) + timedelta(hours=9))
    assert beneficiary(api, case["number"])["status"] == "stopped"
