"""A field a designer adds to a deployed diagram's form appears in the workbench with no other change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.factories import ACCEPT, Api
from tests.web.test_pages import browser, login, page, shot, site  # noqa: F401 - the shared browser fixtures

ROOT = Path(__file__).resolve().parents[2]
ADDED = ('<jiuzhu:field name="neighbours" type="enum" label="邻里走访情况（heard 已走访邻居、not_heard 邻居不在家）" '
         'options="heard,not_heard" />\n          <jiuzhu:field name="visited_on" type="date" label="入户日期" />\n          ')


def test_a_field_added_to_the_deployed_diagram_shows_in_the_task_form(page: Any, site: tuple[str, Api],  # noqa: F811
                                                                     tmp_path: Path) -> None:
    base, api = site
    xml = (ROOT / "processes" / "dibao.bpmn").read_text(encoding="utf-8")
    anchor = '<jiuzhu:field name="findings" type="text" label="调查情况" />'
    assert xml.count(anchor) == 2  # home_visit, then county_home_visit
    changed = xml.replace(anchor, ADDED + anchor, 1)
    deployed = api.client.post("/api/v1/processes", files={"file": ("dibao.bpmn", changed.encode(), "application/xml")},
                               data={"note": "入户调查增加邻里走访和入户日期"}, headers=api.headers("designer"))
    assert deployed.status_code == 201, deployed.text
    case = api.create()
    assert case["process"]["version"] == deployed.json()["version"]
    api.step(case["id"], "accept", ACCEPT)
    login(page, base, api, "township", f"/work#task/{api.task_id(case['id'], 'home_visit')}")
    page.wait_for_selector(".field[data-field=neighbours] select")
    assert page.inner_text(".field[data-field=neighbours] .field-label").strip() == "*邻里走访情况"
    assert page.locator(".field[data-field=neighbours] option").all_inner_texts() == ["请选择", "已走访邻居", "邻居不在家"]
    assert page.locator(".field[data-field=visited_on] input[type=date]").count() == 1
    shot(page, "work-deployed-field")
    page.fill(".field[data-field=visitors] .item:nth-child(1) input", "王五")
    page.fill(".field[data-field=visitors] .item:nth-child(2) input", "赵六")
    page.fill(".field[data-field=findings] textarea", "家中无经营性收入")
    page.check(".field[data-field=disputed] input[value=false]")
    page.select_option(".field[data-field=neighbours] select", "heard")
    page.click("#submit-task")
    page.wait_for_selector(".field[data-field=visited_on].invalid")
    assert "此项必填" in page.inner_text(".field[data-field=visited_on] .field-error")
    page.fill(".field[data-field=visited_on] input", "2026-11-03")
    for field in page.locator(".field[data-type=document] input[type=file]").all():
        field.set_input_files(files=[{"name": "入户调查表.pdf", "mimeType": "application/pdf",
                                      "buffer": b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"}])
    page.wait_for_function("() => [...document.querySelectorAll('.doc-status')].every(s => s.classList.contains('ok'))")
    page.click("#submit-task")
    page.wait_for_selector("#case-tasks")
    done = [e for e in api.history(case["id"]) if e["type"] == "task.completed" and e["element_id"] == "home_visit"]
    assert done and done[0]["data"]["data"]["neighbours"] == "heard" and done[0]["data"]["data"]["visited_on"] == "2026-11-03"
