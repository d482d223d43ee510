"""Duplicate-benefit cross-checks (seed 000 §2(1)3): at creation and again at confirmation, naming the other case."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from service.audit.models import AuditEvent
from service.cases import crosscheck
from service.clock import SHANGHAI
from service.tasks.models import CaseTask

from ..factories import (
    ADVANCE,
    CONFIRM,
    LS_INVESTIGATED,
    TK_ELIGIBLE,
    TK_INVESTIGATED,
    TO_PUBLICITY,
    Api,
    approve,
    case_payload,
    resident_id,
)

PUBLICITY_OVER = datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)


def refused(api: Api, payload: dict) -> str:  # type: ignore[type-arg]
    response = api.client.post("/api/v1/cases", json=payload, headers=api.headers())
    assert response.status_code == 409, response.text
    return str(response.json()["detail"])


@pytest.mark.parametrize("second", ["dibao", "tekun"])
def test_an_active_dibao_case_blocks_dibao_and_tekun(api: Api, second: str) -> None:
    person = resident_id()
    first = api.create(applicant_id=person)
    assert first["number"] in refused(api, case_payload(second, applicant_id=person))


def test_a_household_member_on_another_case_is_named(api: Api) -> None:
    first = api.create(household=1)
    member = first_member_id(api, first["id"])
    detail = refused(api, case_payload("tekun", applicant_id=member))
    assert first["number"] in detail and "李0" in detail


def first_member_id(api: Api, case_id: int) -> str:
    from service.cases.models import CasePerson

    with api.services.sessions() as session:
        return str(session.scalar(select(CasePerson.id_number).where(CasePerson.case_id == case_id,
                                                                      CasePerson.relation != "applicant")))


def test_an_approved_case_blocks_and_linshi_does_not(api: Api) -> None:
    person = resident_id()
    first = approve(api, applicant_id=person)
    assert first["status"] == "approved"
    assert first["number"] in refused(api, case_payload("tekun", applicant_id=person))
    api.create(case_payload("linshi", applicant_id=person, cause="火灾"))  # temporary assistance is not exclusive


def test_a_withdrawn_case_no_longer_blocks(api: Api) -> None:
    person = resident_id()
    first = api.create(applicant_id=person)
    assert first["number"] in refused(api, case_payload("dibao", applicant_id=person))  # blocks while active
    response = api.client.post(f"/api/v1/cases/{first['id']}/withdraw", json={"reason": "撤回"}, headers=api.headers())
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "withdrawn" and response.json()["tasks"] == []
    second = api.create(case_payload("dibao", applicant_id=person))
    assert second["status"] == "active" and second["id"] != first["id"]


def test_linshi_same_person_same_cause_same_year_is_refused(api: Api) -> None:
    person = resident_id()
    first = api.create(case_payload("linshi", applicant_id=person, cause="火灾"))
    detail = refused(api, case_payload("linshi", applicant_id=person, cause=" 火 灾 "))  # spacing does not make it new
    assert first["number"] in detail and "same cause" in detail
    api.create(case_payload("linshi", applicant_id=person, cause="交通事故"))  # another cause
    api.clock.set(datetime(2027, 1, 4, 9, tzinfo=SHANGHAI))
    api.create(case_payload("linshi", applicant_id=person, cause="火灾"))  # another year


def test_linshi_cause_is_required(api: Api) -> None:
    response = api.client.post("/api/v1/cases", json=case_payload("linshi"), headers=api.headers())
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "application", "cause"]


def test_confirmation_is_refused_when_the_benefit_was_granted_elsewhere_meanwhile(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two applications that passed creation together (a race): the first confirmed wins, the second gets 409."""
    person = resident_id()
    monkeypatch.setattr(crosscheck, "at_creation", lambda *args: None)
    first = api.create(applicant_id=person)
    second = api.create(case_payload("tekun", applicant_id=person))
    monkeypatch.undo()
    api.walk(first["id"], TO_PUBLICITY)
    api.walk(second["id"], TK_INVESTIGATED + [("review", TK_ELIGIBLE)])
    api.at(PUBLICITY_OVER)
    api.step(first["id"], "confirm", CONFIRM)  # granted: the case is on its way to the archive
    events_before = history_length(api, second["id"])
    response = api.complete(second["id"], "confirm", {**CONFIRM, "amount": 800})
    assert response.status_code == 409, response.text
    assert first["number"] in response.json()["detail"]
    with api.services.sessions() as session:  # nothing half-written
        task = session.scalar(select(CaseTask).where(CaseTask.case_id == second["id"], CaseTask.element_id == "confirm"))
        assert task is not None and task.status == "open" and task.data is None
    assert history_length(api, second["id"]) == events_before
    refusal = {**CONFIRM, "approved": False, "reason": "已纳入低保", "amount": None}
    assert api.complete(second["id"], "confirm", refusal).status_code == 200  # refusing is always possible


def history_length(api: Api, case_id: int) -> int:
    with api.services.sessions() as session:
        return len(session.scalars(select(AuditEvent.id).where(AuditEvent.chain == f"case:{case_id}")).all())


def test_linshi_confirmation_is_refused_when_the_same_cause_was_helped_meanwhile(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    person = resident_id()
    monkeypatch.setattr(crosscheck, "at_creation", lambda *args: None)
    first, second = (api.create(case_payload("linshi", applicant_id=person, household=0, emergency=True, cause="火灾"))
                     for _ in range(2))
    monkeypatch.undo()
    steps = [("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 800})]
    for case in (first, second):
        api.walk(case["id"], steps)
    api.step(first["id"], "confirm", {**CONFIRM, "amount": 800})
    response = api.complete(second["id"], "confirm", {**CONFIRM, "amount": 800})
    assert response.status_code == 409 and first["number"] in response.json()["detail"]
