"""Supervision reports show each township's and village's name beside its code, in JSON, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from service.clock import SHANGHAI

from ..factories import ACCEPT, VILLAGE, Api, case_payload
from .helpers import TOWNSHIP_NAME, VILLAGE_NAME, name_the_villages

pytestmark = pytest.mark.local_limits  # stage limits, so late tasks are listed too


def _late_case(api: Api) -> None:
    name_the_villages(api.services)
    api.clock.set(datetime(2026, 9, 30, 10, tzinfo=SHANGHAI))
    case = api.client.post("/api/v1/cases", json=case_payload(), headers=api.headers()).json()
    api.step(case["id"], "accept", ACCEPT)
    api.clock.set(datetime(2026, 12, 1, 9, tzinfo=SHANGHAI))


def test_the_overdue_report_names_townships_cases_and_late_tasks(api: Api) -> None:
    _late_case(api)
    report = api.client.get("/api/v1/supervision/overdue", headers=api.headers("county")).json()
    township = report["townships"][0]
    assert (township["township"], township["township_name"]) == ("220283101", TOWNSHIP_NAME)
    assert [(c["region"], c["region_name"]) for c in township["cases"]] == [(VILLAGE, VILLAGE_NAME)]
    assert township["late_tasks"] and {t["region_name"] for t in township["late_tasks"]} == {VILLAGE_NAME}


def test_the_monthly_report_has_a_name_column(api: Api) -> None:
    _late_case(api)
    headers = api.headers("county")
    report = api.client.get("/api/v1/reports/monthly?month=2026-11", headers=headers).json()
    assert [(t["township"], t["township_name"]) for t in report["townships"]] == [("220283101", TOWNSHIP_NAME)]
    text = api.client.get("/api/v1/reports/monthly?month=2026-11&format=csv", headers=headers).text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:2] == ["乡镇（街道）township", "乡镇名称 township name"] and rows[1][:2] == ["220283101", TOWNSHIP_NAME]
    sheet = load_workbook(io.BytesIO(api.client.get("/api/v1/reports/monthly?month=2026-11&format=xlsx",
                                                    headers=headers).content)).active
    assert (sheet["A2"].value, sheet["B2"].value) == ("220283101", TOWNSHIP_NAME)
