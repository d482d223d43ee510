"""Importing a county's own names (townships and villages, or corrections) from a CSV file.

The file has the header ``code,name``; a code is 2, 4, 6, 9 or 12 digits (or any of them padded with
zeros to 12). It is read once, as a stream of bounded lines: a bad row (a malformed code, an empty or
over-long name, a code twice, a line over :data:`MAX_LINE` bytes, more than :data:`MAX_ROWS` rows)
stops the import with a 422 naming its line, and since the whole import is one transaction nothing
of it is kept. A code already on the register with the same name is ``unchanged``, so importing the
same file twice changes nothing; a new name for a known code replaces the old one (and is kept over
the library's on later seeds).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from ..db import batches
from ..errors import Invalid, problem
from .models import Region
from .seed import touch
from .service import level, pad

HEADER = ["code", "name"]
MAX_LINE = 512  # bytes, a line's end included
MAX_ROWS = 200_000  # a province's villages fit
MAX_BYTES = MAX_ROWS * 80  # what the command line accepts before reading (16 MB)
MAX_NAME = 60
CHUNK = 2000


@dataclass(frozen=True)
class Row:
    line: int
    code: str  # padded to 12
    name: str


@dataclass
class Imported:
    added: int = 0
    renamed: int = 0
    unchanged: int = 0


def _bad(line: int, column: str, reason: str) -> Invalid:
    return Invalid([problem(("file", f"line {line}", column), f"第{line}行 line {line}: {column}: {reason}")])


def _lines(stream: BinaryIO, progress: Callable[[int], None] | None) -> Iterator[str]:
    """The file's lines as text, each read with a bound (a file of one endless line is refused, not read)."""
    number = 0
    while raw := stream.readline(MAX_LINE + 1):
        number += 1
        if len(raw) > MAX_LINE and not raw.endswith(b"\n"):
            raise _bad(number, "row", f"line longer than {MAX_LINE} bytes")
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _bad(number, "row", "not UTF-8 text") from None
        if progress is not None:
            progress(len(raw))
        yield text


def _name(value: str, line: int) -> str:
    name = value.strip()
    if not name:
        raise _bad(line, "name", "不能为空 required")
    if len(name) > MAX_NAME:
        raise _bad(line, "name", f"too long (at most {MAX_NAME} characters)")
    if not name.isprintable():  # control, format (zero-width, bidi) and separator characters
        raise _bad(line, "name", "contains control or invisible characters")
    return name


def _row(fields: list[str], line: int) -> Row:
    if len(fields) != len(HEADER):
        raise _bad(line, "row", f"expected {len(HEADER)} columns (code,name), found {len(fields)}")
    code = fields[0].strip()
    try:
        padded = pad(code)
    except ValueError:
        raise _bad(line, "code", f"a region code is 2, 4, 6, 9 or 12 digits, got {code[:20]!r}") from None
    if level(padded) == 0:
        raise _bad(line, "code", "the all-zero code is the whole country, not a region")
    return Row(line, padded, _name(fields[1], line))


def parse(stream: BinaryIO, progress: Callable[[int], None] | None = None) -> Iterator[Row]:
    """The file's rows, checked one by one; a bad row raises 422 naming its line (the header is line 1)."""
    reader = csv.reader(_lines(stream, progress))
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != HEADER:
            raise _bad(1, "header", "the first line must be code,name")
        for fields in reader:
            if not fields or fields == [""]:
                continue
            row = _row(fields, reader.line_num)
            if row.code in seen:
                raise _bad(row.line, "code", f"{row.code} is already on line {seen[row.code]}")
            if len(seen) >= MAX_ROWS:
                raise _bad(row.line, "row", f"more than {MAX_ROWS} rows; split the file")
            seen[row.code] = row.line
            yield row
    except csv.Error as exc:
        raise _bad(reader.line_num, "row", f"not valid CSV: {exc}") from None


TABLE: Table = Region.__table__  # type: ignore[assignment]
RENAME = TABLE.update().where(TABLE.c.code == bindparam("old_code")).values(name=bindparam("new_name"), source="import",
                                                                            updated_at=bindparam("at"))


def _store(session: Session, chunk: list[Row], now: datetime, result: Imported) -> None:
    """One chunk, by plain statements (no ORM objects): a county's 100,000 villages are read and written in bulk."""
    connection = session.connection()
    query = select(TABLE.c.code, TABLE.c.name).where(TABLE.c.code.in_([r.code for r in chunk]))
    existing: dict[str, str] = {code: name for code, name in connection.execute(query)}
    new = [r for r in chunk if r.code not in existing]
    renamed = [r for r in chunk if r.code in existing and existing[r.code] != r.name]
    if new:
        connection.execute(TABLE.insert(), [{"code": r.code, "name": r.name, "level": level(r.code), "source": "import",
                                             "updated_at": now} for r in new])
    if renamed:
        connection.execute(RENAME, [{"old_code": r.code, "new_name": r.name, "at": now} for r in renamed])
    result.added += len(new)
    result.renamed += len(renamed)
    result.unchanged += len(chunk) - len(new) - len(renamed)


def import_regions(session: Session, stream: BinaryIO, now: datetime,
                   progress: Callable[[int], None] | None = None) -> Imported:
    """Import a ``code,name`` file in the session's transaction; ``progress`` is told the bytes read."""
    result = Imported()
    for chunk in batches(parse(stream, progress), CHUNK):
        _store(session, chunk, now, result)
    if result.added or result.renamed:
        touch(session, now)
    return result
