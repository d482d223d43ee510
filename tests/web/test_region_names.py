"""Region names on the pages: the case page and the supervision dashboard show 舒兰市 / 溪河镇 / 红星村 beside the codes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.factories import VILLAGE
from tests.regions.helpers import TOWNSHIP_NAME, VILLAGE_NAME, name_the_villages

from .test_pages import FAKE_OVERDUE, browser, login, page, shot, site  # noqa: F401  (fixtures shared with the other pages)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def test_the_case_page_names_the_region_from_province_to_village(page: Any, site: Any) -> None:  # noqa: F811
    base, api = site
    name_the_villages(api.services)
    case = api.create()
    login(page, base, api, "township", f"/cases/{case['id']}/view")
    page.wait_for_selector("#canvas[data-ready=true]")
    region = page.locator(".case-head .facts div", has_text="行政区划").inner_text()
    assert f"吉林省 吉林市 舒兰市 {TOWNSHIP_NAME} {VILLAGE_NAME}（{VILLAGE}）" in region
    shot(page, "case-region-name")


def test_the_supervision_dashboard_names_its_townships(page: Any, site: Any) -> None:  # noqa: F811
    base, api = site
    named = json.loads(json.dumps(FAKE_OVERDUE))
    named["townships"][0]["township_name"] = TOWNSHIP_NAME
    for c in named["townships"][0]["cases"]:
        c["region_name"] = VILLAGE_NAME
    page.route("**/api/v1/supervision/overdue",
               lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(named)))
    login(page, base, api, "county", "/supervision")
    page.wait_for_selector("#cases")
    labels = page.eval_on_selector_all("#township-chart text.bar-label", "els => els.map((e) => e.firstChild.nodeValue)")
    assert labels == [TOWNSHIP_NAME, "220283102"]  # a township the register does not know keeps its code
    assert page.locator("#cases tbody tr td.region").first.inner_text() == TOWNSHIP_NAME
    assert TOWNSHIP_NAME in page.inner_text("#township-filter")
    shot(page, "supervision-region-names")


def test_the_publicity_page_names_the_township_and_village(page: Any, site: Any) -> None:  # noqa: F811
    from tests.payroll.helpers import paid_beneficiary

    base, api = site
    name_the_villages(api.services)
    paid_beneficiary(api)
    page.goto(base + "/publicity?region=220283101&month=2026-11")
    page.wait_for_selector("#listed")
    assert page.locator("#listed td.place").first.inner_text() == f"{TOWNSHIP_NAME} {VILLAGE_NAME}"
    assert page.locator("#decisions td.place").first.inner_text() == f"{TOWNSHIP_NAME} {VILLAGE_NAME}"
    shot(page, "publicity-region-names")
