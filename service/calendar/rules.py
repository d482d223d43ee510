"""Rule packs: every statutory number, per region and effective date, from ``processes/rules/*.yaml``.

A pack names the region prefixes it governs from its effective date, and its numbers: per kind
(``kinds``) and for all kinds (``numbers``). Each number is written ``name: value`` or
``name: {value: ..., source: "seed 001 §三(四)"}``; the sources are kept (``RulePack.sources``) so
that ``jiuzhu rules`` and the documentation can show where each number comes from. A pack may
``extends: <id>``: the numbers it does not give come from that pack, so a local pack holds only
its own place's numbers. A number may be ``null`` where a pack has no such rule (no stage limit,
no township limit); a ``*_unit`` setting says whether a period counts ``working`` or ``calendar``
days. Reading the files (extends, superseded versions) is :mod:`service.calendar.packfiles`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

KINDS = ("dibao", "tekun", "linshi")
Number = int | float | bool | str | None
UNITS = ("working", "calendar")
REQUIRED_NUMBERS = (
    "investigation_days", "appraisal_days", "confirm_days", "refusal_notice_days", "publicity_days",
    "at_risk_days", "confirmation_delegated", "county_sampling_ratio",
    "linshi_publicity_days", "linshi_paperwork_days",  # read by every linshi case (processes/linshi.bpmn)
)
RECHECK_NUMBERS = ("recheck_months_a", "recheck_months_b", "recheck_months_c_urban", "recheck_months_c_rural")
RECHECKED_KINDS = ("dibao", "tekun")  # dynamic management: every pack says how often, per class


def _check_value(key: str, value: Any) -> None:
    if key.endswith("_unit"):
        if value not in UNITS:
            raise ValueError(f"{key} must be one of {', '.join(UNITS)}")
    elif value is not None and not isinstance(value, (int, float, bool)):
        raise ValueError(f"{key} must be a number, true/false or null")


class KindRules(BaseModel):
    model_config = ConfigDict(extra="allow")

    limit_days: Annotated[int, Field(gt=0, le=365)]
    extended_limit_days: Annotated[int, Field(gt=0, le=365)]
    delegated_limit_days: Annotated[int | None, Field(gt=0, le=365)] = None

    @model_validator(mode="after")
    def _extension_is_longer(self) -> KindRules:
        if self.extended_limit_days < self.limit_days:
            raise ValueError("extended_limit_days must not be shorter than limit_days")
        for key, value in (self.model_extra or {}).items():
            _check_value(key, value)
        return self


class RulePack(BaseModel):
    """One pack: the numbers a region follows from its effective date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")]
    version: Annotated[int, Field(ge=1, le=1000)] = 1
    name: str
    source: str = ""
    extends: str | None = None
    regions: list[Annotated[str, Field(pattern=r"^\d{0,12}$")]] = []
    effective_from: date
    kinds: dict[str, KindRules]
    numbers: dict[str, Number]
    sources: dict[str, str] = {}  # "name" or "kind.name" → the sentence it comes from
    categories: dict[str, dict[str, str]] = {}  # e.g. linshi_cause: {code: 中文 label}; codes are what cases store

    @field_validator("kinds")
    @classmethod
    def _all_kinds(cls, value: dict[str, KindRules]) -> dict[str, KindRules]:
        missing = [k for k in KINDS if k not in value]
        if missing:
            raise ValueError(f"missing kinds: {', '.join(missing)}")
        return value

    @field_validator("numbers")
    @classmethod
    def _required_numbers(cls, value: dict[str, Number]) -> dict[str, Number]:
        missing = [k for k in REQUIRED_NUMBERS if k not in value]
        if missing:
            raise ValueError(f"missing numbers: {', '.join(missing)}")
        for key, number in value.items():
            _check_value(key, number)
        return value

    @model_validator(mode="after")
    def _checks(self) -> RulePack:
        missing = [f"{kind}.{name}" for kind in RECHECKED_KINDS for name in RECHECK_NUMBERS if not self._has(name, kind)]
        if missing:
            raise ValueError(f"missing recheck periods (months): {', '.join(missing)}")
        for kind in KINDS:
            ratio = self.value("county_sampling_ratio", kind)
            if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 < float(ratio) <= 1:
                raise ValueError(f"county_sampling_ratio ({kind}) must be in (0, 1]")
        return self

    def _has(self, name: str, kind: str) -> bool:
        try:
            self.value(name, kind)
        except KeyError:
            return False
        return True

    def value(self, name: str, kind: str) -> Number:
        """A number by name: the kind's own value first, then the pack's."""
        kind_rules = self.kinds.get(kind)
        if kind_rules is not None:
            extra = kind_rules.model_extra or {}
            if name in extra:
                return extra[name]  # type: ignore[no-any-return]
            if name in ("limit_days", "extended_limit_days", "delegated_limit_days"):
                found = getattr(kind_rules, name)
                if found is not None:
                    return found  # type: ignore[no-any-return]
        if name in self.numbers:
            return self.numbers[name]
        raise KeyError(f"rule pack {self.id} has no number '{name}'")

    def number(self, name: str, kind: str) -> float:
        """A number that must be set (a ratio, a period in months): a pack without it is refused at load."""
        value = self.value(name, kind)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise KeyError(f"rule pack {self.id}: '{name}' ({kind}) is not a number: {value!r}")
        return value

    def source_of(self, name: str, kind: str | None = None) -> str:
        """Where a number comes from, as the pack (or the pack it extends) says."""
        return (kind and self.sources.get(f"{kind}.{name}")) or self.sources.get(name, "")

    def limit_days(self, kind: str, extended: bool) -> int:
        """The overall limit in working days from acceptance (30, or 45/60 after an extension)."""
        rules = self.kinds[kind]
        if extended:
            return rules.extended_limit_days
        if self.numbers.get("confirmation_delegated") and rules.delegated_limit_days:
            return rules.delegated_limit_days
        return rules.limit_days

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


