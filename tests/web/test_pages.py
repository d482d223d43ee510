"""The browser pages, driven by Playwright on Debian's chromium (never a downloaded browser).

Locally, without /usr/bin/chromium, these skip with the reason; in CI (JIUZHU_REQUIRE_BROWSER=1)
a missing browser fails. Screenshots are kept under test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from service.app import create_app
from service.clock import FixedClock
from service.config import Settings
from service.followers import build_services
from service.startup import upgrade
from tests.conftest import LOCAL_LIMITS, START
from tests.factories import TO_PUBLICITY, Api, case_payload

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium); browser tests need Debian's chromium"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _browser_missing()
    if reason:
        if os.environ.get("JIUZHU_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield launched
        launched.close()


def _free_port() -> int:
    for port in [*range(8151, 8160), 0]:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return int(s.getsockname()[1])
            except OSError:
                continue
    raise RuntimeError("no free port")


@pytest.fixture(scope="module")
def site(browser: Any, tmp_path_factory: pytest.TempPathFactory, local_limits_processes: Path) -> Iterator[tuple[str, Api]]:
    """The app under uvicorn on a free local port, and an API driver sharing its services and clock.

    Its Shulan townships follow seed 002's stage limits too (``local_limits_processes``), so stage deadlines show.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    upgrade(url)
    clock = FixedClock(START)
    settings = Settings(database_url=url, timers_in_server=False, auto_migrate=False, processes_dir=local_limits_processes)
    services = build_services(settings, clock)
    app = create_app(services.settings, services=services)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", Api(TestClient(app), services, clock)
    server.should_exit = True
    thread.join(10)
    services.engine.dispose()


@pytest.fixture
def page(browser: Any, site: tuple[str, Api]) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda e: errors.append(str(e)))
    yield opened
    context.close()
    assert not errors, errors


def login(page: Any, base: str, api: Api, role: str, path: str) -> None:
    """Open a page and enter the token in its header, as a person would."""
    page.goto(base + path)
    token = api.headers(role)["Authorization"].removeprefix("Bearer ")
    page.fill("#token", token)
    page.click("#login")


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


FAKE_OVERDUE = {
    "as_of": "2026-12-20", "at_risk_days": 5, "totals": {"overdue": 2, "at_risk": 1, "stage_overdue": 1},
    "townships": [
        {"township": "220283101", "overdue": 2, "at_risk": 0, "stage_overdue": 1, "cases": [
            {"id": 1, "number": "DB-2026-000001", "kind": "dibao", "region": "220283101001", "due_on": "2026-12-14",
             "status": "overdue", "working_days_over": 4, "working_days_left": None, "stage": ["home_visit"]},
            {"id": 2, "number": "TK-2026-000002", "kind": "tekun", "region": "220283101002", "due_on": "2026-12-17",
             "status": "overdue", "working_days_over": 1, "working_days_left": None, "stage": ["confirm"]}]},
        {"township": "220283102", "overdue": 0, "at_risk": 1, "stage_overdue": 0, "cases": [
            {"id": 3, "number": "LS-2026-000003", "kind": "linshi", "region": "220283102001", "due_on": "2026-12-23",
             "status": "at_risk", "working_days_over": None, "working_days_left": 3, "stage": ["review"]}]},
    ],
}


def test_supervision_dashboard_shows_totals_chart_and_cases(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    page.route("**/api/v1/supervision/overdue",
               lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps(FAKE_OVERDUE)))
    login(page, base, api, "county", "/supervision")
    page.wait_for_selector("#cases")
    assert page.inner_text("#total-overdue") == "2" and page.inner_text("#total-at-risk") == "1"
    assert page.locator("#township-chart rect.township-row").count() == 2
    assert page.locator("#cases tbody tr").count() == 3
    shot(page, "supervision")
    page.click("#township-chart rect[data-township='220283102']")
    assert page.locator("#cases tbody tr").count() == 1
    assert page.get_attribute("#cases a", "href") == "/cases/3/view"


def test_a_page_without_a_token_asks_for_one(page: Any, site: tuple[str, Api]) -> None:
    base, _ = site
    page.goto(base + "/designer")
    assert page.locator("#token").is_visible()
    page.goto(base + "/cases/1/view")
    page.wait_for_selector(".login-card")
    assert "请先登录" in page.inner_text(".login-card")


