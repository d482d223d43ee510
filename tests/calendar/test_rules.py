"""Rule packs: validated on load with readable errors, chosen by region prefix and date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from service.calendar.rules import RuleBook, RulePackError, parse_pack

RULES = Path(__file__).resolve().parents[2] / "processes" / "rules"
BOOK = RuleBook.load(RULES, "shulan-2023")


def test_the_default_pack_follows_seed_001() -> None:
    pack = BOOK.get("shulan-2023")
    assert [pack.limit_days(k, False) for k in ("dibao", "tekun", "linshi")] == [30, 30, 30]
    assert [pack.limit_days(k, True) for k in ("dibao", "tekun", "linshi")] == [45, 45, 60]
    assert pack.value("investigation_days", "dibao") == 10 and pack.value("publicity_days", "dibao") == 7
    assert pack.value("refusal_notice_days", "dibao") == 3 and pack.value("confirmation_delegated", "dibao") is True


def test_the_national_pack() -> None:
    pack = BOOK.get("national-2021")
    assert pack.limit_days("dibao", False) == 30  # the county confirms: 30, not the delegated 20
    assert pack.value("confirm_days", "dibao") == 10 and pack.value("confirm_days", "tekun") == 15
    assert pack.value("county_sampling_ratio", "tekun") == 0.3 and pack.value("county_sampling_ratio", "dibao") == 0.5


def test_choice_by_region_and_date(tmp_path: Path) -> None:
    for name in ("shulan-2023.yaml", "national-2021.yaml"):
        (tmp_path / name).write_text((RULES / name).read_text(encoding="utf-8"), encoding="utf-8")
    national = (RULES / "national-2021.yaml").read_text(encoding="utf-8").replace("regions: []", 'regions: ["2202"]')
    (tmp_path / "national-2021.yaml").write_text(national, encoding="utf-8")
    book = RuleBook.load(tmp_path, "shulan-2023")
    assert book.choose("220283101001", date(2026, 1, 1)).id == "shulan-2023"  # the longer prefix wins
    assert book.choose("220201001001", date(2026, 1, 1)).id == "national-2021"
    assert book.choose("220283101001", date(2022, 1, 1)).id == "national-2021"  # shulan's pack is not yet in force
    assert book.choose("110105001001", date(2026, 1, 1)).id == "shulan-2023"  # nothing names it: the default


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("extended_limit_days: 45,", "extended_limit_days: 20,", 1),
     "must not be shorter"),
    (lambda t: t.replace("  publicity_days: 7 ", "  publicity_dayz: 7 "), "missing numbers: publicity_days"),
    (lambda t: t.replace("  linshi: {limit_days: 30, extended_limit_days: 60}\n", ""), "missing kinds: linshi"),
    (lambda t: t.replace("county_sampling_ratio: 0.5", "county_sampling_ratio: 5"), "county_sampling_ratio"),
    (lambda t: t.replace('regions: ["220283"]', 'regions: ["ab"]'), "regions.0"),
    (lambda t: t + "\nunexpected: 1\n", "unexpected"),
    (lambda t: "id: [", "not valid YAML"),
])
def test_a_broken_pack_is_refused_with_the_reason(change, message) -> None:  # type: ignore[no-untyped-def]
    text = change((RULES / "shulan-2023.yaml").read_text(encoding="utf-8"))
    with pytest.raises(RulePackError, match=message) as caught:
        parse_pack(text, "shulan-2023.yaml")
    assert str(caught.value).startswith("shulan-2023.yaml")
