"""The search box of the workbench: ``GET /api/v1/cases?q=`` and unknown query parameters refused."""

from __future__ import annotations

import pytest

from ..factories import OTHER_TOWNSHIP, Api, case_payload, resident_id


def _numbers(api: Api, query: str, role: str = "township", region: str | None = None) -> set[str]:
    response = api.client.get(f"/api/v1/cases?{query}", headers=api.headers(role, region))
    assert response.status_code == 200, response.text
    return {c["number"] for c in response.json()["items"]}


def _make(api: Api, name: str, id_number: str, *, region: str = "220283101001", member: str | None = None) -> dict:
    payload = case_payload(region=region, applicant_id=id_number)
    payload["applicant"]["name"] = name
    if member:
        payload["household"][0]["id_number"] = member
    headers = api.headers("township", OTHER_TOWNSHIP if region.startswith(OTHER_TOWNSHIP[:9]) else None)
    response = api.client.post("/api/v1/cases", json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_q_finds_a_case_by_number_name_part_or_id_number_within_scope(api: Api) -> None:
    spouse = resident_id("19700101")
    wang = _make(api, "王秀兰", resident_id(), member=spouse)
    wang_li = _make(api, "王李氏", resident_id())
    zhao = _make(api, "赵大勇", resident_id())
    other = _make(api, "王秀英", resident_id(), region="220283102001")  # another township's case
    assert _numbers(api, "q=王") == {wang["number"], wang_li["number"]}
    assert _numbers(api, "q=秀兰") == {wang["number"]}
    assert _numbers(api, f"q={zhao['number']}") == {zhao["number"]}
    assert _numbers(api, f"q={zhao['number'].lower()}") == {zhao["number"]}
    assert _numbers(api, f"q={zhao['number'][:-1]}") == set(), "a case number matches exactly, not as a prefix"
    assert _numbers(api, f"q={spouse}") == {wang["number"]}, "anyone the case names, by the whole ID number"
    assert _numbers(api, f"q={spouse[:10]}") == set(), "no part of an ID number"
    assert _numbers(api, "q=王", "admin") == {wang["number"], wang_li["number"], other["number"]}
    assert _numbers(api, "q=王&kind=tekun") == set(), "q narrows together with the other filters"
    assert _numbers(api, "q=%25") == set() and _numbers(api, "q=_") == set(), "LIKE wildcards are plain characters"


def test_q_in_the_task_queue_matches_the_same_way(api: Api) -> None:
    case = _make(api, "钱多多", resident_id())
    response = api.client.get("/api/v1/tasks?q=多多", headers=api.headers())
    assert response.status_code == 200
    items = response.json()["items"]
    assert {t["case_id"] for t in items} == {case["id"]} and items[0]["applicant_name"] == "钱多多"


@pytest.mark.parametrize("path", [
    pytest.param("/api/v1/cases?stauts=active", id="cases"),
    pytest.param("/api/v1/tasks?pagesize=5", id="tasks"),
    pytest.param("/api/v1/cases/1/history?verbose=1", id="history"),
    pytest.param("/api/v1/supervision/overdue?township=220283101", id="supervision"),
])
def test_an_unknown_query_parameter_is_422_naming_it(api: Api, path: str) -> None:
    name = path.split("?")[1].split("=")[0]
    response = api.client.get(path, headers=api.headers("county"))
    assert response.status_code == 422, response.text
    assert [p["loc"] for p in response.json()["detail"]] == [["query", name]]
    assert name in response.json()["detail"][0]["msg"]


def test_known_parameters_and_bad_values_still_answer_as_before(api: Api) -> None:
    assert api.client.get("/api/v1/cases?page=1&page_size=5&kind=dibao", headers=api.headers()).status_code == 200
    bad = api.client.get("/api/v1/cases?page=0", headers=api.headers())
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "page"]
    assert api.client.get("/api/v1/cases?q=", headers=api.headers()).status_code == 422
    assert api.client.get("/api/v1/cases?q=" + "王" * 51, headers=api.headers()).status_code == 422
