"""The tekun procedure over REST: the self-care assessment, the support mode, and the beneficiary it becomes."""

from __future__ import annotations

import pytest

from ..factories import ACCEPT, INELIGIBLE, INFO, NOTIFY, SELF_CARE, TK_INVESTIGATED, VISIT, Api, approve, elements


@pytest.mark.local_limits
def test_approved_tekun_records_self_care_and_support_mode(api: Api) -> None:
    case = api.create(kind="tekun")
    case = api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT)])
    task = next(t for t in case["tasks"] if t["element_id"] == "self_care_assessment")
    assert task["role"] == "township" and task["due_on"] == "2026-11-16"  # 10 working days
    assert [f["name"] for f in task["form"]][:6] == ["eating", "dressing", "bed_transfer", "toileting", "indoor_walking", "bathing"]
    case = api.step(case["id"], "self_care_assessment", {**SELF_CARE, "bathing": False, "toileting": False})
    assert case["facts"]["self_care"] == "partial" and "review" in elements(case)
    missing = api.complete(case["id"], "review", {"eligible": True, "monthly_amount": 800})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "data", "support_mode"]
    wrong = api.complete(case["id"], "review", {"eligible": True, "monthly_amount": 800, "support_mode": "home"})
    assert wrong.status_code == 422


def test_tekun_approval_makes_a_beneficiary(api: Api) -> None:
    case = approve(api, kind="tekun")
    assert case["status"] == "approved" and case["number"].startswith("TK-")
    assert case["facts"]["support_mode"] == "dispersed" and case["facts"]["self_care"] == "full"
    beneficiary = api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["items"][0]
    assert (beneficiary["number"], beneficiary["kind"], beneficiary["amount"]) == (case["number"], "tekun", 800)
    assert beneficiary["support_mode"] == "dispersed" and beneficiary["self_care"] == "full"


def test_tekun_refused_at_review(api: Api) -> None:
    case = api.create(kind="tekun")
    api.walk(case["id"], TK_INVESTIGATED)
    case = api.walk(case["id"], [("review", INELIGIBLE), ("notify_rejection", NOTIFY), ("archive", {"archive_no": "TK-1"})])
    assert case["status"] == "rejected"
    assert api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["total"] == 0

