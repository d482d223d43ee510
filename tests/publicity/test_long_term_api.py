"""Long-term publicity, the month's decisions, and a scan of every public answer for a minor's name."""

from __future__ import annotations

from typing import Any

from ..factories import (
    ADVANCE,
    LS_CONFIRM,
    LS_ELIGIBLE,
    LS_INVESTIGATED,
    TO_PUBLICITY,
    Api,
    approve,
    case_payload,
    resident_id,
)

MINOR_SURNAME = "禤"  # in no place name of the test regions: any trace of it is a leak
MINOR, MINOR_MEMBER = "禤小宝", "禤小妹"


def adult_with(api: Api, name: str, **kwargs: Any) -> dict[str, Any]:
    payload = case_payload(applicant_id=resident_id("19650312"), **kwargs)
    payload["applicant"]["name"] = name
    payload["household"] = [{"name": MINOR_MEMBER, "id_number": resident_id("20150101"), "relation": "child"}]
    return approve(api, payload)


def orphan(api: Api) -> dict[str, Any]:
    payload = case_payload(applicant_id=resident_id("20120601"), household=0)
    payload["applicant"]["name"] = MINOR
    return approve(api, payload)


def test_everyone_on_benefit_is_listed_masked_and_a_minor_without_a_name(api: Api) -> None:
    adult = adult_with(api, "欧阳小明")
    child = orphan(api)
    listed = api.client.get("/api/v1/publicity/beneficiaries?region=220283101").json()
    assert listed["total"] == 2
    by_name = {i["name"]: i for i in listed["items"]}
    assert set(by_name) == {"欧***", None}
    assert by_name["欧***"] == {"kind": "dibao", "name": "欧***", "household_size": 2, "amount": 500.0,
                                "place": "吉林省舒兰市 220283101001", "since": "2026-11-10", "township_name": "220283101",
                                "village_name": "220283101001", "place_name": "吉林省 吉林市 舒兰市 220283101001"}
    assert set(by_name[None]) == set(by_name["欧***"])  # the same fields, nothing more
    assert api.client.get("/api/v1/publicity/beneficiaries?region=220283102").json()["total"] == 0
    assert api.client.get("/api/v1/publicity/beneficiaries").status_code == 422  # a place is required
    assert api.client.get("/api/v1/publicity/beneficiaries?region=2202").status_code == 422
    del adult, child


def test_a_pack_may_publish_the_full_name_but_never_a_minors(api: Api) -> None:
    api.services.rules.get("shulan-2023").numbers["publicity_mask_name"] = False
    adult_with(api, "欧阳小明")
    orphan(api)
    names = {i["name"] for i in api.client.get("/api/v1/publicity/beneficiaries?region=220283").json()["items"]}
    assert names == {"欧阳小明", None}


def test_the_months_decisions_with_linshi_amounts_and_emergency_after_the_fact(api: Api) -> None:
    dibao = adult_with(api, "欧阳小明")
    linshi = api.create(case_payload("linshi", cause="火灾", emergency=True))
    api.walk(linshi["id"], [("advance_payment", ADVANCE)] + LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    linshi = api.case(linshi["id"])
    assert "publicity" not in {p["element_id"] for p in linshi["positions"]}  # emergency: paid first, no publicity before
    done = api.walk(linshi["id"], [("confirm", LS_CONFIRM), ("archive", {"archive_no": "LS-1"})])
    assert done["status"] == "approved"
    month = api.client.get("/api/v1/publicity/decisions?month=2026-11&region=220283101").json()
    by_number = {i["case_number"]: i for i in month["items"]}
    assert by_number[dibao["number"]]["amount"] == 500 and by_number[dibao["number"]]["after_the_fact"] is False
    assert by_number[linshi["number"]]["amount"] == 1500 and by_number[linshi["number"]]["after_the_fact"] is True
    api.services.rules.get("shulan-2023").numbers["linshi_emergency_after_publicity"] = False
    month = api.client.get("/api/v1/publicity/decisions?month=2026-11&region=220283101").json()
    assert [i["case_number"] for i in month["items"]] == [dibao["number"]]
    assert api.client.get("/api/v1/publicity/decisions?month=2026-13&region=220283101").status_code == 422


def test_linshi_in_publicity_shows_its_amount(api: Api) -> None:
    case = api.create(case_payload("linshi", cause="serious_illness"))
    api.walk(case["id"], LS_INVESTIGATED + [("review", LS_ELIGIBLE)])
    [item] = api.client.get("/api/v1/publicity").json()["items"]
    assert (item["kind"], item["amount"]) == ("linshi", 1500)  # the proposed amount, no longer null


def test_no_public_answer_ever_holds_a_minors_name(api: Api) -> None:
    """Every route without a token, called with everything there is to show, after minors went through every stage."""
    adult_with(api, "欧阳小明")
    orphan(api)
    in_publicity = api.create(case_payload(applicant_id=resident_id("20110101"), household=0) | {
        "applicant": {"name": MINOR, "id_number": resident_id("20110101")}})
    api.walk(in_publicity["id"], TO_PUBLICITY)
    report = api.client.post("/api/v1/public/reports", json={"region": "220283101001", "subject": f"{MINOR} 的低保",
                                                              "text": f"{MINOR}、{MINOR_MEMBER} 家有车"})
    receipt = report.json()["receipt"]
    calls = {
        "/api/v1/publicity": ["", "?region=220283"],
        "/api/v1/publicity/beneficiaries": ["?region=220283", "?region=220283101", "?region=220283101001"],
        "/api/v1/publicity/decisions": ["?month=2026-11&region=220283", "?month=2026-12&region=220283101"],
        "/api/v1/public/reports/{receipt}": [f"/{receipt}"],
        "/healthz": [""], "/metrics": [""],
    }
    answers = [report.text]
    paths = api.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    for path in (p for p, operations in paths.items() if "get" in operations):
        if path in calls:
            urls = [path.replace("/{receipt}", "") + suffix for suffix in calls[path]]
        else:  # needs a token, or it is a public route this test does not know yet
            probe = api.client.get(path.replace("{", "").replace("}", ""))
            assert probe.status_code == 401, f"public route {path} is not scanned: add it to calls"
            continue
        for url in urls:
            response = api.client.get(url)
            assert response.status_code == 200, (url, response.text[:200])
            answers.append(response.text)
    for page in ("/supervision", "/publicity"):
        answers.append(api.client.get(page).text)
    assert len(answers) >= 10
    for text in answers:
        assert MINOR_SURNAME not in text and MINOR not in text and MINOR_MEMBER not in text


def test_a_month_the_calendar_cannot_hold_is_422(api: Api) -> None:
    for month in ("0000-01", "9999-12"):
        answer = api.client.get(f"/api/v1/publicity/decisions?month={month}&region=220283101")
        assert answer.status_code == 422 and answer.json()["detail"][0]["loc"] == ["query", "month"], answer.text
