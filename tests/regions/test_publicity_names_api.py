"""The public notice names the township and village (no token; nothing personal added)."""

from __future__ import annotations

from ..factories import TO_PUBLICITY, Api
from .helpers import TOWNSHIP_NAME, VILLAGE_NAME, name_the_villages


def test_the_notice_names_the_township_and_village(api: Api) -> None:
    name_the_villages(api.services)
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    item = api.client.get("/api/v1/publicity").json()["items"][0]
    assert (item["township_name"], item["village_name"]) == (TOWNSHIP_NAME, VILLAGE_NAME)
    assert item["place_name"] == f"吉林省 吉林市 舒兰市 {TOWNSHIP_NAME} {VILLAGE_NAME}"
    assert item["place"] == "吉林省舒兰市 220283101001"  # the field it had stays as it was
