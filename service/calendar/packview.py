"""Which rule pack governs which region prefix, and from when: what ``jiuzhu rules`` prints."""

from __future__ import annotations

from dataclasses import dataclass

from .rules import Number, RuleBook, RulePack

DEFAULT_PREFIX = "（默认）其他地区 every region no pack names"


@dataclass(frozen=True)
class Governance:
    prefix: str
    pack: str
    effective_from: str
    confirms: str
    linshi_limits: str
    ceiling: str
    refusal_notice: str
    source: str


def _shown(value: Number) -> str:
    return "—" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def describe(prefix: str, pack: RulePack) -> Governance:
    delegated = bool(pack.value("confirmation_delegated", "dibao"))
    emergency = pack.value("linshi_emergency_township_limit_per_person", "linshi")
    months = pack.value("linshi_expenditure_township_months", "linshi")
    limits = "—" if not delegated else f"急难型 ≤ {_shown(emergency)} 元/人；支出型 ≤ {_shown(months)} 个月城市低保标准/人"
    unit = "个工作日 working days" if pack.value("refusal_notice_unit", "dibao") == "working" else "日 calendar days"
    return Governance(
        prefix=prefix or DEFAULT_PREFIX,
        pack=pack.ref,
        effective_from=pack.effective_from.isoformat(),
        confirms="乡镇 township" if delegated else "县级 county",
        linshi_limits=limits,
        ceiling=_shown(pack.value("deliberation_cap", "linshi")),
        refusal_notice=f"{_shown(pack.value('refusal_notice_days', 'dibao'))} {unit}",
        source=pack.source_of("confirmation_delegated"),
    )


def governance(book: RuleBook) -> list[Governance]:
    """One row per region prefix a pack names, and the default, ordered by prefix; then unassigned packs."""
    rows = [describe(prefix, pack) for prefix, pack in book.governs()]
    named = {pack.id for _, pack in book.governs()}
    rows += [describe("（未指定地区）not adopted: list a prefix under regions", p) for p in book.packs.values() if p.id not in named]
    return rows
