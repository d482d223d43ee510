"""Rule packs: each holds its own place's numbers with their sources, extends the national pack,
is validated on load with readable errors, and is chosen by region prefix and date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.calendar.packfiles import load_book, parse_pack
from service.calendar.packview import governance
from service.calendar.rules import RulePackError

RULES = Path(__file__).resolve().parents[2] / "processes" / "rules"
BOOK = load_book(RULES, "national-2021")
DAY = date(2026, 11, 2)


def test_the_default_is_the_national_rule_and_shulan_governs_220283_only() -> None:
    assert BOOK.choose("150525101001", DAY).id == "naiman-2022"  # seed 000: the county confirms, as nationally
    assert BOOK.choose("110105001001", DAY).id == "national-2021"
    assert BOOK.choose("220283101001", DAY).id == "shulan-2023"
    assert BOOK.choose("220283101001", date(2023, 7, 27)).id == "national-2021"  # before seed 001 was issued
    national = BOOK.get("national-2021")
    assert national.value("confirmation_delegated", "dibao") is False
    assert (national.value("confirm_days", "dibao"), national.value("confirm_days", "tekun")) == (10, 15)
    assert national.limit_days("dibao", False) == 30


def test_shulan_holds_seed_001_and_takes_the_rest_from_the_national_pack() -> None:
    pack = BOOK.get("shulan-2023")
    assert [pack.limit_days(k, False) for k in ("dibao", "tekun", "linshi")] == [30, 30, 30]
    assert [pack.limit_days(k, True) for k in ("dibao", "tekun", "linshi")] == [45, 45, 60]
    assert pack.value("confirmation_delegated", "dibao") is True
    assert pack.value("linshi_emergency_township_limit_per_person", "linshi") == 1000
    assert pack.value("investigation_days", "dibao") is None  # seed 002's 10 days are another county's
    assert pack.value("deliberation_cap", "linshi") is None   # seed 000's 50,000 is 奈曼旗's
    assert pack.source_of("linshi_emergency_township_limit_per_person").startswith("seed 001 §三(四)")
    assert pack.source_of("confirm_days", "tekun").startswith("[TK 16]")  # inherited with its source


def test_the_county_of_seed_002_counts_its_refusal_notice_in_calendar_days() -> None:
    pack = BOOK.get("county-2020")
    assert (pack.value("refusal_notice_days", "dibao"), pack.value("refusal_notice_unit", "dibao")) == (3, "calendar")
    assert BOOK.get("national-2021").value("refusal_notice_unit", "dibao") == "working"
    assert (pack.value("investigation_days", "dibao"), pack.value("confirm_days", "dibao")) == (10, 5)
    assert pack.value("recheck_months_c_urban", "dibao") == 1 and pack.regions == []


def test_every_number_of_every_pack_carries_its_source() -> None:
    for pack in BOOK.packs.values():
        kind_names = {f"{kind}.{name}" for kind, rules in pack.kinds.items() for name in rules.model_dump()
                      if rules.model_dump()[name] is not None}
        missing = sorted(n for n in [*pack.numbers, *kind_names] if not pack.sources.get(n))
        assert missing == [], f"{pack.id}: numbers without a source: {missing}"


def test_running_cases_keep_version_1() -> None:
    old, new = BOOK.get("shulan-2023", 1), BOOK.get("shulan-2023")
    assert (old.version, new.version) == (1, 2)
    assert old.value("confirm_days", "dibao") == 5 and old.value("investigation_days", "dibao") == 10
    assert old.value("refusal_notice_unit", "dibao") == "working"  # a number version 1 lacked: from the version in force
    assert BOOK.get("national-2021", 1).value("investigation_days", "dibao") == 10


def test_jiuzhu_rules_rows() -> None:
    rows = {r.prefix: r for r in governance(BOOK)}
    assert rows["220283"].pack == "shulan-2023@2" and rows["220283"].confirms.startswith("乡镇")
    assert rows["150525"].confirms.startswith("县级") and rows["150525"].ceiling == "50000"
    default = next(r for p, r in rows.items() if p.startswith("（默认）"))
    assert default.pack == "national-2021@2" and default.refusal_notice.startswith("3 个工作日")
    assert any(r.pack == "county-2020@1" and r.refusal_notice.startswith("3 日") for r in rows.values())


def test_choice_by_region_and_date(tmp_path: Path) -> None:
    for path in RULES.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    county = (RULES / "county-2020.yaml").read_text(encoding="utf-8").replace("regions: []", 'regions: ["2202"]')
    (tmp_path / "county-2020.yaml").write_text(county, encoding="utf-8")
    book = load_book(tmp_path, "national-2021")
    assert book.choose("220283101001", DAY).id == "shulan-2023"  # the longer prefix wins
    assert book.choose("220201001001", DAY).id == "county-2020"
    assert book.choose("220283101001", date(2022, 1, 1)).id == "county-2020"  # shulan's pack is not yet in force


SHULAN = (RULES / "shulan-2023.yaml").read_text(encoding="utf-8")
FILES = {"national-2021": __import__("yaml").safe_load((RULES / "national-2021.yaml").read_text(encoding="utf-8"))}


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("extended_limit_days: {value: 45,", "extended_limit_days: {value: 20,", 1), "must not be shorter"),
    (lambda t: t.replace("extends: national-2021", "extends: nowhere"), "no rule pack 'nowhere'"),
    (lambda t: t.replace("extends: national-2021\n", ""), "missing"),
    (lambda t: t + '  refusal_notice_unit: weeks\n', "refusal_notice_unit must be one of working, calendar"),
    (lambda t: t + '  urban_dibao_standard: {value: 700, sorce: "x"}\n', "unknown key"),
    (lambda t: t.replace('regions: ["220283"]', 'regions: ["ab"]'), "regions.0"),
    (lambda t: t + "\nunexpected: 1\n", "unexpected"),
    (lambda t: "id: [", "not valid YAML"),
])
def test_a_broken_pack_is_refused_with_the_reason(change, message) -> None:  # type: ignore[no-untyped-def]
    text = change(SHULAN)
    with pytest.raises(RulePackError, match=message) as caught:
        parse_pack(text, "shulan-2023.yaml", FILES)
    assert str(caught.value).startswith("shulan-2023.yaml")


def test_a_number_set_without_a_source_does_not_keep_the_source_it_replaced() -> None:
    text = SHULAN + "  publicity_days: 5\n"
    pack = parse_pack(text, "shulan-2023.yaml", FILES)
    assert pack.value("publicity_days", "dibao") == 5 and pack.source_of("publicity_days") == ""


def test_a_number_for_every_kind_replaces_the_base_values_per_kind() -> None:
    pack = parse_pack(SHULAN + "  confirm_days: 7\n", "shulan-2023.yaml", FILES)
    assert [pack.value("confirm_days", k) for k in ("dibao", "tekun", "linshi")] == [7, 7, 7]  # national tekun: 15
