"""Reading rule-pack files: ``{value, source}`` entries, ``extends``, and superseded versions.

``processes/rules/*.yaml`` are the packs in force. ``processes/rules/superseded/*.yaml`` are
earlier versions of them (same ``id``, a lower ``version``) that running cases started with and
keep; a number a superseded version does not have comes from the version in force, so numbers
added later (by a new feature) reach running cases too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .rules import RuleBook, RulePack, RulePackError

Raw = dict[str, Any]
MAX_DEPTH = 5  # a chain of extends longer than this is refused (and so is a cycle)


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


def read_raw(text: str, origin: str) -> Raw:
    """A pack file's mapping; anything wrong with it (syntax, a 5000-digit number, 2026-02-30, nesting) is refused."""
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
    return raw


def _flatten(section: Any, prefix: str, sources: dict[str, str], origin: str) -> Any:
    """``{name: {value, source}}`` → ``{name: value}``, the sources collected under ``prefix + name``."""
    if not isinstance(section, dict):
        return section
    out = {}
    for key, entry in section.items():
        if isinstance(entry, dict) and "value" in entry:
            unknown = set(entry) - {"value", "source"}
            if unknown:
                raise RulePackError(f"{origin}: {prefix}{key}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
            out[key] = entry["value"]
            if entry.get("source"):
                sources[f"{prefix}{key}"] = str(entry["source"])
        else:
            out[key] = entry
    return out


def normalise(raw: Raw, origin: str) -> Raw:
    """The file's numbers as plain values, with ``sources`` beside them."""
    sources: dict[str, str] = {}
    out = dict(raw)
    out["numbers"] = _flatten(raw.get("numbers"), "", sources, origin)
    kinds = raw.get("kinds")
    if isinstance(kinds, dict):
        out["kinds"] = {kind: _flatten(rules, f"{kind}.", sources, origin) for kind, rules in kinds.items()}
    categories = raw.get("categories")
    if isinstance(categories, dict):
        out["categories"] = {name: _flatten(entries, f"categories.{name}.", sources, origin) for name, entries in categories.items()}
    out["sources"] = sources
    return out


def merge(base: Raw, own: Raw) -> Raw:
    """``own`` over ``base``: numbers, kinds (per kind) and sources merged; the rest is ``own``'s."""
    out = dict(own)
    for key in ("numbers", "sources", "categories"):
        if isinstance(base.get(key), dict) and isinstance(own.get(key, {}), dict):
            out[key] = {**base[key], **own.get(key, {})}
    set_here = set(own.get("numbers") or {}) | {f"{kind}.{name}" for kind, rules in (own.get("kinds") or {}).items()
                                                 if isinstance(rules, dict) for name in rules}
    out["sources"] = {k: v for k, v in out.get("sources", {}).items()  # a number set here has only its own source
                      if k not in set_here or k in own.get("sources", {})}
    if isinstance(base.get("kinds"), dict) and isinstance(own.get("kinds", {}), dict):
        kinds = {k: dict(v) for k, v in base["kinds"].items() if isinstance(v, dict)}
        own_kinds = own.get("kinds") or {}
        for kind in kinds:  # a number the pack sets for every kind replaces the base's per-kind values of it
            for name in own.get("numbers") or {}:
                if not (isinstance(own_kinds.get(kind), dict) and name in own_kinds[kind]):
                    kinds[kind].pop(name, None)
        for kind, rules in own_kinds.items():
            kinds[kind] = {**kinds.get(kind, {}), **rules} if isinstance(rules, dict) else rules
        out["kinds"] = kinds
    return out


def fill_missing(current: Raw, own: Raw) -> Raw:
    """A superseded version with the numbers it does not name at all (per kind or for all kinds) from ``current``."""
    own_kinds: dict[str, Any] = own["kinds"] if isinstance(own.get("kinds"), dict) else {}
    own_numbers: dict[str, Any] = own["numbers"] if isinstance(own.get("numbers"), dict) else {}
    named = set(own_numbers) | {name for rules in own_kinds.values() if isinstance(rules, dict) for name in rules}
    out = dict(own)
    out["numbers"] = {**{k: v for k, v in current.get("numbers", {}).items() if k not in named}, **own_numbers}
    kinds = {kind: dict(rules) for kind, rules in own_kinds.items() if isinstance(rules, dict)}
    for kind, rules in current.get("kinds", {}).items():
        extra = {k: v for k, v in rules.items() if k not in named}
        kinds[kind] = {**extra, **kinds.get(kind, {})}
    out["kinds"] = kinds
    out.setdefault("categories", current.get("categories", {}))
    return out


def resolve(raw: Raw, origin: str, lookup: Callable[[str], Raw | None], depth: int = 0) -> Raw:
    """The pack with what it ``extends`` filled in (normalised)."""
    own = normalise(raw, origin)
    parent = own.get("extends")
    if parent is None:
        return own
    if depth >= MAX_DEPTH:
        raise RulePackError(f"{origin}: extends: a chain longer than {MAX_DEPTH} packs, or a cycle")
    base = lookup(str(parent))
    if base is None:
        raise RulePackError(f"{origin}: extends: no rule pack '{parent}'")
    return merge(resolve(base, origin, lookup, depth + 1), own)


def validate(raw: Raw, origin: str) -> RulePack:
    try:
        return RulePack.model_validate(raw)
    except RecursionError:
        raise RulePackError(f"{origin}: nested too deeply") from None
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RulePackError(f"{origin}: {reasons}") from None


def parse_pack(text: str, origin: str, others: Mapping[str, Raw] | None = None) -> RulePack:
    """One pack from its text; ``others`` are the raw packs it may extend (by id)."""
    raw = read_raw(text, origin)
    return validate(resolve(raw, origin, (others or {}).get), origin)


def _read_dir(directory: Path) -> dict[str, tuple[str, Raw]]:
    found: dict[str, tuple[str, Raw]] = {}
    for path in sorted(directory.glob("*.yaml")):
        raw = read_raw(path.read_text(encoding="utf-8"), path.name)
        pack_id = str(raw.get("id"))
        if pack_id in found:
            raise RulePackError(f"duplicate rule pack id(s): {pack_id}")
        found[pack_id] = (path.name, raw)
    return found


def load_book(directory: Path, default_id: str) -> RuleBook:
    """The packs in ``directory`` and the superseded versions in ``directory/superseded``."""
    files = _read_dir(directory)
    raws = {pack_id: raw for pack_id, (_, raw) in files.items()}
    resolved = {pack_id: resolve(raw, name, raws.get) for pack_id, (name, raw) in files.items()}
    packs = [validate(raw, files[pack_id][0]) for pack_id, raw in resolved.items()]
    superseded = []
    old_dir = directory / "superseded"
    for path in sorted(old_dir.glob("*.yaml")) if old_dir.is_dir() else ():
        raw = read_raw(path.read_text(encoding="utf-8"), path.name)
        own = normalise(raw, path.name)
        current = resolved.get(str(raw.get("id")))
        pack = validate(fill_missing(current, own) if current else own, path.name)
        if current is not None and pack.version >= int(current.get("version", 1)):
            raise RulePackError(f"{path.name}: a superseded version must be lower than the version in force")
        superseded.append(pack)
    book = RuleBook(packs, default_id, superseded)
    book.files = raws
    return book
