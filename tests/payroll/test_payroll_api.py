"""Payment rosters over REST: draft, checks, issue (frozen, audited), 409s, supplementary, late, overpayments, exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy import select, update

from service.audit.models import AuditEvent
from service.beneficiaries.models import Beneficiary
from service.cases.models import CasePerson
from service.clock import SHANGHAI
from service.db import transaction

from ..factories import ARCHIVE, CONFIRM, OTHER_TOWNSHIP, TO_PUBLICITY, TOWNSHIP, Api, case_payload, resident_id
from .helpers import beneficiary_of, deaths_csv, generate, import_deaths, issue, paid_beneficiary


def test_a_month_is_generated_as_a_draft_issued_once_and_then_frozen(api: Api) -> None:
    dibao = paid_beneficiary(api)
    tekun = paid_beneficiary(api, "tekun")
    draft = generate(api, "2026-12")
    assert (draft["status"], draft["kind"], draft["months"], draft["pay_by"], draft["held"]) == ("draft", "regular", 1, "2026-12-10", [])
    rows = {r["case_number"]: r for r in draft["rows"]}
    assert {k: rows[dibao["number"]][k] for k in ("name", "village", "kind", "amount", "months", "change")} == {
        "name": "张三", "village": "220283101001", "kind": "dibao", "amount": 500.0, "months": 1, "change": "new"}
    assert rows[tekun["number"]]["amount"] == 800.0 and draft["total"] == 1300.0
    again = generate(api, "2026-12")  # a draft is replaced
    assert again["row_count"] == 2
    assert len(api.client.get("/api/v1/payrolls", params={"month": "2026-12"}, headers=api.headers("county")).json()) == 1
    issued = issue(api, again["id"])
    assert issued["status"] == "issued" and len(issued["checksum"]) == 64 and issued["late"] is False
    issue(api, again["id"], expect=409)
    refused = generate(api, "2026-12", expect=409)
    assert "supplementary" in refused["detail"]
    with api.services.sessions() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.type.like("payroll.%")).order_by(AuditEvent.seq)))
    section = next(e for e in events if e.type == "payroll.section")
    assert sorted(r[0] for r in section.data["rows"]) == sorted(rows)
    assert next(e for e in events if e.type == "payroll.issued").data["checksum"] == issued["checksum"]
    with api.services.sessions() as session:
        id_numbers = list(session.scalars(select(Beneficiary.applicant_id_number)))
    assert not [n for n in id_numbers for e in events if n in str(e.data)]  # no ID number in the audit chain
    listed = api.client.get("/api/v1/payrolls", params={"month": "2026-12"}, headers=api.headers("county")).json()
    assert [p["id"] for p in listed] == [again["id"]]


def test_next_month_shows_changes_and_a_supplementary_roster_pays_only_the_difference(api: Api) -> None:
    kept, raised = paid_beneficiary(api), paid_beneficiary(api)
    issue(api, generate(api, "2026-12")["id"])
    with transaction(api.services.sessions) as session:
        session.execute(update(Beneficiary).where(Beneficiary.number == raised["number"]).values(amount=650))
    january = {r["case_number"]: r["change"] for r in generate(api, "2027-01")["rows"]}
    assert january == {kept["number"]: "unchanged", raised["number"]: "adjusted"}
    extra = generate(api, "2026-12", supplementary=True)
    assert [(r["case_number"], r["amount"], r["change"]) for r in extra["rows"]] == [(raised["number"], 150.0, "supplement")]
    issue(api, extra["id"])
    assert generate(api, "2026-12", supplementary=True)["rows"] == []
    assert generate(api, "2027-02", supplementary=True, expect=409)


def test_duplicates_are_held_and_each_gets_a_recheck(api: Api) -> None:
    person = resident_id("19800101")
    first = paid_beneficiary(api, applicant_id=person)
    second = paid_beneficiary(api)
    with transaction(api.services.sessions) as session:  # the same person as a member in a second place (an old import)
        second_case = session.scalar(select(Beneficiary.case_id).where(Beneficiary.number == second["number"]))
        session.add(CasePerson(case_id=second_case, id_number=person, name="张三", relation="spouse"))
    roster = generate(api, "2026-12")
    assert roster["rows"] == []
    held = {h["case_number"]: h for h in roster["held"]}
    assert {h["reason"] for h in held.values()} == {"duplicate"}
    assert held[first["number"]]["detail"]["cases"] == sorted([first["number"], second["number"]])
    assert beneficiary_of(api, first["number"])["open_recheck"] and beneficiary_of(api, second["number"])["open_recheck"]


def test_a_stop_is_held_as_stopped_and_a_death_after_payment_is_an_overpayment(api: Api) -> None:
    stopped, dead = paid_beneficiary(api), paid_beneficiary(api, applicant_id=resident_id("19800101"))
    issue(api, generate(api, "2026-12")["id"])
    with transaction(api.services.sessions) as session:
        session.execute(update(Beneficiary).where(Beneficiary.number == stopped["number"]).values(
            status="stopped", stopped_on=datetime(2026, 11, 30).date(), stop_reason="收入超标"))
    person = beneficiary_of(api, dead["number"])
    with api.services.sessions() as session:
        id_number = session.scalar(select(Beneficiary.applicant_id_number).where(Beneficiary.id == person["id"]))
    api.clock.set(datetime(2026, 12, 5, 9, tzinfo=SHANGHAI))  # reported after December was paid
    imported = import_deaths(api, deaths_csv((id_number, "张三", "2026-11-20", "殡仪馆")))
    assert imported.status_code == 200, imported.text
    assert imported.json()["matched_beneficiaries"] == 1
    owed = api.client.get("/api/v1/payrolls/overpayments", headers=api.headers("county")).json()
    assert [(o["case_number"], o["months"], o["amount"], o["stopped_on"]) for o in owed["items"]] == [
        (dead["number"], 1, 500.0, "2026-11-20")]  # the death is learnt: December was paid after it
    january = generate(api, "2027-01")  # the stop in the past is found when the next roster is made
    assert sorted((h["case_number"], h["reason"]) for h in january["held"]) == sorted(
        [(stopped["number"], "stopped"), (dead["number"], "deceased")])
    assert january["rows"] == []
    owed = api.client.get("/api/v1/payrolls/overpayments", headers=api.headers("county")).json()
    assert owed["total_amount"] == 1000.0 and len(owed["items"]) == 2  # December, paid to both, due to neither
    assert generate(api, "2027-01")["held"] and len(
        api.client.get("/api/v1/payrolls/overpayments", headers=api.headers("county")).json()["items"]) == 2  # once


def test_issuing_after_the_payment_day_is_reported_late(api: Api) -> None:
    paid_beneficiary(api)
    draft = generate(api, "2026-12")
    api.clock.set(datetime(2026, 12, 11, 9, tzinfo=SHANGHAI))
    assert issue(api, draft["id"])["late"] is True


def test_a_bad_month_or_county_is_422_and_another_county_is_404(api: Api) -> None:
    for body in ({"month": "2026-13", "county": "220283"}, {"month": "2026-12", "county": "2202"},
                 {"month": "2026-12", "county": "220283", "extra": 1}):
        response = api.client.post("/api/v1/payrolls", json=body, headers=api.headers("county"))
        assert response.status_code == 422, body
    assert api.client.post("/api/v1/payrolls", json={"month": "2026-12", "county": "220283"},
                           headers=api.headers("township")).status_code == 403
    assert api.client.post("/api/v1/payrolls", json={"month": "2026-12", "county": "150525"},
                           headers=api.headers("county")).status_code == 404
    draft = generate(api, "2026-12")
    assert api.client.get(f"/api/v1/payrolls/{draft['id']}", headers=api.headers("county", "150525000000")).status_code == 404
    assert api.client.post("/api/v1/payrolls/999999/issue", headers=api.headers("county")).status_code == 404


def test_a_township_sees_its_section_and_exports_open_in_excel(api: Api) -> None:
    mine = paid_beneficiary(api)
    created = api.client.post("/api/v1/cases", json=case_payload(region=OTHER_TOWNSHIP[:9] + "001", household=0),
                              headers=api.headers("township", OTHER_TOWNSHIP))
    theirs = created.json()
    api.walk(theirs["id"], TO_PUBLICITY)
    api.at(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI))
    api.walk(theirs["id"], [("confirm", CONFIRM), ("archive", ARCHIVE)])
    draft = generate(api, "2026-12")
    assert draft["row_count"] == 2
    section = api.client.get(f"/api/v1/payrolls/{draft['id']}", headers=api.headers("township", TOWNSHIP)).json()
    assert [r["case_number"] for r in section["rows"]] == [mine["number"]] and section["row_count"] == 1
    text = api.client.get(f"/api/v1/payrolls/{draft['id']}", params={"format": "csv"}, headers=api.headers("county"))
    assert text.headers["content-type"].startswith("text/csv") and text.content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert lines[1][:6] == ["乡镇（街道）", "乡镇名称", "村（社区）", "村（社区）名称", "案件编号", "姓名"]
    assert lines[2][4] == mine["number"] and lines[2][11] == "新增"
    book = api.client.get(f"/api/v1/payrolls/{draft['id']}", params={"format": "xlsx"}, headers=api.headers("county"))
    workbook = load_workbook(io.BytesIO(book.content), read_only=True)
    assert workbook.sheetnames == ["汇总", "220283101", "220283102"]
    sheet_rows = list(workbook["220283101"].iter_rows(values_only=True))
    assert sheet_rows[1][4] == mine["number"] and sheet_rows[1][10] == 500


def test_confirmed_linshi_is_paid_once_less_its_advance(api: Api) -> None:
    from ..factories import ADVANCE, ARCHIVE, LS_CONFIRM, LS_ELIGIBLE, LS_INVESTIGATED

    case = api.create(case_payload("linshi", household=0, cause="火灾", emergency=True))
    steps = [("advance_payment", ADVANCE)] if any(t["element_id"] == "advance_payment" for t in case["tasks"]) else []
    api.walk(case["id"], steps + LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    closed = api.case(case["id"])
    while closed["status"] == "active":
        element = closed["tasks"][0]["element_id"]
        data = {"confirm": LS_CONFIRM, "county_deliberation": LS_CONFIRM, "archive": ARCHIVE}.get(element)
        assert data is not None, closed["positions"]
        closed = api.step(case["id"], element, data)
    assert closed["status"] == "approved"
    advance = 800.0 if steps else 0.0
    roster = generate(api, "2026-12")
    assert [(r["kind"], r["amount"], r["change"]) for r in roster["rows"]] == [("linshi", 1500.0 - advance, "linshi")]
    issue(api, roster["id"])
    assert generate(api, "2027-01")["rows"] == []


def test_the_payee_account_is_paid_into_and_shown_masked(api: Api) -> None:
    case = paid_beneficiary(api)
    found = beneficiary_of(api, case["number"])
    url = f"/api/v1/beneficiaries/{found['id']}/payee"
    for bad in ({"bank": "银行", "account": "62284800x"}, {"bank": " ", "account": "6228480012345678"}, {"bank": "银行"}):
        assert api.client.put(url, json=bad, headers=api.headers()).status_code == 422, bad
    changed = api.client.put(url, json={"bank": "舒兰农商银行", "account": "6228480012345678"}, headers=api.headers())
    assert changed.status_code == 200 and changed.json()["account"] == "************5678"
    row = generate(api, "2026-12")["rows"][0]
    assert (row["bank"], row["account"]) == ("舒兰农商银行", "************5678")
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).text
    assert "6228480012345678" not in history and "payee_changed" in history


def test_two_drafts_or_two_issues_of_one_month_cannot_both_be_stored(api: Api) -> None:
    import pytest
    from sqlalchemy.exc import IntegrityError

    from service.payroll.models import Payroll

    paid_beneficiary(api)
    draft = generate(api, "2026-12")
    with pytest.raises(IntegrityError), transaction(api.services.sessions) as session:  # a second request's insert
        session.add(Payroll(county="220283", month="2026-12", kind="regular", status="draft", rule_pack="shulan-2023",
                            months=1, pay_by=datetime(2026, 12, 10).date(), row_count=0, held_count=0, total=0, late=False,
                            created_at=api.clock.now(), created_by="x", lock_key="draft:220283:2026-12:regular"))
    issue(api, draft["id"])
    with api.services.sessions() as session:
        assert session.get(Payroll, draft["id"]).lock_key == "issued:220283:2026-12"  # type: ignore[union-attr]
