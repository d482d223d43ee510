"""The death register over REST: a bad row names its line and nothing is kept; a match suspends and opens a recheck."""

from __future__ import annotations

from sqlalchemy import func, select

from service.registers.models import DeathRecord

from ..factories import Api, resident_id
from ..payroll.helpers import beneficiary_of, deaths_csv, generate, import_deaths, paid_beneficiary


def _count(api: Api) -> int:
    with api.services.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(DeathRecord)) or 0)


def test_a_bad_id_on_line_7_is_named_and_nothing_is_imported(api: Api) -> None:
    rows = [(resident_id("19400101"), f"死者{i}", "2026-10-01", "殡葬管理所") for i in range(8)]
    rows[5] = ("220283194001010010", "错号", "2026-10-01", "殡葬管理所")  # line 7: the header is line 1
    response = import_deaths(api, deaths_csv(*rows))
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["loc"] == ["file", "line 7", "id_number"] and "line 7" in problem["msg"]
    assert "220283194001010010" not in response.text  # the submitted value is not echoed
    assert _count(api) == 0
    rows[5] = (resident_id("19400101"), "改正", "2026-10-01", "殡葬管理所")
    assert import_deaths(api, deaths_csv(*rows)).json()["imported"] == 8


def test_other_bad_rows_are_named_by_line(api: Api) -> None:
    good = (resident_id("19400101"), "甲", "2026-10-01", "民政")
    cases = {
        b"id_number,name,died\n": ("line 1", "header"),
        deaths_csv(good, (resident_id("19400101"), "乙", "2026-13-01", "民政")): ("line 3", "died_on"),
        deaths_csv(good, (resident_id("19400101"), "乙", "2027-01-01", "民政")): ("line 3", "died_on"),  # after today
        deaths_csv(good, (resident_id("19400101"), "", "2026-10-01", "民政")): ("line 3", "name"),
        deaths_csv(good) + b"1,2\n": ("line 3", "row"),
        "id_number,name,died_on,source\n".encode("gbk") + "甲".encode("gbk"): None,
    }
    for body, where in cases.items():
        response = import_deaths(api, body)
        assert response.status_code == 422, (body, response.text)
        if where:
            assert response.json()["detail"][0]["loc"][1:] == list(where)
    assert _count(api) == 0
    assert import_deaths(api, deaths_csv(good), role="township").status_code == 403


def test_a_beneficiary_on_the_register_is_suspended_rechecked_and_held(api: Api) -> None:
    person = resident_id("19800101")
    case = paid_beneficiary(api, applicant_id=person)
    other = paid_beneficiary(api)
    body = deaths_csv((person, "张三", "2026-11-12", "县殡仪馆"), (resident_id("19300101"), "无关", "2026-11-01", "县殡仪馆"))
    first = import_deaths(api, body).json()
    assert first == {"imported": 2, "already_known": 0, "matched_beneficiaries": 1, "flagged_cases": 0}
    found = beneficiary_of(api, case["number"])
    assert (found["suspended"], found["died_on"]) == ("deceased", "2026-11-12")
    assert found["open_recheck"] is not None
    recheck = api.case(found["open_recheck"]["id"])
    assert recheck["tasks"] and recheck["purpose"] == "recheck"
    assert import_deaths(api, body).json() == {"imported": 0, "already_known": 2, "matched_beneficiaries": 0,
                                               "flagged_cases": 0}  # idempotent
    roster = generate(api, "2026-12")
    assert [r["case_number"] for r in roster["rows"]] == [other["number"]]
    assert [(h["case_number"], h["reason"], h["detail"]["died_on"]) for h in roster["held"]] == [
        (case["number"], "deceased", "2026-11-12")]
    history = api.client.get(f"/api/v1/beneficiaries/{found['id']}/history", headers=api.headers()).json()
    assert "beneficiary.deceased" in [e["type"] for e in history]


def test_an_open_application_naming_the_dead_is_flagged(api: Api) -> None:
    person = resident_id("19500101")
    case = api.create(applicant_id=person)
    result = import_deaths(api, deaths_csv((person, "张三", "2026-11-01", "公安户籍"))).json()
    assert result["flagged_cases"] == 1 and result["matched_beneficiaries"] == 0
    assert api.case(case["id"])["facts"]["death_reported"] == {"died_on": "2026-11-01", "source": "公安户籍"}
    assert "case.death_reported" in [e["type"] for e in api.history(case["id"])]


def test_the_recheck_a_death_opens_stops_the_benefit_from_the_date_of_death(api: Api) -> None:
    from ..factories import AGREE, ARCHIVE, INFO, NOTIFY, RC_VISIT, STOP

    person = resident_id("19800101")
    case = paid_beneficiary(api, applicant_id=person)
    assert import_deaths(api, deaths_csv((person, "张三", "2026-11-03", "县殡仪馆"))).json()["matched_beneficiaries"] == 1
    recheck_id = beneficiary_of(api, case["number"])["open_recheck"]["id"]
    api.walk(recheck_id, [("info_check", INFO), ("home_visit", RC_VISIT), ("decide", STOP), ("confirm", AGREE),
                          ("notify_stop", NOTIFY), ("archive", ARCHIVE)])
    found = beneficiary_of(api, case["number"])
    assert (found["status"], found["stopped_on"]) == ("stopped", "2026-11-03")
