"""The public publicity feed publishes only what the law allows."""

from __future__ import annotations

from ..factories import TO_PUBLICITY, Api, case_payload, resident_id


def test_feed_shows_masked_notices_without_a_token(api: Api) -> None:
    adult = resident_id("19650312")
    payload = case_payload(applicant_id=adult)
    payload["applicant"]["name"] = "欧阳小明"
    case = api.create(payload)
    api.walk(case["id"], TO_PUBLICITY)
    api.create()  # not in publicity
    feed = api.client.get("/api/v1/publicity").json()
    assert feed["total"] == 1
    assert feed["items"][0] == {"case_number": case["number"], "kind": "dibao", "name": "欧***", "household_size": 2,
                                "amount": 500, "place": "吉林省舒兰市 220283101001", "from": "2026-11-02", "until": "2026-11-09",
                                "township_name": "220283101", "village_name": "220283101001",  # no names imported
                                "place_name": "吉林省 吉林市 舒兰市 220283101001"}
    text = api.client.get("/api/v1/publicity").text
    assert adult not in text and adult[6:14] not in text and "欧阳小明" not in text
    assert payload["household"][0]["name"] not in text and payload["household"][0]["id_number"] not in text


def test_a_minor_applicant_is_never_named(api: Api) -> None:
    child = api.create(case_payload(applicant_id=resident_id("20120601")))
    api.walk(child["id"], TO_PUBLICITY)
    item = api.client.get("/api/v1/publicity").json()["items"][0]
    assert item["name"] is None and item["case_number"] == child["number"]


def test_feed_filters_by_region(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    assert api.client.get("/api/v1/publicity?region=220283101").json()["total"] == 1
    assert api.client.get("/api/v1/publicity?region=220283102").json()["total"] == 0
    assert api.client.get("/api/v1/publicity?region=abc").status_code == 422
