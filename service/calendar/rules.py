"""Rule packs: every statutory number, per region and effective date, from ``processes/rules/*.yaml``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

KINDS = ("dibao", "tekun", "linshi")
Number = int | float | bool
REQUIRED_NUMBERS = (
    "investigation_days", "appraisal_days", "confirm_days", "refusal_notice_days", "publicity_days",
    "at_risk_days", "confirmation_delegated", "county_sampling_ratio",
    "linshi_publicity_days", "linshi_paperwork_days",  # read by every linshi case (processes/linshi.bpmn)
)
RECHECK_NUMBERS = ("recheck_months_a", "recheck_months_b", "recheck_months_c_urban", "recheck_months_c_rural")
RECHECKED_KINDS = ("dibao", "tekun")  # dynamic management (seed 002): every pack says how often, per class


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
            if not isinstance(value, (int, float, bool)):
                raise ValueError(f"{key} must be a number or true/false")
        return self


class RulePack(BaseModel):
    """One pack: the numbers a region follows from its effective date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,59}$")]
    name: str
    source: str = ""
    regions: list[Annotated[str, Field(pattern=r"^\d{0,12}$")]] = []
    effective_from: date
    kinds: dict[str, KindRules]
    numbers: dict[str, Number]

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
        ratio = value["county_sampling_ratio"]
        if not 0 < float(ratio) <= 1:
            raise ValueError("county_sampling_ratio must be in (0, 1]")
        return value

    @model_validator(mode="after")
    def _recheck_periods(self) -> RulePack:
        missing = [f"{kind}.{name}" for kind in RECHECKED_KINDS for name in RECHECK_NUMBERS if not self._has(name, kind)]
        if missing:
            raise ValueError(f"missing recheck periods (months): {', '.join(missing)}")
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

    def limit_days(self, kind: str, extended: bool) -> int:
        """The overall limit in working days from acceptance (30, or 45/60 after an extension)."""
        rules = self.kinds[kind]
        if extended:
            return rules.extended_limit_days
        if self.numbers.get("confirmation_delegated") and rules.delegated_limit_days:
            return rules.delegated_limit_days
        return rules.limit_days


class RulePackError(ValueError):
    """A pack file that does not load, with the file and the reason."""


def _refuse_aliases(text: str) -> None:
    """Safe YAML without aliases: a few ``*refs`` could otherwise stand for billions of nodes.

    The document is composed (which refuses deep nesting early) and a node met twice is an alias.
    """
    seen: set[int] = set()
    stack = [yaml.compose(text, Loader=yaml.SafeLoader)]
    while stack:
        node = stack.pop()
        if node is None or isinstance(node, yaml.ScalarNode):
            continue
        if id(node) in seen:
            raise yaml.YAMLError("aliases (*name) are not allowed in a rule pack")
        seen.add(id(node))
        for item in node.value:
            stack.extend(item if isinstance(item, tuple) else (item,))


def parse_pack(text: str, origin: str) -> RulePack:
    """A rule pack from YAML; anything wrong with it (syntax, a 5000-digit number, 2026-02-30, nesting) is refused."""
    try:
        _refuse_aliases(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulePackError(f"{origin}: not valid YAML: {exc}") from None
    except (ValueError, OverflowError) as exc:  # a date like 2026-02-30, an hour 25, a number too long to read
        raise RulePackError(f"{origin}: a value cannot be read: {exc}") from None
    except RecursionError:
        raise RulePackError(f"{origin}: nested too deeply") from None
    if not isinstance(raw, dict):
        raise RulePackError(f"{origin}: a rule pack is a mapping with id, name, regions, effective_from, kinds, numbers")
    try:
        return RulePack.model_validate(raw)
    except RecursionError:
        raise RulePackError(f"{origin}: nested too deeply") from None
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RulePackError(f"{origin}: {reasons}") from None


class RuleBook:
    """All loaded packs, and the choice of one for a region on a date."""

    def __init__(self, packs: Iterable[RulePack], default_id: str) -> None:
        self.packs = {p.id: p for p in packs}
        if default_id not in self.packs:
            raise RulePackError(f"default rule pack '{default_id}' is not among {', '.join(sorted(self.packs)) or 'none'}")
        self.default_id = default_id

    @classmethod
    def load(cls, directory: Path, default_id: str) -> RuleBook:
        packs = []
        for path in sorted(directory.glob("*.yaml")):
            packs.append(parse_pack(path.read_text(encoding="utf-8"), path.name))
        ids = [p.id for p in packs]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise RulePackError(f"duplicate rule pack id(s): {', '.join(duplicates)}")
        return cls(packs, default_id)

    def get(self, pack_id: str) -> RulePack:
        return self.packs[pack_id]

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
