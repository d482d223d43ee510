"""The full review (全面复核): a batch per township and month to the county, an opinion on every decision, and what follows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.clock import SHANGHAI

from ..factories import (
    ACCEPT,
    ARCHIVE,
    INELIGIBLE,
    INFO,
    NOTIFY,
    OTHER_TOWNSHIP,
    SPOT_CHECK,
    VISIT,
    Api,
    approve,
    case_payload,
    resident_id,
)

DECEMBER = datetime(2026, 12, 1, 9, tzinfo=SHANGHAI)
SIGNED = {"reviewers": ["县民政甲", "县民政乙"], "summary": "档案要件齐全，程序到位"}


def refuse(api: Api, region: str = "220283101001", **kwargs: Any) -> dict[str, Any]:
    response = api.client.post("/api/v1/cases", json=case_payload(region=region, **kwargs), headers=api.headers("township", region[:9] + "000"))
    case = response.json()
    return api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO), ("home_visit", VISIT), ("review", INELIGIBLE),
                                 ("notify_rejection", NOTIFY), ("archive", ARCHIVE)])


def batches(api: Api) -> list[dict[str, Any]]:
    items = api.client.get("/api/v1/cases?purpose=review", headers=api.headers("county")).json()["items"]
    return [api.case(c["id"], "county") for c in items]


def test_each_township_month_goes_to_the_county_as_one_batch(api: Api) -> None:
    approved = approve(api)
    refused = refuse(api)
    other = refuse(api, OTHER_TOWNSHIP[:9] + "001")
    assert refused["status"] == "rejected"
    api.at(DECEMBER)
    found = sorted(batches(api), key=lambda c: c["region"])
    assert [c["region"] for c in found] == ["220283101000", "220283102000"]
    first = found[0]
    assert (first["purpose"], first["kind"], first["status"]) == ("review", "review", "active")
    [task] = first["tasks"]
    assert (task["element_id"], task["role"], task["due_on"]) == ("review_batch", "county", "2026-12-29")  # 20 working days
    listed = api.client.get(f"/api/v1/cases/{first['id']}/history", headers=api.headers("county")).json()[0]
    assert listed["type"] == "case.created"
    api.at(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
    assert len(batches(api)) == 2  # opened once
    supervision = api.client.get("/api/v1/supervision/scrutiny", headers=api.headers("county")).json()
    assert supervision["totals"]["open_batches"] == 2
    del approved, other


def test_every_decision_needs_an_opinion_and_a_revoke_rechecks(api: Api) -> None:
    approved = approve(api)
    refused = refuse(api)
    api.at(DECEMBER)
    [batch] = batches(api)
    numbers = {approved["number"], refused["number"]}
    missing = api.complete(batch["id"], "review_batch", {**SIGNED, "opinions": {approved["number"]: "agree"}})
    assert missing.status_code == 422 and missing.json()["detail"][0]["loc"] == ["body", "data", "opinions", refused["number"]]
    stranger = api.complete(batch["id"], "review_batch", {**SIGNED, "opinions": {n: "agree" for n in numbers | {"DB-1"}}})
    assert stranger.status_code == 422
    no_note = api.complete(batch["id"], "review_batch", {**SIGNED, "opinions": {approved["number"]: "revoke", refused["number"]: "agree"}})
    assert no_note.status_code == 422 and no_note.json()["detail"][0]["loc"] == ["body", "data", "notes", approved["number"]]
    refusal_revoked = api.complete(batch["id"], "review_batch", {**SIGNED, "opinions": {approved["number"]: "agree", refused["number"]: "revoke"},
                                                                 "notes": {refused["number"]: "x"}})
    assert refusal_revoked.status_code == 422
    bad_value = api.complete(batch["id"], "review_batch", {**SIGNED, "opinions": {approved["number"]: "maybe", refused["number"]: "agree"}})
    assert bad_value.status_code == 422
    done = api.step(batch["id"], "review_batch", {
        **SIGNED, "opinions": {approved["number"]: "revoke", refused["number"]: "correct"},
        "notes": {approved["number"]: "家庭收入超标，撤销确认", refused["number"]: "补齐收入核算材料"}, "correct_within_days": 5})
    assert done["status"] == "completed"
    found = api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["items"][0]
    assert found["open_recheck"] is not None
    opinions = {e["data"]["opinion"]: e["data"] for case in (approved, refused) for e in api.history(case["id"])
                if e["type"] == "full_review.opinion"}
    assert opinions["revoke"]["recheck"] == found["open_recheck"]["number"]
    assert opinions["correct"]["correct_by"] == "2026-12-08" and opinions["correct"]["batch"] == batch["number"]
    assert api.client.get("/api/v1/supervision/scrutiny", headers=api.headers("county")).json()["totals"]["open_batches"] == 0


def test_the_monthly_report_counts_batches_and_reports(api: Api) -> None:
    approve(api)
    api.client.post("/api/v1/public/reports", json={"region": "220283101001", "subject": "s", "text": "t"})
    api.at(DECEMBER)
    november = api.client.get("/api/v1/reports/monthly?month=2026-11", headers=api.headers("county")).json()
    assert november["scrutiny"]["totals"]["public_reports"] == 1
    assert november["scrutiny"]["totals"]["review_batches"] == 1 and november["scrutiny"]["totals"]["review_batches_answered"] == 0
    assert november["scrutiny"]["townships"] == [{"township": "220283101", "township_name": "220283101", "public_reports": 1, "review_batches": 1,
                                                  "review_batches_answered": 0, "missing_periodic_reports": 0}]
    text = api.client.get("/api/v1/reports/monthly?month=2026-11&format=csv", headers=api.headers("county")).text
    assert text.rstrip().splitlines()[-2:] == ["220283101,220283101,1,1,0,0", "合计 total,,1,1,0,0"]


def test_a_refused_application_is_spot_checked_and_a_wrong_refusal_reopens_it(api: Api) -> None:
    person = resident_id("19800101")
    refused = refuse(api, applicant_id=person)
    api.at(DECEMBER)
    draw = api.client.get("/api/v1/spot-checks?month=2026-11", headers=api.headers("county")).json()
    assert draw[0]["population"] == [refused["number"]] and draw[0]["sample"] == [refused["number"]]
    [check] = draw[0]["checks"]
    wrong = api.complete(check["case_id"], "spot_check", {**SPOT_CHECK, "conclusion": "revoke", "opinion": "x"})
    assert wrong.status_code == 422 and wrong.json()["detail"][0]["loc"] == ["body", "data", "conclusion"]
    opinion = "收入核算有误，家庭人均收入低于标准，应予重新受理"
    api.step(check["case_id"], "spot_check", {**SPOT_CHECK, "conclusion": "wrongly_refused", "opinion": opinion})
    reopened_event = next(e for e in api.history(refused["id"]) if e["type"] == "application.reopened")
    reopened = [c for c in api.client.get("/api/v1/cases?purpose=application&status=active", headers=api.headers()).json()["items"]
                if c["number"] == reopened_event["data"]["reopened_as"]]
    assert reopened and reopened[0]["subject_case_id"] == refused["id"]
    case = api.case(reopened[0]["id"])
    assert [t["element_id"] for t in case["tasks"]] == ["accept"] and case["tasks"][0]["role"] == "township"
    assert case["applicant"]["id_number"] == person


def test_an_approval_is_not_wrongly_refused(api: Api) -> None:
    approve(api)
    api.at(DECEMBER)
    [check] = api.client.get("/api/v1/spot-checks?month=2026-11", headers=api.headers("county")).json()[0]["checks"]
    response = api.complete(check["case_id"], "spot_check", {**SPOT_CHECK, "conclusion": "wrongly_refused", "opinion": "x"})
    assert response.status_code == 422
