"""The region register: one row per administrative code (padded to 12 digits), and the register's stamp."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class Region(Base):
    """A code's name. ``source``: ``library`` (seeded from the packaged list) or ``import`` (a county's file)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[int] = mapped_column(SmallInteger)  # 1 province, 2 prefecture, 3 county, 4 township, 5 village
    source: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RegionRegister(Base):
    """One row: a fresh ``stamp`` at every change, so each process knows when its cached names are stale."""

    __tablename__ = "region_register"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))
    library: Mapped[str] = mapped_column(String(60))  # the library and version the county names were seeded from
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
