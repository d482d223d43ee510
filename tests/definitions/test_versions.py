"""Versions compared by meaning: serialisation is no version, layout alone is said, notes are kept, diffs drawn."""

from __future__ import annotations

import re
from pathlib import Path

from service.definitions.canonical import canonical
from tests.definitions.test_deploy_api import deploy
from tests.engine.diagrams import one_task
from tests.factories import Api

DIBAO = (Path(__file__).resolve().parents[2] / "processes" / "dibao.bpmn").read_bytes()


def reserialised(data: bytes) -> bytes:
    """The same diagram written by another tool: other prefixes, attribute order, indentation, references, a comment."""
    text = data.decode()
    text = re.sub(r"(</?)bpmn:", r"\1semantic:", text).replace("xmlns:bpmn=", "xmlns:semantic=")
    text = text.replace('"bpmn:tFormalExpression"', '"semantic:tFormalExpression"')
    text = text.replace('exporter="jiuzhu" exporterVersion="1"', 'exporter="Camunda Modeler" exporterVersion="5.30.0"')
    text = re.sub(r'<semantic:sequenceFlow id="([^"]+)" (name="[^"]*" )?sourceRef="([^"]+)" targetRef="([^"]+)"',
                  lambda m: f'<semantic:sequenceFlow targetRef="{m[4]}" sourceRef="{m[3]}" {m[2] or ""}id="{m[1]}"', text)
    text = re.sub(r"\n\s*", "\n", text).replace("受理审查", "&#x53D7;理审查")
    return text.replace("<semantic:process ", "<!-- exported again -->\n<semantic:process ", 1).encode()


def test_serialisation_is_not_a_change_and_layout_is_kept_apart() -> None:
    again = reserialised(DIBAO)
    assert again != DIBAO and canonical(again) == canonical(DIBAO)
    moved = DIBAO.replace(b'<dc:Bounds x="150" y="80"', b'<dc:Bounds x="150" y="95"', 1)
    assert canonical(moved).semantics == canonical(DIBAO).semantics and canonical(moved).layout != canonical(DIBAO).layout
    renamed = DIBAO.replace(b'name="\xe7\xac\xa6\xe5\x90\x88"', b'name="\xe7\xac\xa6\xe5\x90\x88\xe6\x9d\xa1\xe4\xbb\xb6"')
    assert canonical(renamed).semantics != canonical(DIBAO).semantics


def test_deploying_the_same_process_differently_written_makes_no_version(api: Api, database_url: str) -> None:
    same = reserialised(DIBAO)
    checked = api.client.post("/api/v1/processes/validate", files={"file": ("dibao.bpmn", same)}, headers=api.headers("designer")).json()
    assert checked["unchanged"] is True and checked["same_as"] == 1 and checked["would_deploy_as"] == 1
    answer = deploy(api, same, "dibao.bpmn")
    assert answer.status_code == 201 and answer.json()["created"] is False and answer.json()["version"] == 1

    moved = DIBAO.replace(b'<dc:Bounds x="150" y="80"', b'<dc:Bounds x="150" y="95"', 1)
    checked = api.client.post("/api/v1/processes/validate", files={"file": ("dibao.bpmn", moved)}, headers=api.headers("designer")).json()
    assert checked["unchanged"] is False and checked["layout_only"] is True and checked["would_deploy_as"] == 2
    answer = api.client.post("/api/v1/processes", files={"file": ("dibao.bpmn", moved)}, data={"note": "泳道对齐"},
                             headers=api.headers("designer")).json()
    assert answer["created"] is True and answer["version"] == 2 and answer["layout_only"] is True and answer["note"] == "泳道对齐"

    changed = moved.replace(b">eligible</bpmn:conditionExpression>", b">eligible and monthly_amount &gt; 0</bpmn:conditionExpression>")
    answer = api.client.post("/api/v1/processes", files={"file": ("dibao.bpmn", changed)}, data={"note": "核定金额须大于零"},
                             headers=api.headers("designer")).json()
    assert answer["version"] == 3 and answer["layout_only"] is False
    listing = {d["key"]: d for d in api.client.get("/api/v1/processes", headers=api.headers("designer")).json()["items"]}
    assert [(v["version"], v["note"], v["layout_only"]) for v in listing["dibao"]["versions"]] == [
        (1, None, False), (2, "泳道对齐", True), (3, "核定金额须大于零", False)]
    too_long = api.client.post("/api/v1/processes", files={"file": ("dibao.bpmn", DIBAO)}, data={"note": "长" * 2001},
                               headers=api.headers("designer"))
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["loc"] == ["body", "note"]


def test_two_versions_side_by_side(api: Api, database_url: str) -> None:
    changed = DIBAO.replace(b">eligible</bpmn:conditionExpression>", b">eligible and monthly_amount &gt; 0</bpmn:conditionExpression>")
    changed = changed.replace('name="归档（一户一档）"'.encode(), 'name="归档（电子档案）"'.encode())
    assert deploy(api, changed, "dibao.bpmn").json()["version"] == 2
    diff = api.client.get("/api/v1/processes/dibao/diff?from_version=1&to_version=2", headers=api.headers("township")).json()
    changed_ids = {e["element_id"] for e in diff["changed"]}
    assert {"eligible_gateway", "archive"} <= changed_ids and diff["added"] == [] and diff["removed"] == []
    assert next(e for e in diff["changed"] if e["element_id"] == "archive")["name"] == "归档（电子档案）"
    same = api.client.get("/api/v1/processes/dibao/diff?from_version=1&to_version=1", headers=api.headers("township")).json()
    assert same["added"] == same["removed"] == same["changed"] == []
    assert api.client.get("/api/v1/processes/dibao/diff?from_version=1&to_version=9", headers=api.headers("township")).status_code == 404
    assert api.client.get("/api/v1/processes/delegation/diff?from_version=1&to_version=1",
                          headers=api.headers("township")).status_code == 404


def test_refusals_name_the_element_by_label_in_chinese_and_say_which_property(api: Api, database_url: str) -> None:
    problems = deploy(api, one_task(condition="amount >")).json()["detail"]
    assert problems[0]["element_id"] == "f4" and problems[0]["field"] == "condition"
    assert problems[0]["msg"].startswith("（f4）：条件表达式：语法错误") and "syntax error" in problems[0]["msg"]
    problems = deploy(api, one_task('<jiuzhu:deadline workingDays="rule(\'investigation_dayz\')"/>')).json()["detail"]
    assert problems[0]["field"] == "deadline" and problems[0]["element_name"] == "任务"
    assert problems[0]["msg"].startswith("「任务」（task）：阶段期限：在规则包")
    problems = deploy(api, one_task(lane="")).json()["detail"]
    assert problems[0]["field"] == "role" and "人工任务没有办理角色" in problems[0]["msg"]
