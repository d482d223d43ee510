"""Seeding the county-level names (province, prefecture, county) from ``python-stdnum``.

python-stdnum, which already checks resident ID numbers here, carries the GB/T 2260 codes and names
(its ``cn/loc`` database: every province, prefecture and county code an ID number may start with,
current and abolished, with the years each was valid). A maintained library we depend on anyway:
upgrading it and restarting brings a new year's changes. A current name is taken as it is; an
abolished code keeps its last name, marked 已撤销 with the year, since old cases still carry it.
Seeding is skipped while the register says it already holds this version of the library, and it
never overwrites a name a county imported (``source = 'import'``): a county's own file is the better
authority.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .models import Region, RegionRegister
from .service import forget, level, pad

LIBRARY = "python-stdnum"
SPAN = re.compile(r"^\[(\d*)-(\d*)\](.*)$")  # "[1992-]舒兰市", "[-2010]崇文区"


def library_version() -> str:
    try:
        return f"{LIBRARY} {version(LIBRARY)}"
    except PackageNotFoundError:
        return ""


def _name(raw: str) -> str:
    """A current name as it is; an abolished one with the year it ended (``崇文区（2010年撤销）``)."""
    found = SPAN.match(raw)
    if found is None:
        return raw
    _, ended, name = found.groups()
    return f"{name}（{ended}年撤销）" if ended else name


def _placeholder(raw: str) -> bool:
    """GB/T 2260's grouping rows (``市辖区``, ``县``, ``省直辖县级行政区划``): no place of their own, so no name in
    a label (a municipality's districts sit right below it, as people name them)."""
    found = SPAN.match(raw)
    name = found.group(3) if found else raw
    return name in ("市辖区", "县") or name.endswith("直辖县级行政区划")


def library_regions() -> dict[str, str]:
    """Padded code → name, every province, prefecture and county the library lists."""
    from stdnum import numdb

    found: dict[str, str] = {}
    for _, province, _, props, counties in numdb.get("cn/loc").prefixes:
        if "province" in props:
            found[pad(province)] = str(props["province"])[:60]
        for width, low, high, county, _ in counties:
            if "county" not in county or _placeholder(str(county["county"])):
                continue
            for number in range(int(low), int(high) + 1):
                try:
                    found[pad(province + str(number).zfill(width))] = _name(str(county["county"]))[:60]
                except ValueError:
                    continue
    return found


def touch(session: Session, now: datetime, library: str | None = None) -> None:
    """A fresh stamp: every process's cached names are stale from this transaction's commit on."""
    register = session.get(RegionRegister, 1)
    if register is None:
        register = RegionRegister(id=1, stamp="", library="", updated_at=now)
        session.add(register)
    register.stamp = uuid.uuid4().hex
    register.updated_at = now
    session.info["regions.stamp"] = register.stamp
    if library is not None:
        register.library = library
    session.flush()
    forget()


def seed(session: Session, now: datetime, *, force: bool = False) -> int:
    """Bring the library's names into the register; how many rows were added or renamed (0 when up to date)."""
    current = library_version()
    register = session.get(RegionRegister, 1)
    if not current or (register is not None and register.library == current and not force):
        return 0
    wanted = library_regions()
    existing = {code: (name, source) for code, name, source in session.execute(
        select(Region.code, Region.name, Region.source).where(Region.level <= 3))}
    new = [{"code": code, "name": name, "level": level(code), "source": "library", "updated_at": now}
           for code, name in wanted.items() if code not in existing]
    renamed = [{"code": code, "name": name, "updated_at": now} for code, name in wanted.items()
               if code in existing and existing[code][1] == "library" and existing[code][0] != name]
    if new:
        session.execute(insert(Region), new)
    if renamed:
        session.execute(update(Region), renamed)
    touch(session, now, current)
    return len(new) + len(renamed)
