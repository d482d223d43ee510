"""办理工作台 (/work) in Debian's chromium: the queue, the search box, a task's form from its diagram, the new
application. Screenshots at 1366×768 under test-artifacts/screenshots/work-*.png."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from service.clock import SHANGHAI
from tests.conftest import START
from tests.factories import ACCEPT, VILLAGE, Api, case_payload, resident_id
from tests.regions.helpers import TOWNSHIP_NAME, VILLAGE_NAME, name_the_villages
from tests.web.test_pages import browser, login, page, shot, site  # noqa: F401 - the shared browser fixtures


def _case(api: Api, name: str) -> dict[str, Any]:
    payload = case_payload()
    payload["applicant"]["name"] = name
    response = api.client.post("/api/v1/cases", json=payload, headers=api.headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_the_queue_lists_my_tasks_sorts_filters_and_pages(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    name_the_villages(api.services)  # the county's register names the township and village beside their codes
    made = [_case(api, name) for name in ("丙队列", "甲队列", "乙队列")]
    api.step(made[0]["id"], "accept", ACCEPT)
    login(page, base, api, "township", "/work")
    page.wait_for_selector("#queue")
    assert "乡镇（街道）" in page.inner_text("#me") and TOWNSHIP_NAME in page.inner_text("#me")
    row = page.inner_text(f"#queue tr[data-task='{api.task_id(made[0]['id'], 'home_visit')}']")
    assert made[0]["number"] in row and "丙队列" in row and "入户调查" in row and "剩余" in row and "工作日" in row
    assert VILLAGE_NAME in row
    shot(page, "work-queue")
    page.select_option("#f-stage", "accept")
    page.wait_for_function("() => [...document.querySelectorAll('#queue tbody tr')].every(r => r.innerText.includes('受理审查'))")
    page.click("th[data-sort=applicant]")
    page.wait_for_selector("th.sorted[data-sort=applicant]")
    names = [n for n in page.locator("#queue tbody tr td:nth-child(2)").all_inner_texts() if n.endswith("队列")]
    assert names == sorted(names) and set(names) == {"甲队列", "乙队列"}
    page.click("th[data-sort=applicant]")
    page.wait_for_selector("th.sorted[data-sort=applicant]:has-text('▼')")
    names = [n for n in page.locator("#queue tbody tr td:nth-child(2)").all_inner_texts() if n.endswith("队列")]
    assert names == sorted(names, reverse=True)
    page.select_option("#f-overdue", "case")
    page.wait_for_selector(".empty")
    assert "没有符合条件" in page.inner_text(".queue-card")


def test_the_search_box_finds_a_case_by_name_and_opens_it(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    case = _case(api, "欧阳搜索")
    login(page, base, api, "township", "/work")
    page.wait_for_selector("#q")
    page.fill("#q", "阳搜")
    page.click("#search-go")
    page.wait_for_selector("#search-results")
    assert page.locator("#search-results tbody tr").count() == 1
    shot(page, "work-search")
    page.click(f"#search-results tr[data-case='{case['id']}'] a")
    page.wait_for_selector("#case-facts")
    assert case["number"] in page.inner_text("#case-number")
    assert page.locator("#case-tasks a[data-element=accept]").count() == 1
    shot(page, "work-case")


def test_a_task_form_comes_from_the_diagram_and_shows_each_422_at_its_field(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    case = _case(api, "表单测试")
    login(page, base, api, "township", f"/work#task/{api.task_id(case['id'], 'accept')}")
    page.wait_for_selector("#task-form .field[data-field=materials_complete]")
    assert page.locator(".field[data-field=missing]").is_hidden(), "required only when materials are incomplete"
    page.check(".field[data-field=materials_complete] input[value=false]")
    assert page.locator(".field[data-field=missing]").is_visible()
    page.click("#submit-task")
    page.wait_for_selector(".field[data-field=missing].invalid")
    assert "此项必填" in page.inner_text(".field[data-field=missing] .field-error")
    shot(page, "work-task-errors")
    page.fill(".field[data-field=missing] .item input", "户口簿")
    page.click(".field[data-field=missing] .add-item")
    page.fill(".field[data-field=missing] .item:nth-child(2) input", "户口簿 ")
    page.click("#submit-task")
    page.wait_for_function("() => document.querySelector('.field[data-field=missing] .field-error').innerText.includes('重复')")
    page.fill(".field[data-field=missing] .item:nth-child(2) input", "收入证明")
    page.click("#submit-task")
    page.wait_for_selector("#case-tasks")
    assert "已办结" in page.inner_text(".notice.ok")
    assert page.locator("#case-tasks a[data-element=supplement]").count() == 1
    task = api.client.get(f"/api/v1/cases/{case['id']}/history", headers=api.headers("admin")).json()
    done = [e for e in task if e["type"] == "task.completed"]
    assert done[-1]["data"]["data"] == {"materials_complete": False, "missing": ["户口簿", "收入证明"]}


def test_the_review_form_shows_amount_or_reason_by_the_decision(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    case = _case(api, "审核测试")
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", {"result": "pass"}),
                          ("home_visit", {"visitors": ["王五", "赵六"], "findings": "属实", "disputed": False})])
    login(page, base, api, "township", f"/work#task/{api.task_id(case['id'], 'review')}")
    page.wait_for_selector(".field[data-field=eligible]")
    assert page.locator(".field[data-field=monthly_amount]").is_hidden() and page.locator(".field[data-field=reason]").is_hidden()
    page.check(".field[data-field=eligible] input[value=true]")
    assert page.locator(".field[data-field=monthly_amount]").is_visible() and page.locator(".field[data-field=reason]").is_hidden()
    assert "元" in page.inner_text(".field[data-field=monthly_amount]")
    page.fill(".field[data-field=monthly_amount] input", "0")
    page.click("#submit-task")
    page.wait_for_selector(".field[data-field=monthly_amount].invalid")
    assert "须大于 0" in page.inner_text(".field[data-field=monthly_amount] .field-error")
    shot(page, "work-review-form")


def test_info_check_offers_its_options_in_chinese(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    case = _case(api, "选项测试")
    api.step(case["id"], "accept", ACCEPT)
    login(page, base, api, "township", f"/work#task/{api.task_id(case['id'], 'info_check')}")
    page.wait_for_selector(".field[data-field=result] select")
    assert page.locator(".field[data-field=result] option").all_inner_texts() == ["请选择", "通过", "不通过"]


def test_a_new_application_checks_id_numbers_and_explains_a_duplicate_benefit(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    applicant, spouse = resident_id("19580202"), resident_id("19600303")
    name_the_villages(api.services)
    login(page, base, api, "village", "/work")
    page.wait_for_selector("#new-application")
    page.click("#new-application")
    page.wait_for_selector("#application")
    assert page.input_value("#a-region") == VILLAGE
    page.wait_for_function(f"() => document.querySelector('#a-region-name').innerText === '{VILLAGE_NAME}'")
    wrong = applicant[:-1] + ("0" if applicant[-1] != "0" else "1")
    page.fill("#a-name", "新申请人")
    page.fill("#a-id", wrong)
    assert "校验码错误" in page.inner_text("#a-id-msg")
    page.fill("#a-id", applicant)
    assert "号码有效" in page.inner_text("#a-id-msg")
    page.click("#add-member")
    page.fill(".member .m-name", "新配偶")
    page.fill(".member .id-number", spouse)
    page.select_option(".member .m-relation", "spouse")
    page.fill("#a-reason", "因病致贫")
    page.fill("#a-income", "300")
    shot(page, "work-new-application")
    page.click("#submit-application")
    page.wait_for_selector("#case-facts")
    assert "申请已登记" in page.inner_text(".notice.ok")
    created = api.client.get(f"/api/v1/cases?q={applicant}", headers=api.headers("township")).json()["items"]
    assert len(created) == 1 and created[0]["household_size"] == 2 and created[0]["region"] == VILLAGE
    # the spouse applies again on her own: she is already on this dibao case
    page.goto(base + "/work#new")
    page.wait_for_selector("#application")
    page.fill("#a-name", "新配偶")
    page.fill("#a-id", spouse)
    page.fill("#a-reason", "因病致贫")
    page.click("#submit-application")
    page.wait_for_selector("#application-result .notice.error")
    said = page.inner_text("#application-result")
    assert "重复享受" in said and created[0]["number"] in said and "不能重复享受" in said
    shot(page, "work-duplicate-refused")
    page.fill("#a-region", "220283102001")  # another township: outside a village user's region
    page.fill("#a-id", resident_id("19700505"))
    page.click("#submit-application")
    page.wait_for_function("() => document.querySelector('#application-result').innerText.includes('不在您的辖区')")


def test_without_a_token_the_workbench_asks_for_one(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, _ = site
    page.goto(base + "/work")
    page.wait_for_selector(".login-card")
    assert "请先登录" in page.inner_text(".login-card") and page.locator("#token").is_visible()
    shot(page, "work-login")


def test_a_case_past_its_statutory_deadline_shows_in_red_with_the_days_over(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    case = _case(api, "逾期红字")
    api.step(case["id"], "accept", ACCEPT)
    try:
        api.at(datetime(2026, 12, 16, 9, tzinfo=SHANGHAI))  # two working days after the 30 allowed
        login(page, base, api, "township", "/work")
        page.wait_for_selector("#queue")
        page.select_option("#f-overdue", "case")
        row = f"#queue tr[data-task='{api.task_id(case['id'], 'home_visit')}']"
        page.wait_for_selector(row)
        assert "超期 2 个工作日" in page.inner_text(f"{row} td.statutory.overdue")
        assert page.eval_on_selector(f"{row} td.statutory.overdue", "e => getComputedStyle(e).color") == "rgb(201, 42, 42)"
        assert "阶段逾期" in page.inner_text(row)
        shot(page, "work-queue-overdue")
    finally:
        api.clock.set(START)


def test_the_queue_pages_fifteen_at_a_time(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    for n in range(16):
        _case(api, f"翻页{n:02d}")
    login(page, base, api, "township", "/work")
    page.wait_for_selector("#queue")
    total = int(page.inner_text("#queue-total").strip("共 件"))
    pages = -(-total // 15)
    assert total >= 16 and page.inner_text("#page-info") == f"第 1 / {pages} 页"
    first = set(page.locator("#queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.task)"))
    assert len(first) == 15 and page.locator("#prev").is_disabled()
    page.click("#next")
    page.wait_for_selector(f"#page-info:has-text('第 2 / {pages} 页')")
    second = set(page.locator("#queue tbody tr").evaluate_all("rows => rows.map(r => r.dataset.task)"))
    assert second and not first & second


def test_a_name_with_a_script_shows_as_text_in_the_queue_search_and_case(page: Any, site: tuple[str, Api]) -> None:  # noqa: F811
    base, api = site
    hostile = "<img src=x onerror=window.__xss=1>"
    case = _case(api, hostile)
    login(page, base, api, "township", "/work")
    page.wait_for_selector("#queue")
    page.select_option("#f-stage", "accept")
    page.click("th[data-sort=case_number]")
    page.wait_for_selector("th.sorted[data-sort=case_number]")
    page.click("th[data-sort=case_number]")  # newest first: this case heads the first page
    page.wait_for_selector(f"#queue tr[data-task='{api.task_id(case['id'], 'accept')}']")
    page.goto(f"{base}/work#search/{case['number']}")
    page.wait_for_selector("#search-results")
    assert hostile in page.inner_text("#search-results")
    page.goto(f"{base}/work#case/{case['id']}")
    page.wait_for_selector("#case-facts")
    assert hostile in page.inner_text("#case-number")
    assert page.evaluate("() => window.__xss") is None
