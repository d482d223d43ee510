"""/docs and /redoc with no network, Authorize setting the token; the viewer's one date per deadline, its
history in Chinese, and a header that stops saying 已登录 once a token is refused. Screenshots at 1366×768."""

from __future__ import annotations

from typing import Any

from tests.factories import Api
from tests.web import test_pages
from tests.web.test_pages import login, shot

browser, site, page = test_pages.browser, test_pages.site, test_pages.page  # the fixtures the page tests share


def offline(page: Any, base: str) -> list[str]:
    """Refuse every request that leaves the app's origin; the refused URLs are collected."""
    refused: list[str] = []

    def handle(route: Any) -> None:
        if route.request.url.startswith(base) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()
    page.route("**/*", handle)
    return refused


def test_docs_render_offline_and_authorize_sets_the_token(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    refused = offline(page, base)
    page.goto(base + "/docs")
    page.wait_for_selector(".swagger-ui .opblock-tag-section")
    page.click(".swagger-ui button.authorize")
    page.fill(".swagger-ui .modal-ux input[type=text], .swagger-ui .modal-ux input:not([type])",
              api.headers("township")["Authorization"].removeprefix("Bearer "))
    page.click(".swagger-ui .modal-ux .auth-btn-wrapper button.authorize")
    page.click(".swagger-ui .modal-ux button.btn-done")
    shot(page, "docs")
    page.goto(base + "/docs#/tasks/my_queue_api_v1_tasks_get")
    operation = page.locator("#operations-tasks-my_queue_api_v1_tasks_get")
    operation.wait_for()
    if not operation.locator(".try-out").is_visible():
        operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    with page.expect_response("**/api/v1/tasks**") as answered:
        operation.locator("button.execute").click()
    assert answered.value.request.headers["authorization"].startswith("Bearer jz_") and answered.value.status == 200
    operation.locator(".live-responses-table .response-col_status:has-text('200')").first.wait_for()
    page.goto(base + "/redoc")
    page.wait_for_selector("h1:has-text('Jiuzhu')")
    shot(page, "redoc")
    assert refused == []


def test_viewer_one_date_per_deadline_history_in_chinese_and_a_refused_token(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    case = api.create()
    api.step(case["id"], "accept", {"materials_complete": True})
    login(page, base, api, "township", f"/cases/{case['id']}/view")
    page.wait_for_selector("#canvas[data-ready=true]")
    due_on = api.case(case["id"])["due_on"]
    assert f"{due_on} 24:00 届满" in page.inner_text(".case-head")
    badges = page.locator(".jz-due").all_inner_texts()
    assert f"届满 {due_on[5:]} 24:00" in badges, badges
    history = page.inner_text("#history")
    assert "正式受理" in history and "case." not in history and "task." not in history
    shot(page, "case-viewer-deadline")
    page.evaluate("() => sessionStorage.setItem('jiuzhu.token', 'jz_revoked')")
    page.reload()
    page.wait_for_selector(".login-card")
    assert page.locator("#token").is_visible() and "已登录" not in page.inner_text("#auth")
