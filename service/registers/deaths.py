"""The death register (殡葬信息): importing the funeral and civil-registry records, and who they name.

A file is a CSV with the header ``id_number,name,died_on,source``. It is read once, as a stream,
in chunks: each row is checked (a valid resident ID, a name, a real date of death not after today,
a source), a bad row stops the import with a 422 naming its line, and since the whole import is one
transaction nothing of it is kept. A person already on the register is ``already_known`` (the
first record stands), so importing the same file twice changes nothing.

Each person new on the register is published (:data:`DEATH_RECORDED`): the beneficiaries register
suspends them and opens a recheck, and open applications naming them are flagged, by followers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..cases.schemas import check_id_number
from ..cases.workflow import Operation
from ..db import batches
from ..errors import Invalid, problem
from ..events import Topic
from .models import DeathRecord

HEADER = ["id_number", "name", "died_on", "source"]
CHUNK = 2000
MAX_FIELD = 200


@dataclass(frozen=True)
class Death:
    line: int
    id_number: str
    name: str
    died_on: date
    source: str


@dataclass
class Imported:
    imported: int = 0
    already_known: int = 0
    matched_beneficiaries: int = 0
    flagged_cases: int = 0


@dataclass
class DeathsRecorded:
    """People new on the register (one chunk of an import); followers add what they matched to ``counts``."""

    op: Operation
    deaths: list[Death]
    counts: Imported = field(default_factory=Imported)


DEATHS_RECORDED: Topic[DeathsRecorded] = Topic("deaths.recorded")


def _bad(line: int, column: str, reason: str) -> Invalid:
    return Invalid([problem(("file", f"line {line}", column), f"第{line}行 line {line}: {column}: {reason}")])


def _field(row: list[str], index: int, line: int) -> str:
    value = row[index].strip()
    if not value:
        raise _bad(line, HEADER[index], "不能为空 required")
    if len(value) > MAX_FIELD:
        raise _bad(line, HEADER[index], f"too long (at most {MAX_FIELD} characters)")
    return value


def _death(row: list[str], line: int, today: date) -> Death:
    if len(row) != len(HEADER):
        raise _bad(line, "row", f"expected {len(HEADER)} columns ({','.join(HEADER)}), found {len(row)}")
    try:
        id_number = check_id_number(_field(row, 0, line))
    except ValueError as exc:
        raise _bad(line, "id_number", str(exc)) from None
    try:
        died_on = date.fromisoformat(_field(row, 2, line))
    except ValueError:
        raise _bad(line, "died_on", "not a date (YYYY-MM-DD)") from None
    if died_on > today:
        raise _bad(line, "died_on", "a date of death after today")
    name, source = _field(row, 1, line), _field(row, 3, line)
    if len(name) > 60 or len(source) > 100:
        raise _bad(line, "name" if len(name) > 60 else "source", "too long")
    return Death(line, id_number, name, died_on, source)


def parse(lines: Iterable[str], today: date) -> Iterator[Death]:
    """The file's rows, checked one by one; a bad row raises 422 naming its line (the header is line 1)."""
    reader = csv.reader(lines)
    try:
        header = next(reader, None)
        if header is None or [h.strip().lstrip("\ufeff") for h in header] != HEADER:
            raise _bad(1, "header", f"the first line must be {','.join(HEADER)}")
        for row in reader:
            if row:
                yield _death(row, reader.line_num, today)
    except csv.Error as exc:
        raise _bad(reader.line_num, "row", f"not valid CSV: {exc}") from None


def _store(session: Session, chunk: list[Death], op: Operation) -> list[Death]:
    """Insert the chunk's people not yet on the register; the new ones."""
    ids = {d.id_number for d in chunk}
    known = set(session.scalars(select(DeathRecord.id_number).where(DeathRecord.id_number.in_(ids))))
    new: dict[str, Death] = {}
    for death in chunk:
        if death.id_number not in known and death.id_number not in new:
            new[death.id_number] = death
    if new:
        session.execute(insert(DeathRecord), [
            {"id_number": d.id_number, "name": d.name, "died_on": d.died_on, "source": d.source, "imported_at": op.now}
            for d in new.values()])
    return list(new.values())


def import_deaths(op: Operation, lines: Iterable[str]) -> Imported:
    """Import a death-register file in the operation's transaction; each chunk's new deaths are published."""
    result = Imported()
    for chunk in batches(parse(lines, op.today), CHUNK):
        new = _store(op.session, chunk, op)
        result.imported += len(new)
        result.already_known += len(chunk) - len(new)
        if new:
            op.services.followers.publish(DEATHS_RECORDED, DeathsRecorded(op, new, result))
    return result


def died(session: Session, id_numbers: Iterable[str]) -> dict[str, DeathRecord]:
    """The register's records of these people."""
    wanted = list(id_numbers)
    if not wanted:
        return {}
    return {r.id_number: r for r in session.scalars(select(DeathRecord).where(DeathRecord.id_number.in_(wanted)))}
