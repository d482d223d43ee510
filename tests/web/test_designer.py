"""The designer's tools in the browser: the properties panel, validation at the field, deploy with a note, the
version diff on the diagram, no version for an unedited diagram. Screenshots at 1366×768."""

from __future__ import annotations

from typing import Any

from tests.factories import Api
from tests.web import test_pages
from tests.web.test_pages import login, shot

browser, site, page = test_pages.browser, test_pages.site, test_pages.page  # the fixtures the page tests share



def select(page: Any, element_id: str) -> None:
    """Scroll the canvas to an element and click it, as a designer would."""
    page.evaluate("""id => { const m = window.jiuzhuDesigner.modeler;
        m.get('canvas').scrollToElement(m.get('elementRegistry').get(id), { top: 200, bottom: 200, left: 200, right: 200 }); }""", element_id)
    page.click(f"#canvas g.djs-element[data-element-id='{element_id}'] .djs-hit", force=True)
    page.wait_for_function("id => document.querySelector(\"#properties [data-entry-id='id'] input\")?.value === id", arg=element_id)


def entry(page: Any, entry_id: str) -> str:
    return f"#properties [data-entry-id='{entry_id}']"


def test_designer_edits_in_the_panel_validates_at_the_field_deploys_with_a_note_and_compares(page: Any, site: tuple[str, Api]) -> None:
    base, api = site
    login(page, base, api, "designer", "/designer")
    page.click("li[data-key=dibao] button[data-version='1']")
    page.wait_for_selector("#canvas[data-ready=true]")
    assert page.evaluate("() => window.jiuzhuDesigner.modeler.get('canvas').zoom()") == 1  # readable, not squeezed
    shot(page, "designer-open")

    select(page, "home_visit")  # a user task: its role from the lane (named in Chinese), its deadline and form
    assert "乡镇（街道）（township）" in page.input_value(entry(page, "jz-lane") + " input")
    assert page.input_value(entry(page, "jz-deadline-working") + " input") == "rule('investigation_days')"
    form = page.locator("#properties [data-group-id='group-jz-form']")
    assert form.locator(".bio-properties-panel-list-item").count() == 4
    form.locator(".bio-properties-panel-group-header").click()
    form.locator(".bio-properties-panel-list-item").last.locator(".bio-properties-panel-collapsible-entry-header").click()
    assert page.input_value(entry(page, "jz-field-visit_record-type") + " select") == "document"
    assert page.input_value(entry(page, "jz-field-visit_record-kind") + " select") == "home_visit_record"  # 入户调查表
    form.locator(".bio-properties-panel-list-item").first.locator(".bio-properties-panel-collapsible-entry-header").click()
    page.fill(entry(page, "jz-field-visitors-label") + " input", "入户调查人员（两人以上签字）")
    page.press(entry(page, "jz-field-visitors-label") + " input", "Tab")
    shot(page, "designer-user-task")
    xml = page.evaluate("async () => (await window.jiuzhuDesigner.modeler.saveXML()).xml")
    assert '<jiuzhu:field name="visitors" type="list" label="入户调查人员（两人以上签字）" minItems="2" />' in xml

    select(page, "f_eligible")
    page.fill(entry(page, "jz-condition") + " input", "eligible and monthly_amount >")
    select(page, "publicity_end")
    page.fill(entry(page, "timerEventDefinitionValue") + " input", "end_of_dya(publicity_until)")
    page.click("#validate")
    page.wait_for_selector(".notice.error li[data-element='f_eligible']")
    assert page.locator("g.djs-element.jz-error[data-element-id='publicity_end']").count() == 1
    error = page.inner_text(entry(page, "timerEventDefinitionValue") + " .bio-properties-panel-error")
    assert "未知的函数 end_of_dya" in error
    problems = page.inner_text(".notice.error")
    assert "「公示期满」（publicity_end）：定时（日期）：调用了未知的函数 end_of_dya" in problems
    shot(page, "designer-timer-error")
    page.click(".notice.error li[data-element='f_eligible']")  # clicking a problem selects its element and shows it
    assert "语法错误" in page.inner_text(entry(page, "jz-condition") + " .bio-properties-panel-error")
    shot(page, "designer-condition-error")

    page.fill(entry(page, "jz-condition") + " input", "eligible and monthly_amount > 0")
    select(page, "publicity_end")
    page.fill(entry(page, "timerEventDefinitionValue") + " input", "end_of_day(publicity_until)")
    page.click("#validate")
    page.wait_for_selector(".notice.ok")
    assert "第 2 版" in page.inner_text(".notice.ok")
    page.click("#deploy")
    page.fill("#deploy-note", "核定金额须大于零方可公示")
    page.click("#deploy-confirm")
    page.wait_for_selector("#deploy-result")
    assert "第 2 版" in page.inner_text("#deploy-result")
    assert "核定金额须大于零方可公示" in page.inner_text("li[data-key=dibao] .notes li[data-version='2']")
    shot(page, "designer-deployed-with-note")

    page.click("#compare")
    page.wait_for_selector("#diff-right[data-ready=true]")
    assert page.locator("#diff-right g.djs-element.jz-changed[data-element-id='eligible_gateway']").count() == 1
    assert page.locator("#diff-left g.djs-element.jz-changed[data-element-id='eligible_gateway']").count() == 1
    assert "eligible_gateway" in page.inner_text("#diff-changes")
    shot(page, "designer-diff")

    page.click("#diff-close")
    page.click("li[data-key=dibao] button[data-version='2']")
    page.wait_for_selector("#doc-meta:has-text('第 2 版')")
    page.click("#validate")
    page.wait_for_selector(".notice.ok")
    assert "与第 2 版相同" in page.inner_text(".notice.ok")
    page.click("#deploy")
    page.click("#deploy-confirm")
    page.wait_for_selector("#deploy-result")
    assert "未产生新版本" in page.inner_text("#deploy-result")
    listing = api.client.get("/api/v1/processes", headers=api.headers("designer")).json()["items"]
    assert {d["key"]: d["newest"] for d in listing}["dibao"] == 2
