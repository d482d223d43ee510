"""Every path of processes/recheck.bpmn and processes/county_spot_check.bpmn, saving and restoring between steps."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.clock import SHANGHAI

from ..factories import ADJUST, AGREE, ARCHIVE, CONTINUE, INFO, NOTIFY, RC_VISIT, SELF_CARE, SPOT_CHECK, STOP
from .walker import Walker

INVESTIGATED = [("info_check", INFO), ("home_visit", RC_VISIT)]


def recheck(kind: str = "dibao", pack: str = "shulan-2023") -> Walker:
    w = Walker("recheck", kind, pack=pack, monthly_amount=500, recheck_class="B", support_mode=None,
               current_recheck_class="B", current_support_mode=None, current_self_care="full")
    assert w.roles() == {"info_check": "township", "home_visit": "township"}
    return w


def test_continue_needs_no_confirmation() -> None:
    w = recheck()
    w.walk(INVESTIGATED + [("decide", CONTINUE)])
    assert w.roles() == {"archive": "township"}
    w.do("archive", ARCHIVE)
    assert w.snapshot.end_element == "closed_completed" and w.snapshot.data["outcome"] == "continue"


@pytest.mark.parametrize(("pack", "role"), [("shulan-2023", "township"), ("national-2021", "county")])
def test_adjusting_the_amount_is_confirmed_by_delegation(pack: str, role: str) -> None:
    w = recheck(pack=pack)
    w.walk(INVESTIGATED + [("decide", ADJUST)])
    assert w.roles() == {"confirm": role}
    w.walk([("confirm", AGREE), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_completed"
    assert (w.snapshot.data["outcome"], w.snapshot.data["monthly_amount"]) == ("adjust", 420)


def test_stopping_dibao_is_confirmed_then_notified_in_writing() -> None:
    w = recheck()
    w.walk(INVESTIGATED + [("decide", STOP)])
    assert w.roles() == {"confirm": "township"} and "publicity" not in w.at
    w.do("confirm", AGREE)
    assert w.roles() == {"notify_stop": "township"}
    assert w.snapshot.ready[0].stage_days == 3
    w.walk([("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    assert w.snapshot.data["outcome"] == "stop" and w.snapshot.data["reason"] == STOP["reason"]


def test_stopping_tekun_is_publicised_for_seven_days_first() -> None:
    w = recheck("tekun")
    w.walk(INVESTIGATED + [("self_care_assessment", SELF_CARE), ("decide", STOP)])
    assert w.at == {"publicity"}
    assert w.due("publicity") == datetime(2026, 11, 10, tzinfo=SHANGHAI)
    w.wait_until(datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI))
    w.walk([("confirm", AGREE), ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    assert w.snapshot.end_element == "closed_completed"


def test_an_upheld_objection_to_a_tekun_stop_sends_it_back_to_the_visit() -> None:
    w = recheck("tekun")
    w.walk(INVESTIGATED + [("self_care_assessment", SELF_CARE), ("decide", STOP)])
    w.now = datetime(2026, 11, 5, 10, tzinfo=SHANGHAI)
    w.object()
    w.do("handle_objection", {"upheld": True, "note": "仍无劳动能力"})
    assert w.roles() == {"home_visit": "township"}
    w.walk([("home_visit", RC_VISIT), ("decide", CONTINUE), ("archive", ARCHIVE)])
    assert w.snapshot.data["outcome"] == "continue"


def test_a_not_upheld_objection_keeps_the_publicity_end() -> None:
    w = recheck("tekun")
    w.walk(INVESTIGATED + [("self_care_assessment", SELF_CARE), ("decide", STOP)])
    w.now = datetime(2026, 11, 5, 10, tzinfo=SHANGHAI)
    w.object()
    w.do("handle_objection", {"upheld": False, "note": "不成立"})
    assert w.due("publicity") == datetime(2026, 11, 10, tzinfo=SHANGHAI)


def test_a_change_the_meeting_does_not_confirm_goes_back_to_the_opinion() -> None:
    w = recheck()
    w.walk(INVESTIGATED + [("decide", STOP), ("confirm", {**AGREE, "approved": False, "reason": "理由不充分"})])
    assert w.roles() == {"decide": "township"}
    w.walk([("decide", CONTINUE), ("archive", ARCHIVE)])
    assert w.snapshot.data["outcome"] == "continue"


def test_spot_check_is_one_county_task() -> None:
    w = Walker("county_spot_check", "dibao")
    assert w.roles() == {"spot_check": "county"}
    w.do("spot_check", {**SPOT_CHECK, "conclusion": "revoke", "opinion": "隐瞒经营收入，撤销保障"})
    assert w.snapshot.end_element == "closed_completed" and w.snapshot.data["conclusion"] == "revoke"
