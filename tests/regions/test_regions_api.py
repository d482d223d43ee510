"""Region names over REST: names and labels for codes, a code the register does not know falls back to itself."""

from __future__ import annotations

import pytest

from ..factories import TOWNSHIP, VILLAGE, Api
from .helpers import TOWNSHIP_NAME, VILLAGE_NAME, name_the_villages


def test_county_names_are_seeded_from_the_library(api: Api) -> None:
    response = api.client.get("/api/v1/regions", params={"codes": "220283,150525,220283000000,22"}, headers=api.headers("village"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["220283"] == {"name": "舒兰市", "label": "吉林省 吉林市 舒兰市"}
    assert body["220283000000"]["name"] == "舒兰市"
    assert body["150525"] == {"name": "奈曼旗", "label": "内蒙古自治区 通辽市 奈曼旗"}
    assert body["22"]["name"] == "吉林省"


def test_imported_villages_have_the_whole_chain_and_unknown_codes_fall_back(api: Api) -> None:
    params = {"codes": f"{VILLAGE},{TOWNSHIP}"}
    before = api.client.get("/api/v1/regions", params=params, headers=api.headers()).json()
    assert before[VILLAGE] == {"name": VILLAGE, "label": f"吉林省 吉林市 舒兰市 {VILLAGE}"}  # the county is known, the village not
    name_the_villages(api.services)
    after = api.client.get("/api/v1/regions", params=params, headers=api.headers()).json()  # the cache saw the import
    assert after[VILLAGE] == {"name": VILLAGE_NAME, "label": f"吉林省 吉林市 舒兰市 {TOWNSHIP_NAME} {VILLAGE_NAME}"}
    assert after[TOWNSHIP]["name"] == TOWNSHIP_NAME
    unknown = api.client.get("/api/v1/regions", params={"codes": "990000000001"}, headers=api.headers()).json()
    assert unknown == {"990000000001": {"name": "990000000001", "label": "990000000001"}}


def test_one_region_with_the_regions_below_it(api: Api) -> None:
    name_the_villages(api.services)
    county = api.client.get("/api/v1/regions/220283", headers=api.headers("county")).json()
    assert county["code"] == "220283000000" and county["level"] == 3 and county["source"] == "library"
    assert {"code": TOWNSHIP, "name": TOWNSHIP_NAME} in county["children"]
    township = api.client.get(f"/api/v1/regions/{TOWNSHIP}", headers=api.headers()).json()
    assert township["children"] == [{"code": VILLAGE, "name": VILLAGE_NAME}]
    assert township["label"] == f"吉林省 吉林市 舒兰市 {TOWNSHIP_NAME}"
    beijing = api.client.get("/api/v1/regions/11", headers=api.headers()).json()
    assert {"code": "110101000000", "name": "东城区"} in beijing["children"]  # a municipality's districts sit right below it
    assert api.client.get("/api/v1/regions/990000", headers=api.headers()).status_code == 404


@pytest.mark.parametrize("codes", [
    pytest.param("22028", id="five-digits"),
    pytest.param("220283,abc", id="letters"),
    pytest.param("2202831010001", id="thirteen-digits"),
    pytest.param(",,", id="none"),
    pytest.param(",".join(str(220283000000 + i) for i in range(201)), id="too-many"),
])
def test_bad_codes_are_422_naming_the_parameter(api: Api, codes: str) -> None:
    response = api.client.get("/api/v1/regions", params={"codes": codes}, headers=api.headers())
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][-1] == "codes"


def test_a_bad_path_code_is_422_and_no_token_is_401(api: Api) -> None:
    assert api.client.get("/api/v1/regions/22028", headers=api.headers()).status_code == 422
    assert api.client.get("/api/v1/regions", params={"codes": "22"}).status_code == 401


def test_cases_and_tasks_show_the_region_name_beside_the_code(api: Api) -> None:
    case = api.create()
    assert case["region"] == VILLAGE and case["region_name"] == VILLAGE  # not on the register yet: the code itself
    name_the_villages(api.services)
    case = api.case(case["id"])
    assert case["region"] == VILLAGE and case["region_name"] == VILLAGE_NAME
    assert case["region_label"] == f"吉林省 吉林市 舒兰市 {TOWNSHIP_NAME} {VILLAGE_NAME}"
    listed = api.client.get("/api/v1/cases", headers=api.headers()).json()["items"]
    assert [(c["region"], c["region_name"]) for c in listed] == [(VILLAGE, VILLAGE_NAME)]
    tasks = api.client.get("/api/v1/tasks", headers=api.headers()).json()["items"]
    assert tasks and all(t["region_name"] == VILLAGE_NAME for t in tasks)


def test_beneficiaries_and_the_near_relative_register_name_the_region(api: Api) -> None:
    from ..factories import case_payload
    from ..payroll.helpers import paid_beneficiary

    name_the_villages(api.services)
    paid_beneficiary(api)
    listed = api.client.get("/api/v1/beneficiaries", headers=api.headers()).json()["items"]
    assert [(b["region"], b["region_name"]) for b in listed] == [(VILLAGE, VILLAGE_NAME)]
    api.create(case_payload(near=True))
    near = api.client.get("/api/v1/registers/near-relatives", headers=api.headers("county")).json()["items"]
    assert [(n["region"], n["region_name"]) for n in near] == [(VILLAGE, VILLAGE_NAME)]
