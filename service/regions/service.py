"""Looking names up: each code's name, and its label (the chain of names from the province down).

A code is 2, 4, 6, 9 or 12 digits (province, prefecture, county, township, village) and means the
same as itself padded with zeros to 12 (``220283`` is ``220283000000``). A code the register does not
know is shown as itself: ``names`` never fails on a well-formed code, it falls back.

Names are cached per process, per register ``stamp``: every change to the register (a seed, an
import) writes a fresh stamp, and each lookup reads the stamp first (one primary-key read), so a
process never shows a name another process has since replaced.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Region, RegionRegister

LENGTHS = (2, 4, 6, 9, 12)
CUTS = (2, 4, 6, 9, 12)  # where each level's code ends: province, prefecture, county, township, village
CODE = re.compile(r"^\d{2}(\d{2}(\d{2}(\d{3}(\d{3})?)?)?)?$")
NATION = "000000000000"
NATION_NAME = "全国"
BATCH = 500  # codes per IN (...) query
MAX_CACHED = 200_000  # names kept per stamp before the cache starts over
MAX_STAMPS = 4  # registers (databases, or versions of one) cached at once


def well_formed(code: str) -> bool:
    return bool(CODE.match(code))


def pad(code: str) -> str:
    """The 12-digit form of a well-formed code; ``ValueError`` for anything else."""
    if not well_formed(code):
        raise ValueError(f"a region code is 2, 4, 6, 9 or 12 digits, got {code[:20]!r}")
    return code.ljust(12, "0")


def level(padded: str) -> int:
    """1 province … 5 village; 0 for the all-zero code (the whole country)."""
    significant = len(padded.rstrip("0"))
    return next((index for index, cut in enumerate(CUTS, start=1) if significant <= cut), len(CUTS)) if significant else 0


def ancestors(padded: str) -> list[str]:
    """The codes above a padded code, province first (each padded; none repeated, itself excluded)."""
    chain: list[str] = []
    for cut in CUTS[: max(level(padded) - 1, 0)]:
        above = padded[:cut].ljust(12, "0")
        if above != padded and above not in chain and level(above) > 0:
            chain.append(above)
    return chain


class _Cache:
    """Names by stamp: ``None`` remembers that a code is not on the register."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_stamp: OrderedDict[str, dict[str, str | None]] = OrderedDict()

    def names(self, stamp: str) -> dict[str, str | None]:
        with self.lock:
            if stamp not in self.by_stamp:
                self.by_stamp[stamp] = {}
                while len(self.by_stamp) > MAX_STAMPS:
                    self.by_stamp.popitem(last=False)
            return self.by_stamp[stamp]

    def keep(self, stamp: str, found: dict[str, str | None]) -> None:
        with self.lock:
            cached = self.by_stamp.get(stamp)
            if cached is None:
                return
            if len(cached) + len(found) > MAX_CACHED:
                cached.clear()
            cached.update(found)

    def forget(self) -> None:
        with self.lock:
            self.by_stamp.clear()


_cache = _Cache()


def forget() -> None:
    """Drop this process's cached names (after an import; other processes see the new stamp)."""
    _cache.forget()


def stamp(session: Session) -> str | None:
    """The register's stamp, read once per session (a request's lookups cost one read, however many)."""
    if "regions.stamp" not in session.info:
        session.info["regions.stamp"] = session.scalar(select(RegionRegister.stamp).where(RegionRegister.id == 1))
    found: str | None = session.info["regions.stamp"]
    return found


def _read(session: Session, padded: set[str]) -> dict[str, str | None]:
    found: dict[str, str | None] = dict.fromkeys(padded)
    ordered = sorted(padded)
    for start in range(0, len(ordered), BATCH):
        rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(ordered[start : start + BATCH])))
        found.update({code: name for code, name in rows})
    return found


def known(session: Session, padded: Iterable[str]) -> dict[str, str]:
    """The register's names of these padded codes (codes it does not know are left out)."""
    wanted = set(padded)
    result: dict[str, str | None] = {}
    if NATION in wanted:
        wanted.discard(NATION)
        result[NATION] = NATION_NAME
    current = stamp(session)
    if current is None:
        result.update(_read(session, wanted))
    else:
        cached = _cache.names(current)
        missing = {code for code in wanted if code not in cached}
        fresh = _read(session, missing) if missing else {}
        _cache.keep(current, fresh)
        result.update({code: fresh[code] if code in fresh else cached.get(code) for code in wanted})
    return {code: name for code, name in result.items() if name is not None}


def names(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Each code (as given) → its name; a code not on the register, or not well-formed, → the code itself."""
    given = {code: code.ljust(12, "0") if well_formed(code) else None for code in codes}
    found = known(session, {p for p in given.values() if p})
    return {code: found.get(padded, code) if padded else code for code, padded in given.items()}


@dataclass(frozen=True)
class Named:
    code: str
    name: str  # the code itself when the register does not know it
    label: str  # 吉林省 吉林市 舒兰市 某某镇 某某村: the known names above it, then its own
    known: bool


def lookup(session: Session, codes: Iterable[str]) -> dict[str, Named]:
    """Each code (as given) → its name and label; codes that are not well-formed fall back to themselves."""
    given = {code: code.ljust(12, "0") if well_formed(code) else None for code in codes}
    chains = {padded: ancestors(padded) for padded in given.values() if padded}
    found = known(session, {c for padded, above in chains.items() for c in (padded, *above)})
    result = {}
    for code, padded in given.items():
        if padded is None:
            result[code] = Named(code, code, code, False)
            continue
        own = found.get(padded)
        parts = [found[above] for above in chains[padded] if above in found]
        result[code] = Named(code, own or code, " ".join([*parts, own or code]), own is not None)
    return result


def labels(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """Each code (as given) → its label (``吉林省 吉林市 舒兰市 某某镇 某某村``), falling back to the code."""
    return {code: named.label for code, named in lookup(session, codes).items()}


def name(session: Session, code: str) -> str:
    return names(session, [code])[code]


def label(session: Session, code: str) -> str:
    return labels(session, [code])[code]


def children(session: Session, padded: str, limit: int) -> list[Region]:
    """The regions one level below a padded code, by code (at most ``limit``)."""
    own = level(padded)
    prefix = padded[: CUTS[own - 1]] if own else ""
    first, last = prefix.ljust(12, "0"), prefix.ljust(12, "9")  # a range the primary key's index serves
    for below in range(own + 1, min(own + 2, len(CUTS)) + 1):  # a municipality's counties sit right below it
        query = select(Region).where(Region.code.between(first, last), Region.level == below)
        found = list(session.scalars(query.order_by(Region.code).limit(limit)))
        if found:
            return found
    return []


def with_names(session: Session, rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """Each row (in place) gains ``<key>_name`` right after each region-code ``key`` it has, e.g. ``township_name``."""
    codes = {row[key] for row in rows for key in keys if isinstance(row.get(key), str)}
    if not codes:
        return rows
    found = names(session, codes)
    for row in rows:
        rebuilt: dict[str, Any] = {}
        for key, value in row.items():
            rebuilt[key] = value
            if key in keys and isinstance(value, str):
                rebuilt[f"{key}_name"] = found[value]
        row.clear()
        row.update(rebuilt)
    return rows


def namer(session: Session) -> Callable[[str], str]:
    """A function giving one code's name, remembering what it looked up (for exports written row by row)."""
    memo: dict[str, str] = {}

    def name_of(code: str) -> str:
        if code not in memo:
            memo[code] = names(session, [code])[code]
        return memo[code]

    return name_of
