"""Checking a household archive offline, from the ZIP alone (``jiuzhu audit verify --archive FILE.zip``).

Every event of ``audit.jsonl`` must follow the one before it (number and previous hash) and its hash
must be the SHA-256 of its contents; the manifest's head must be the last event; every file under
``documents/`` must have the SHA-256 its ``document.added`` event recorded, and every document an
event added (but archives) must be there. The first thing that does not hold is named.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..audit.service import line_problem

MAX_MEMBERS = 10_000
MAX_LINE = 5_000_000
MAX_EVENTS = 1_000_000


@dataclass
class Verdict:
    ok: bool
    events: int
    documents: int
    broken: str | None = None


def _events(archive: zipfile.ZipFile) -> tuple[int, dict[str, dict[str, Any]], tuple[int, str], str | None]:
    """(events read, document.added data by document id, the last (seq, hash), the first problem)."""
    added: dict[str, dict[str, Any]] = {}
    seq, prev, count = 0, "", 0
    with archive.open("audit.jsonl") as log:
        while line := log.readline(MAX_LINE + 1):
            count += 1
            if len(line) > MAX_LINE or count > MAX_EVENTS:
                return count, added, (seq, prev), f"audit.jsonl line {count}: too long (or too many events)"
            try:
                event = json.loads(line)
            except ValueError:
                return count, added, (seq, prev), f"audit.jsonl line {count}: not JSON"
            if not isinstance(event, dict):
                return count, added, (seq, prev), f"audit.jsonl line {count}: not an event"
            problem = line_problem(event, seq, prev)
            if problem:
                return count, added, (seq, prev), f"event #{event.get('seq')} ({event.get('type')}, line {count}): {problem}"
            if event["type"] == "document.added" and isinstance(event["data"], dict):
                added[str(event["data"].get("document_id"))] = {**event["data"], "seq": event["seq"]}
            seq, prev = event["seq"], event["hash"]
    return count, added, (seq, prev), None


def _sha256(archive: zipfile.ZipFile, name: str) -> str:
    digest = hashlib.sha256()
    with archive.open(name) as member:
        while chunk := member.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def _documents(archive: zipfile.ZipFile, added: dict[str, dict[str, Any]]) -> tuple[int, str | None]:
    seen: set[str] = set()
    files = [n for n in archive.namelist() if n.startswith("documents/") and not n.endswith("/")]
    for name in files:
        document_id = name.rsplit("/", 1)[-1].rsplit(".", 1)[0].rsplit("-", 1)[-1]
        event = added.get(document_id)
        if event is None:
            return len(seen), f"{name}: no document.added event in audit.jsonl records it"
        if _sha256(archive, name) != event.get("sha256"):
            return len(seen), f"{name}: its SHA-256 differs from the one document.added event #{event['seq']} recorded"
        seen.add(document_id)
    for document_id, event in added.items():
        if event.get("kind") != "archive" and document_id not in seen:
            return len(seen), f"document {document_id} ({event.get('kind')}, event #{event['seq']}) is missing from documents/"
    return len(seen), None


def verify_archive(path: Path) -> Verdict:
    """Re-check an archive from its own contents."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if len(names) > MAX_MEMBERS:
                return Verdict(False, 0, 0, f"more than {MAX_MEMBERS} files: not an archive of this service")
            if "audit.jsonl" not in names:
                return Verdict(False, 0, 0, "no audit.jsonl in the archive")
            count, added, head, problem = _events(archive)
            if problem:
                return Verdict(False, count, 0, problem)
            if "manifest.json" in names:
                if archive.getinfo("manifest.json").file_size > MAX_LINE:
                    return Verdict(False, count, 0, "manifest.json is too large: not an archive of this service")
                manifest = json.loads(archive.read("manifest.json"))
                expected = manifest.get("audit_head") if isinstance(manifest, dict) else None
                expected = expected if isinstance(expected, dict) else {}
                if [expected.get("seq"), expected.get("hash")] != list(head):
                    return Verdict(False, count, 0, f"audit.jsonl ends at event #{head[0]}, but the manifest's head is "
                                                    f"#{expected.get('seq')} (events removed or added at the end)")
            documents, problem = _documents(archive, added)
            return Verdict(problem is None, count, documents, problem)
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, EOFError, TypeError, AttributeError) as exc:
        return Verdict(False, 0, 0, f"the archive cannot be read: {type(exc).__name__}: {exc}"[:300])
