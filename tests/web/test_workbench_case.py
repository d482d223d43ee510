"""A whole dibao case through the workbench alone, two users at one desk (the village helper, then the township
caseworker): the new-application form, each task's form, the signed home-visit record uploaded, the archive
downloaded and verified offline with ``jiuzhu audit verify --archive``."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from service.clock import start_of
from tests.factories import VILLAGE, Api, resident_id
from tests.regions.helpers import VILLAGE_NAME, name_the_villages
from tests.web.test_pages import browser, login, page, shot, site  # noqa: F401 - the shared browser fixtures

ROOT = Path(__file__).resolve().parents[2]
SIGNED = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% signed home visit record\ntrailer << /Root 1 0 R >>\n%%EOF\n"
FORM = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% application form\ntrailer << /Root 1 0 R >>\n%%EOF\n"
pytestmark = [pytest.mark.slow]


def _as(tab: Any, base: str, api: Api, role: str) -> None:
    """Whoever is signed in signs out; the next person signs in with their own token."""
    if tab.locator("#logout").count():
        tab.click("#logout")
    login(tab, base, api, role, "/work")
    tab.wait_for_selector("#me")


def _open_task(tab: Any, element: str) -> None:
    tab.click(f"#case-tasks a[data-element={element}]")
    tab.wait_for_selector("#task-form")


def _submit(tab: Any) -> None:
    tab.click("#submit-task")
    tab.wait_for_selector("#case-tasks")
    assert "已办结" in tab.inner_text(".notice.ok")


def _choose(tab: Any, field: str, value: str) -> None:
    tab.check(f".field[data-field={field}] input[value={value}]")


def test_a_dibao_case_from_application_to_verified_archive_through_the_workbench(page: Any, site: tuple[str, Api],  # noqa: F811
                                                                                tmp_path: Path) -> None:
    base, api = site
    applicant = resident_id("19620708")
    name_the_villages(api.services)
    # the village helper registers the application and adds the signed application form
    _as(page, base, api, "village")
    page.click("#new-application")
    page.fill("#a-name", "全流程")
    page.fill("#a-id", applicant)
    page.click("#add-member")
    page.fill(".member .m-name", "全流程配偶")
    page.fill(".member .id-number", resident_id("19640101"))
    page.fill("#a-reason", "因病致贫，丧失劳动能力")
    page.fill("#a-income", "400")
    page.click("#submit-application")
    page.wait_for_selector("#case-facts")
    number = page.inner_text("#case-number").split()[0]
    assert "其他单位办理中：受理审查（乡镇（街道））" in page.inner_text("#case-tasks")  # not the village's step
    assert page.locator("#case-tasks a[data-element=accept]").count() == 0
    page.select_option("#doc-kind", "application")
    page.set_input_files("#doc-file", files=[{"name": "申请书.pdf", "mimeType": "application/pdf", "buffer": FORM}])
    page.click("#doc-upload")
    page.wait_for_selector("#doc-list tr[data-document]")
    assert "申请材料" in page.inner_text("#doc-list")
    assert page.locator("#download-archive").count() == 0, "the archive is for township and county"
    shot(page, "work-case-village")

    # the township caseworker finds it and does each step from its form
    _as(page, base, api, "township")
    page.fill("#q", "全流程")
    page.click("#search-go")
    page.click(f"#search-results a:has-text('{number}')")
    page.wait_for_selector("#case-tasks")
    _open_task(page, "accept")
    _choose(page, "materials_complete", "true")
    _submit(page)
    _open_task(page, "info_check")
    page.select_option(".field[data-field=result] select", "pass")
    _submit(page)
    _open_task(page, "home_visit")
    page.fill(".field[data-field=visitors] .item:nth-child(1) input", "王五")
    page.fill(".field[data-field=visitors] .item:nth-child(2) input", "赵六")
    page.fill(".field[data-field=findings] textarea", "家庭成员患病，无经营性收入")
    _choose(page, "disputed", "false")
    page.click("#submit-task")  # without the signed record: refused at its field
    page.wait_for_selector(".field[data-type=document].invalid")
    page.set_input_files(".field[data-type=document] input[type=file]",
                         files=[{"name": "入户调查表.pdf", "mimeType": "application/pdf", "buffer": SIGNED}])
    page.wait_for_selector(".field[data-type=document] .doc-status.ok")
    assert not page.locator(".field[data-type=document].invalid").count(), "the field's old error goes once it is corrected"
    page.wait_for_selector("#doc-list tr:has-text('入户调查表')")  # the task's upload is listed on the case at once
    assert VILLAGE_NAME in page.inner_text("#case-facts")
    shot(page, "work-home-visit")
    _submit(page)
    _open_task(page, "review")
    _choose(page, "eligible", "true")
    page.fill(".field[data-field=monthly_amount] input", "500")
    _submit(page)
    case_id = int(page.url.rsplit("/", 1)[1])
    until = date.fromisoformat(api.case(case_id)["facts"]["publicity_until"])
    api.at(start_of(until + timedelta(days=1)) + timedelta(seconds=1))  # the publicity runs its seven days
    page.reload()
    page.wait_for_selector("#case-tasks a[data-element=confirm]")
    _open_task(page, "confirm")
    _choose(page, "approved", "true")
    people = [("甲", "coordination_group"), ("乙", "caseworker"), ("丙", "coordination_group"), ("丁", "discipline"),
              ("戊", "resident_rep")]
    for n, (name, role) in enumerate(people, 1):
        page.fill(f".field[data-field=attendees] .item:nth-child({n}) .who", name)
        page.select_option(f".field[data-field=attendees] .item:nth-child({n}) .role", role)
    page.fill(".field[data-field=minutes] textarea", "合议通过")
    page.fill(".field[data-field=amount] input", "500")
    shot(page, "work-confirm")
    _submit(page)
    _open_task(page, "archive")
    page.fill(".field[data-field=archive_no] input", "2026-0099")
    _submit(page)
    assert "已批准" in page.inner_text("#case-closed")

    # the household archive, downloaded with the button and checked offline
    with page.expect_download() as download:
        page.click("#download-archive")
    saved = tmp_path / "archive.zip"
    download.value.save_as(saved)
    shot(page, "work-archived")
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert {"summary.pdf", "audit.jsonl", "manifest.json"} <= set(names)
        documents = {n: archive.read(n) for n in names if n.startswith("documents/") and not n.endswith("/")}
        events = [json.loads(line) for line in archive.read("audit.jsonl").decode().splitlines()]
    assert SIGNED in documents.values() and FORM in documents.values()
    assert any(n.startswith("documents/home_visit_record-") for n in documents)
    added = {e["data"].get("sha256") for e in events if e["type"] == "document.added"}
    assert {hashlib.sha256(SIGNED).hexdigest(), hashlib.sha256(FORM).hexdigest()} <= added
    completed = [e["element_id"] for e in events if e["type"] == "task.completed"]
    assert completed == ["accept", "info_check", "home_visit", "review", "confirm", "archive"]
    verdict = subprocess.run([sys.executable, "-m", "service.cli", "audit", "verify", "--archive", str(saved)],
                             capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert verdict.returncode == 0, verdict.stdout + verdict.stderr
    assert verdict.stdout.strip().splitlines()[-1] == "ok"
    assert api.case(case_id)["region"] == VILLAGE
