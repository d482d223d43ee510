"""The pages that show what the public sends and what is published: a script in a report or a name never runs.

A report's subject and text, and an applicant's name, are hostile input: the supervision page, the case
viewer and the public publicity page must show them as text. Each page is opened with such input in it,
and the test fails if any script ran (a marker it would set, a dialog) or the page raised an error.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from service.clock import SHANGHAI
from tests.factories import Api, approve, case_payload, resident_id
from tests.web.test_pages import browser, login, page, shot, site  # noqa: F401 - the shared browser fixtures

HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'
NAME = '<img src=x onerror=window.__xss=1>'


def _ran(page: Any) -> bool:  # noqa: F811
    return bool(page.evaluate("() => window.__xss === 1"))


def _watch(page: Any) -> list[str]:  # noqa: F811
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    return dialogs


def test_a_report_with_a_script_shows_as_text_on_supervision_and_in_the_viewer(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    dialogs = _watch(page)
    sent = api.client.post("/api/v1/public/reports", json={"region": "220283101001", "subject": HOSTILE, "text": HOSTILE})
    assert sent.status_code == 202, sent.text
    login(page, base, api, "county", "/supervision")
    page.wait_for_selector("#scrutiny-reports")
    subject = page.inner_text("#scrutiny-reports td.subject")
    assert subject == HOSTILE  # shown literally
    assert page.locator("#scrutiny img, #scrutiny script").count() == 0
    shot(page, "supervision-scrutiny")
    link = page.get_attribute("#scrutiny-reports a", "href")
    page.goto(base + link)
    page.wait_for_selector("#canvas[data-ready=true]")
    shot(page, "report-case")
    assert not _ran(page) and dialogs == []


def test_the_public_publicity_page_needs_no_token_and_runs_no_name(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    dialogs = _watch(page)
    pack = api.services.rules.choose("220283101001", date(2026, 12, 2))  # the pack this site gives the village
    pack.numbers["publicity_mask_name"] = False  # the full name, to test it as text
    try:
        adult = case_payload(applicant_id=resident_id("19650312"))
        adult["applicant"]["name"] = NAME
        approve(api, adult)
        child = case_payload(applicant_id=resident_id("20120601"), household=0)
        child["applicant"]["name"] = "禤小宝"
        approve(api, child)
        api.at(datetime(2026, 12, 2, 9, tzinfo=SHANGHAI))
        page.goto(base + "/publicity?region=220283101&month=2026-11")
        page.wait_for_selector("#listed")
        page.wait_for_selector("#decisions")
        listed = page.inner_text("#listed")
        assert NAME in listed and "（不公示）" in listed and "禤" not in page.content()
        assert page.locator("#results img, #results script").count() == 0
        shot(page, "publicity")
        assert not _ran(page) and dialogs == []
    finally:
        pack.numbers["publicity_mask_name"] = True