class RulePackError(ValueError):
    """A pack file that does not load, with the file and the reason."""


class RuleBook:
    """The packs in force (one version per id), the superseded versions running cases still use,
    and the choice of a pack for a region on a date."""

    def __init__(self, packs: Iterable[RulePack], default_id: str, superseded: Iterable[RulePack] = ()) -> None:
        self.packs = {p.id: p for p in packs}
        if default_id not in self.packs:
            raise RulePackError(f"default rule pack '{default_id}' is not among {', '.join(sorted(self.packs)) or 'none'}")
        self.default_id = default_id
        self.versions = {(p.id, p.version): p for p in superseded}
        self.versions.update({(p.id, p.version): p for p in self.packs.values()})
        self.files: dict[str, dict[str, Any]] = {}  # id → the pack as written, for a candidate that extends it

    def get(self, pack_id: str, version: int | None = None) -> RulePack:
        """The pack in force under that id, or the given version of it (a running case's)."""
        current = self.packs.get(pack_id)
        if current is not None and version in (None, current.version):
            return current
        found = self.versions.get((pack_id, version)) if version is not None else None
        if found is None and current is None:
            raise KeyError(f"no rule pack '{pack_id}'")
        return found or current  # type: ignore[return-value]

    def choose(self, region: str, on: date) -> RulePack:
        """The pack whose region prefix matches longest and whose effective date is latest, not after ``on``."""
        best: tuple[int, date] | None = None
        chosen = None
        for pack in self.packs.values():
            if pack.effective_from > on:
                continue
            for prefix in pack.regions:
                if region.startswith(prefix):
                    rank = (len(prefix), pack.effective_from)
                    if best is None or rank > best:
                        best, chosen = rank, pack
        return chosen or self.packs[self.default_id]

    def governs(self) -> list[tuple[str, RulePack]]:
        """Each region prefix with the pack that names it, longest prefix last; '' is the default."""
        rows = [(prefix, pack) for pack in self.packs.values() for prefix in pack.regions]
        rows.append(("", self.packs[self.default_id]))
        return sorted(rows, key=lambda r: (r[0], r[1].effective_from))