def test_case_viewer_highlights_the_tokens_the_completed_path_and_deadlines(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    case = api.create()
    api.step(case["id"], "accept", {"materials_complete": True})
    login(page, base, api, "township", f"/cases/{case['id']}/view")
    page.wait_for_selector("#canvas[data-ready=true]")
    for element in ("home_visit", "info_check", "deadline"):
        assert page.locator(f"g.djs-element.jz-current[data-element-id='{element}']").count() == 1, element
    assert page.locator("g.djs-element.jz-done[data-element-id='accept']").count() == 1
    assert page.locator("g.djs-connection.jz-done-flow").count() >= 2
    assert page.locator(".jz-due").count() == 3
    assert page.inner_text("#case-number") == case["number"]
    assert "入户调查" in page.inner_text("#positions")
    assert page.locator(".bjs-powered-by").is_visible()  # the bpmn.io watermark stays
    shot(page, "case-viewer")


def test_designer_deploys_a_modified_diagram(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    login(page, base, api, "designer", "/designer")
    page.click("li[data-key=dibao] button[data-version='1']")
    page.wait_for_selector("#canvas[data-ready=true]")
    shot(page, "designer-bpmn")
    page.evaluate("""() => {
        const modeler = window.jiuzhuDesigner.modeler;
        const element = modeler.get('elementRegistry').get('archive');
        modeler.get('modeling').updateLabel(element, '归档（一户一档，电子档案）');
    }""")
    page.click("#validate")
    page.wait_for_selector(".notice.ok")
    assert "第 2 版" in page.inner_text(".notice.ok")
    page.click("#deploy")
    page.click("#deploy-confirm")  # the change note is optional
    page.wait_for_selector("#deploy-result")
    assert "第 2 版" in page.inner_text("#deploy-result")
    shot(page, "designer-deployed")
    xml = api.client.get("/api/v1/processes/dibao/versions/2/xml", headers=api.headers("designer")).text
    assert "归档（一户一档，电子档案）" in xml and "jiuzhu:form" in xml and "calledDecisionId" in xml
    assert api.create()["process"]["version"] == 2


def test_designer_refusal_points_at_the_element(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    login(page, base, api, "designer", "/designer")
    page.click("li[data-key=dibao] button[data-version='1']")
    page.wait_for_selector("#canvas[data-ready=true]")
    page.evaluate("""() => {
        const modeler = window.jiuzhuDesigner.modeler;
        const flow = modeler.get('elementRegistry').get('f_eligible');
        flow.businessObject.conditionExpression.body = "__import__('os').system('id')";
    }""")
    page.click("#validate")
    page.wait_for_selector(".notice.error li[data-element='f_eligible']")
    assert page.locator("g.djs-connection.jz-error[data-element-id='f_eligible']").count() == 1
    shot(page, "designer-refused")


def test_a_new_delegation_table_from_the_browser_routes_the_next_case(page: Any, site: tuple[str, Api]) -> None:
    """The issue's acceptance story: a designer edits who confirms, tries it, deploys it; the next case
    routes by the new rule while the running case keeps its version; the viewer shows each token."""
    base, api = site
    running = api.create()
    api.walk(running["id"], TO_PUBLICITY)
    login(page, base, api, "designer", "/designer")
    page.click("li[data-key=delegation] button[data-version='1']")
    page.wait_for_selector("#dmn-table")
    page.fill("textarea[data-entry=r1_confirmer]", '"county"')
    page.click("#what-if")
    page.wait_for_selector("#what-if-table")
    assert "乡镇 → 县级" in page.inner_text(f"#what-if-table tr[data-case='{running['id']}']")
    shot(page, "designer-what-if")
    page.click("#deploy")
    page.click("#deploy-confirm")  # the change note is optional
    page.wait_for_selector("#deploy-result")
    assert "第 2 版" in page.inner_text("#deploy-result")
    following = api.create()
    api.walk(following["id"], TO_PUBLICITY)
    api.at(START + timedelta(days=9))
    roles = {c: next(t["role"] for t in api.case(c, "admin")["tasks"] if t["element_id"] == "confirm") for c in (running["id"], following["id"])}
    assert roles == {running["id"]: "township", following["id"]: "county"}
    page.goto(f"{base}/cases/{following['id']}/view")
    page.wait_for_selector("#canvas[data-ready=true]")
    assert page.locator("g.djs-element.jz-current[data-element-id='confirm']").count() == 1
    assert page.locator("g.djs-element.jz-done[data-element-id='delegation']").count() == 1
    assert "县级民政部门" in page.inner_text("#positions")
    shot(page, "case-viewer-confirm")
    api.clock.set(datetime(2026, 11, 2, 9, tzinfo=START.tzinfo))


def test_a_changed_rule_pack_shows_which_open_cases_would_change_confirmer(page: Any, site: tuple[str, Api],
                                                                           tmp_path: Path) -> None:
    base, api = site
    waiting = api.create(case_payload("linshi", cause="火灾"))  # linshi: the table's dibao rows may have been redeployed above
    candidate = tmp_path / "shulan-local-limits.yaml"  # the site's Shulan pack, confirmation no longer delegated
    candidate.write_text(LOCAL_LIMITS.replace("confirm_days: 5}", "confirm_days: 5, confirmation_delegated: false}"),
                         encoding="utf-8")
    login(page, base, api, "designer", "/designer")
    page.wait_for_selector("li[data-key=dibao]")
    page.set_input_files("#pack-file", str(candidate))
    page.wait_for_selector("#what-if-table")
    row = page.inner_text(f"#what-if-table tr[data-case='{waiting['id']}']")
    assert "乡镇（街道） → 县级民政部门" in row
    assert "确认机关将改变" in page.inner_text("#results")
    shot(page, "designer-pack-what-if")
