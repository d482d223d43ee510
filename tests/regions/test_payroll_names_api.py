"""Payment rosters name the county, township and village beside their codes: JSON fields and export columns."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from ..factories import TOWNSHIP, VILLAGE, Api
from ..payroll.helpers import generate, paid_beneficiary
from .helpers import TOWNSHIP_NAME, VILLAGE_NAME, name_the_villages


def test_a_roster_names_its_places_in_json_csv_and_xlsx(api: Api) -> None:
    name_the_villages(api.services)
    paid_beneficiary(api)
    draft = generate(api, "2026-12")
    assert (draft["county"], draft["county_name"]) == ("220283", "舒兰市")
    row = draft["rows"][0]
    assert (row["township"], row["township_name"], row["village"], row["village_name"]) == (
        TOWNSHIP[:9], TOWNSHIP_NAME, VILLAGE, VILLAGE_NAME)
    listed = api.client.get("/api/v1/payrolls", headers=api.headers("county")).json()
    assert listed[0]["county_name"] == "舒兰市"
    text = api.client.get(f"/api/v1/payrolls/{draft['id']}", params={"format": "csv"}, headers=api.headers("county"))
    lines = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert lines[0][0].startswith("220283 舒兰市 2026-12")
    assert lines[2][:4] == [TOWNSHIP[:9], TOWNSHIP_NAME, VILLAGE, VILLAGE_NAME]
    book = api.client.get(f"/api/v1/payrolls/{draft['id']}", params={"format": "xlsx"}, headers=api.headers("county"))
    workbook = load_workbook(io.BytesIO(book.content), read_only=True)
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[2][0] == TOWNSHIP[:9] and summary[2][3] == TOWNSHIP_NAME
    section = list(workbook[TOWNSHIP[:9]].iter_rows(values_only=True))
    assert section[1][:4] == (TOWNSHIP[:9], TOWNSHIP_NAME, VILLAGE, VILLAGE_NAME)
