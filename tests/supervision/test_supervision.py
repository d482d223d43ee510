"""Overdue and at-risk per township, late stages, and the monthly report in JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from service.clock import SHANGHAI

from ..factories import ACCEPT, ARCHIVE, CONFIRM, INELIGIBLE, INFO, NOTIFY, TO_PUBLICITY, VISIT, Api, case_payload

pytestmark = pytest.mark.local_limits  # seed 002's stage limits and recheck classes in Shulan


def accept_on(api: Api, day: datetime, region: str = "220283101001") -> dict:  # type: ignore[type-arg]
    api.clock.set(day)
    case = api.client.post("/api/v1/cases", json=case_payload(region=region),
                           headers=api.headers("township", region[:9] + "000")).json()
    return api.step(case["id"], "accept", ACCEPT)


def test_overdue_and_at_risk_per_township(api: Api) -> None:
    late = accept_on(api, datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))                       # due 2026-11-17
    risky = accept_on(api, datetime(2026, 10, 26, 10, tzinfo=SHANGHAI), "220283102003")     # due 2026-12-07
    safe = accept_on(api, datetime(2026, 11, 30, 10, tzinfo=SHANGHAI))                      # due 2027-01-…
    api.clock.set(datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))
    report = api.client.get("/api/v1/supervision/overdue", headers=api.headers("county")).json()
    assert report["as_of"] == "2026-12-01" and report["at_risk_days"] == 5
    assert report["totals"]["overdue"] == 1 and report["totals"]["at_risk"] == 1
    by_code = {t["township"]: t for t in report["townships"]}
    overdue = by_code["220283101"]["cases"][0]
    assert overdue["id"] == late["id"] and overdue["status"] == "overdue" and overdue["working_days_over"] == 10
    assert set(overdue["stage"]) == {"info_check", "home_visit"}
    at_risk = by_code["220283102"]["cases"][0]
    assert at_risk["id"] == risky["id"] and at_risk["status"] == "at_risk" and at_risk["working_days_left"] == 4
    assert safe["id"] not in [c["id"] for t in report["townships"] for c in t["cases"]]
    assert by_code["220283101"]["stage_overdue"] == 2  # the late case's info_check and home_visit are past 10 working days
    mine = api.client.get("/api/v1/supervision/overdue?region=220283102", headers=api.headers("county")).json()
    assert [t["township"] for t in mine["townships"]] == ["220283102"]
    assert api.client.get("/api/v1/supervision/overdue", headers=api.headers()).status_code == 403
    assert api.client.get("/api/v1/supervision/overdue?at_risk_days=-1", headers=api.headers("county")).status_code == 422


def test_stage_overdue_tasks_are_listed_and_queued(api: Api) -> None:
    case = accept_on(api, datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
    api.clock.set(datetime(2026, 11, 17, 9, tzinfo=SHANGHAI))  # home_visit was due 2026-11-16
    late = api.client.get("/api/v1/tasks?overdue=true", headers=api.headers()).json()
    assert {t["element_id"] for t in late["items"]} == {"info_check", "home_visit"}
    assert all(t["overdue"] for t in late["items"])
    report = api.client.get("/api/v1/supervision/overdue", headers=api.headers("county")).json()
    tasks = report["townships"][0]["late_tasks"]
    assert {t["element_id"] for t in tasks} == {"info_check", "home_visit"} and tasks[0]["working_days_over"] == 1
    assert report["totals"]["overdue"] == 0 and api.case(case["id"])["overdue"] is False


def _month(api: Api) -> None:
    approved = accept_on(api, datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
    api.walk(approved["id"], TO_PUBLICITY[1:])
    api.at(datetime(2026, 11, 12, 9, tzinfo=SHANGHAI))
    api.walk(approved["id"], [("confirm", CONFIRM), ("archive", ARCHIVE)])          # 8 working days after acceptance
    rejected = accept_on(api, datetime(2026, 11, 3, 9, tzinfo=SHANGHAI), "220283102001")
    api.walk(rejected["id"], [("info_check", INFO), ("home_visit", VISIT), ("review", INELIGIBLE), ("notify_rejection", NOTIFY)])
    api.clock.set(datetime(2026, 11, 9, 9, tzinfo=SHANGHAI))
    api.step(rejected["id"], "archive", ARCHIVE)                                     # 4 working days
    api.clock.set(datetime(2026, 11, 20, 9, tzinfo=SHANGHAI))
    withdrawn = api.create()
    api.client.post(f"/api/v1/cases/{withdrawn['id']}/withdraw", json={"reason": "撤回"}, headers=api.headers())
    accept_on(api, datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))                       # due 2026-11-17, still open: overdue
    api.clock.set(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))


def test_monthly_report_contents(api: Api) -> None:
    _month(api)
    report = api.client.get("/api/v1/reports/monthly?month=2026-11", headers=api.headers("county")).json()
    rows = {r["township"]: r for r in report["townships"]}
    assert rows["220283101"] == {"township": "220283101", "township_name": "220283101", "accepted": 1, "approved": 1, "rejected": 0, "withdrawn": 1,
                                 "overdue": 1, "median_working_days": 8, "referred": 0}
    assert rows["220283102"] == {"township": "220283102", "township_name": "220283102", "accepted": 1, "approved": 0, "rejected": 1, "withdrawn": 0,
                                 "overdue": 0, "median_working_days": 4, "referred": 0}
    assert report["totals"] == {"accepted": 2, "approved": 1, "rejected": 1, "withdrawn": 1, "overdue": 1, "median_working_days": 6,
                                 "referred": 0}
    september = api.client.get("/api/v1/reports/monthly?month=2026-09", headers=api.headers("county")).json()
    assert september["totals"]["accepted"] == 1
    own = api.client.get("/api/v1/reports/monthly?month=2026-11", headers=api.headers()).json()
    assert [r["township"] for r in own["townships"]] == ["220283101"]  # a township sees its own row


def test_monthly_report_as_csv_and_xlsx(api: Api) -> None:
    _month(api)
    csv_response = api.client.get("/api/v1/reports/monthly?month=2026-11&format=csv", headers=api.headers("county"))
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["乡镇（街道）township", "乡镇名称 township name"]
    assert rows[1][:8] == ["220283101", "220283101", "1", "1", "0", "1", "1", "8"]  # no name on the register: the code
    total = next(r for r in rows if r and r[0] == "合计 total")  # the first table's; the second (监督与复核) follows
    assert total[2] == "2"
    assert rows[-2] == ["乡镇（街道）township", "乡镇名称 township name", "收到举报 public reports", "全面复核批次 review batches", "已书面反馈 answered",
                        "定期报告缺报 missing periodic reports"] and rows[-1][0] == "合计 total"
    xlsx = api.client.get("/api/v1/reports/monthly?month=2026-11&format=xlsx", headers=api.headers("county"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "2026-11" and sheet["A2"].value == "220283101" and sheet["H3"].value == 4
    for bad in ("2026-13", "2026-1", "november"):
        assert api.client.get(f"/api/v1/reports/monthly?month={bad}", headers=api.headers("county")).status_code == 422
    assert api.client.get("/api/v1/reports/monthly?month=2026-11&format=pdf", headers=api.headers("county")).status_code == 422
    assert api.client.get("/api/v1/reports/monthly?month=2026-11", headers=api.headers("village")).status_code == 403
