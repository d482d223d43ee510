"""A designer changes the delegation table and deploys it: the next case is routed by the new rule."""

from __future__ import annotations

from datetime import datetime

from service.clock import SHANGHAI
from service.config import ROOT
from service.db import transaction

from ..factories import ADVANCE, LS_INVESTIGATED, TO_PUBLICITY, Api, case_payload, elements

TABLE = (ROOT / "processes" / "delegation.dmn").read_bytes()
PUBLICITY_OVER = datetime(2026, 11, 10, 0, 0, 1, tzinfo=SHANGHAI)


def deploy(api: Api, xml: bytes) -> int:
    with transaction(api.services.sessions) as session:
        done = api.services.registry.deploy(session, xml, "delegation.dmn", "designer", api.clock.now())
        return done.definition.version


def confirmer(api: Api, case_id: int) -> str:
    return str(next(t["role"] for t in api.case(case_id, "admin")["tasks"] if t["element_id"] == "confirm"))


def test_the_next_dibao_case_follows_the_new_table_and_a_running_one_keeps_its_own(api: Api) -> None:
    running = api.create()
    county = TABLE.replace(b'<outputEntry id="r1_confirmer"><text>"township"</text>', b'<outputEntry id="r1_confirmer"><text>"county"</text>')
    assert deploy(api, county) == 2
    following = api.create()
    assert (running["process"], following["process"]) == ({"key": "dibao", "version": 1}, {"key": "dibao", "version": 1})
    for case in (running, following):
        api.walk(case["id"], TO_PUBLICITY)
    api.at(PUBLICITY_OVER)
    assert (confirmer(api, running["id"]), confirmer(api, following["id"])) == ("township", "county")


def test_a_lower_township_limit_sends_linshi_to_deliberation(api: Api) -> None:
    old = (b"<inputEntry id=\"r4_per_person\"><text>rule('linshi_emergency_township_limit_per_person') is not None and "
           b"? &lt;= rule('linshi_emergency_township_limit_per_person')</text>")
    lower = TABLE.replace(old, b"<inputEntry id=\"r4_per_person\"><text>? &lt;= 500</text>")
    assert lower != TABLE and deploy(api, lower) == 2
    case = api.create(case_payload("linshi", household=0, emergency=True, cause="火灾"))
    case = api.walk(case["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", {"eligible": True, "proposed_amount": 800})])
    assert "county_deliberation" in elements(case) and case["facts"]["deliberation"] is True


def test_the_table_drawn_in_s_feel_is_deployed_and_routes_cases(api: Api) -> None:
    """The delegation table as Camunda Modeler writes it (S-FEEL lists, true/false, -), the county confirming."""
    drawn = (TABLE.replace(b'? in ("dibao", "tekun")', b'"dibao","tekun"').replace(b"<text>True</text>", b"<text>true</text>")
             .replace(b"<text>False</text>", b"<text>false</text>").replace(b"<text></text>", b"<text>-</text>")
             .replace(b'<outputEntry id="r1_confirmer"><text>"township"</text>', b'<outputEntry id="r1_confirmer"><text>"county"</text>'))
    assert deploy(api, drawn) == 2
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    api.at(PUBLICITY_OVER)
    assert confirmer(api, case["id"]) == "county"
