"""A county whose pack pays quarterly (seed 002 (三)3: 按季度发放, 当季首月10日前): three months a row."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from service.calendar.rules import RuleBook
from service.clock import SHANGHAI

from ..factories import Api, resident_id
from .helpers import deaths_csv, generate, import_deaths, issue, paid_beneficiary


@pytest.fixture
def quarterly(api: Api) -> Api:
    book = api.services.rules
    base = book.get("shulan-2023")
    pack = base.model_copy(update={"id": "quarterly-test", "effective_from": date(2026, 1, 1),
                                   "numbers": {**base.numbers, "payment_months": 3, "payment_day": 10}})
    api.services.rules = RuleBook([*book.packs.values(), pack], book.default_id)
    return api


def test_a_quarter_is_paid_in_its_first_month_and_a_death_inside_it_is_recovered(quarterly: Api) -> None:
    api = quarterly
    person = resident_id("19800101")
    case = paid_beneficiary(api, applicant_id=person)
    refused = generate(api, "2026-12", expect=422)
    assert "quarterly-test" in refused["detail"][0]["msg"]
    roster = generate(api, "2027-01")
    assert (roster["months"], roster["pay_by"], roster["rule_pack"]) == (3, "2027-01-10", "quarterly-test")
    assert [(r["case_number"], r["months"], r["amount"]) for r in roster["rows"]] == [(case["number"], 3, 1500.0)]
    issue(api, roster["id"])
    api.clock.set(datetime(2027, 2, 20, 9, tzinfo=SHANGHAI))
    assert import_deaths(api, deaths_csv((person, "张三", "2027-02-10", "殡仪馆"))).json()["matched_beneficiaries"] == 1
    owed = api.client.get("/api/v1/payrolls/overpayments", headers=api.headers("county")).json()["items"]
    assert [(o["months"], o["amount"]) for o in owed] == [(1, 500.0)]  # March: February was still due
