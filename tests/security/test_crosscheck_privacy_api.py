"""The duplicate-benefit refusal reveals nothing the caller may not read, and every hit is audited (issue: attack 5)."""

from __future__ import annotations

from sqlalchemy import select

from service.audit.models import AuditEvent

from ..factories import COUNTY, OTHER_TOWNSHIP, TOWNSHIP, Api, case_payload, resident_id

OTHER_VILLAGE = OTHER_TOWNSHIP[:9] + "001"
OTHER_COUNTY_VILLAGE = "220284101001"


def _hits(api: Api) -> list[dict[str, object]]:
    with api.services.sessions() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.type == "crosscheck.hit").order_by(AuditEvent.id))
        return [{"actor": r.actor, **r.data} for r in rows]


def test_another_townships_user_learns_only_where_to_ask(api: Api) -> None:
    person = resident_id()
    held = api.create(case_payload(applicant_id=person))  # in TOWNSHIP's village
    probe = case_payload("tekun", OTHER_VILLAGE, applicant_id=person)
    response = api.client.post("/api/v1/cases", json=probe, headers=api.headers("village", OTHER_VILLAGE))
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert held["number"] not in detail and "张三" not in detail and "active" not in detail
    assert "your county civil affairs office can see that case" in detail
    hit = _hits(api)[-1]
    assert hit["found_case_id"] == held["id"] and hit["asked_from"] == OTHER_VILLAGE and hit["in_scope"] is False
    found = api.client.get(f"/api/v1/cases?id_number={person}", headers=api.headers("county", COUNTY)).json()
    assert [c["number"] for c in found["items"]] == [held["number"]]  # the county can look it up
    elsewhere = api.client.get(f"/api/v1/cases?id_number={person}", headers=api.headers("village", OTHER_VILLAGE)).json()
    assert elsewhere["total"] == 0


def test_another_countys_user_is_told_to_ask_their_county(api: Api) -> None:
    person = resident_id()
    api.create(case_payload(applicant_id=person))
    household = case_payload("dibao", OTHER_COUNTY_VILLAGE, household=30)  # 31 ID numbers in one request
    household["household"][29]["id_number"] = person
    response = api.client.post("/api/v1/cases", json=household, headers=api.headers("village", OTHER_COUNTY_VILLAGE))
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert "in another county" in detail and "DB-" not in detail and "李" not in detail
    assert _hits(api)[-1]["in_scope"] is False


def test_the_caseworker_in_scope_still_sees_the_case(api: Api) -> None:
    person = resident_id()
    held = api.create(case_payload(applicant_id=person))
    response = api.client.post("/api/v1/cases", json=case_payload("tekun", applicant_id=person),
                               headers=api.headers("township", TOWNSHIP))
    assert response.status_code == 409 and held["number"] in response.json()["detail"]
    assert _hits(api)[-1]["in_scope"] is True
