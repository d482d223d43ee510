"""Who approves what, continued: the confirmation of changes on a recheck (item 5), headcounts of
people rather than list items (6), the one-time notice (7) and the cause categories of linshi (8)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.clock import SHANGHAI

from ..factories import (
    ACCEPT,
    AGREE,
    ARCHIVE,
    CONFIRM,
    INCOMPLETE,
    INFO,
    MEETING,
    RC_VISIT,
    SELF_CARE,
    TO_PUBLICITY,
    Api,
    approve,
    case_payload,
    elements,
    resident_id,
)

INVESTIGATED = [("info_check", INFO), ("home_visit", RC_VISIT)]
PUBLICITY_OVER = datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)


def msg(response: Any) -> tuple[list[Any], str]:
    detail = response.json()["detail"][0]
    return detail["loc"], detail["msg"]


# -- 5. a tekun recheck that changes the support mode, the class or the self-care grade is confirmed -------

def tekun_recheck(api: Api) -> dict[str, Any]:
    case = approve(api, case_payload("tekun", applicant_id=resident_id("19800101"), household=0))
    found = next(b for b in api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["items"]
                 if b["number"] == case["number"])
    response = api.client.post(f"/api/v1/beneficiaries/{found['id']}/rechecks", headers=api.headers(),
                               json={"trigger": "change_report", "reason": "供养方式变动申请"})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_new_support_mode_on_a_tekun_recheck_is_confirmed(api: Api, database_url: str) -> None:
    recheck = tekun_recheck(api)
    recheck = api.walk(recheck["id"], INVESTIGATED + [("self_care_assessment", SELF_CARE)])
    recheck = api.step(recheck["id"], "decide", {"outcome": "continue", "support_mode": "centralised"})
    assert "archive" not in elements(recheck) and "confirm" in elements(recheck)  # not archived unconfirmed
    recheck = api.walk(recheck["id"], [("confirm", AGREE), ("archive", ARCHIVE)])
    assert recheck["status"] == "completed"
    found = api.client.get("/api/v1/beneficiaries?kind=tekun", headers=api.headers()).json()["items"][0]
    assert found["support_mode"] == "centralised"


def test_a_tekun_recheck_reassesses_self_care_and_confirms_a_new_grade(api: Api, database_url: str) -> None:
    recheck = tekun_recheck(api)
    assert "self_care_assessment" not in elements(recheck)
    recheck = api.walk(recheck["id"], INVESTIGATED)
    assert elements(recheck) == {"self_care_assessment"}  # the 6 activities again
    worse = {**SELF_CARE, "eating": False, "dressing": False, "bathing": False, "toileting": False}
    recheck = api.walk(recheck["id"], [("self_care_assessment", worse), ("decide", {"outcome": "continue"})])
    assert recheck["facts"]["self_care"] == "none" and "confirm" in elements(recheck)
    api.walk(recheck["id"], [("confirm", AGREE), ("archive", ARCHIVE)])
    found = api.client.get("/api/v1/beneficiaries?kind=tekun", headers=api.headers()).json()["items"][0]
    assert api.client.get(f"/api/v1/beneficiaries/{found['id']}", headers=api.headers()).json()["self_care"] == "none"


def test_a_new_recheck_class_is_confirmed_and_an_unchanged_continue_is_not(api: Api, database_url: str) -> None:
    recheck = tekun_recheck(api)
    api.walk(recheck["id"], INVESTIGATED + [("self_care_assessment", SELF_CARE)])
    recheck = api.step(recheck["id"], "decide", {"outcome": "continue", "recheck_class": "A"})
    assert "confirm" in elements(recheck)
    recheck = api.step(recheck["id"], "confirm", {**AGREE, "approved": False, "reason": "类别依据不足"})
    recheck = api.step(recheck["id"], "decide", {"outcome": "continue"})
    assert elements(recheck) == {"archive"}  # nothing changes: no confirmation needed


# -- 6. headcounts count people ---------------------------------------------------------------------------

def test_duplicate_names_do_not_count_twice(api: Api, database_url: str) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    for visitors in (["王五", "王五"], ["王五", " 王 五"], ["ＡＢ", "AB"]):
        response = api.complete(case["id"], "home_visit", {"visitors": visitors, "findings": "x", "disputed": False})
        assert response.status_code == 422, visitors
        loc, text = msg(response)
        assert loc[-1] == "visitors" and "repeats" in text
    api.walk(case["id"], [("home_visit", {"visitors": ["王五", "赵六"], "findings": "x", "disputed": False}),
                          ("review", {"eligible": True, "monthly_amount": 500})])
    api.at(PUBLICITY_OVER)
    five_of_one = [{"name": "甲", "role": "coordination_group"}] * 5
    response = api.complete(case["id"], "confirm", {**CONFIRM, "attendees": five_of_one})
    assert response.status_code == 422 and msg(response)[0][-1] == "attendees"
    response = api.complete(case["id"], "confirm", {**CONFIRM, "attendees": ["甲", "乙", "丙", "丁", "戊"]})
    assert response.status_code == 422 and "role" in msg(response)[1]  # each attendee's role is recorded


def test_the_review_meeting_needs_the_coordination_group_and_a_caseworker(api: Api, database_url: str) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    api.at(PUBLICITY_OVER)
    no_caseworker = [{**a, "role": "coordination_group"} if a["role"] == "caseworker" else a for a in MEETING]
    response = api.complete(case["id"], "confirm", {**CONFIRM, "attendees": no_caseworker})
    assert response.status_code == 422
    loc, text = msg(response)
    assert loc[-1] == "attendees" and "协调小组成员和社会救助经办人员" in text
    assert elements(api.case(case["id"])) >= {"confirm"}
    case = api.walk(case["id"], [("confirm", CONFIRM), ("archive", ARCHIVE)])
    assert case["status"] == "approved"
    confirmed = next(e for e in api.history(case["id"]) if e["type"] == "task.completed" and e["element_id"] == "confirm")
    assert confirmed["data"]["data"]["attendees"][1] == {"name": "乙", "role": "caseworker"}


# -- 7. the one-time notice (一次性告知) -------------------------------------------------------------------

def test_a_later_notice_only_repeats_the_first_unless_a_reason_is_recorded(api: Api, database_url: str) -> None:
    case = api.create()
    api.step(case["id"], "accept", INCOMPLETE)  # 户口簿, 收入证明
    api.step(case["id"], "supplement", {"materials_complete": False, "missing": ["收入证明"]})  # a repeat: fine
    response = api.complete(case["id"], "supplement", {"materials_complete": False, "missing": ["收入证明", "病历"]})
    assert response.status_code == 422
    loc, text = msg(response)
    assert loc[-1] == "missing" and "一次性告知" in text
    reason = "申请人补交材料时新发现家庭成员患病，需病历"
    api.step(case["id"], "supplement", {"materials_complete": False, "missing": ["收入证明", "病历"], "new_items_reason": reason})
    kept = [e for e in api.history(case["id"]) if e["type"] == "task.completed" and e["element_id"] == "supplement"]
    assert kept[-1]["data"]["data"]["new_items_reason"] == reason
    api.step(case["id"], "supplement", {"materials_complete": False, "missing": ["病历"]})  # notified before: a repeat
    case = api.step(case["id"], "supplement", ACCEPT)
    assert case["accepted_on"] is not None


# -- 8. the linshi cause is a category of the rule pack ----------------------------------------------------

def test_the_same_cause_is_a_category_not_free_text(api: Api, database_url: str) -> None:
    person = resident_id("19800101")
    first = api.create(case_payload("linshi", applicant_id=person, cause="火灾", cause_detail="厨房失火"))
    assert first["status"] == "active"
    response = api.client.post("/api/v1/cases", headers=api.headers(),
                               json=case_payload("linshi", applicant_id=person, cause="房屋火灾"))
    assert response.status_code == 422
    loc, text = msg(response)
    assert loc == ["body", "application", "cause"] and "fire（火灾）" in text
    response = api.client.post("/api/v1/cases", headers=api.headers(),
                               json=case_payload("linshi", applicant_id=person, cause="fire", cause_detail="房屋火灾"))
    assert response.status_code == 409 and first["number"] in response.text
    other = api.create(case_payload("linshi", applicant_id=person, cause="traffic_accident", cause_detail="车祸"))
    assert other["status"] == "active"
