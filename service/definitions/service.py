"""Deploying BPMN and DMN files as numbered versions, and the compiled-process cache.

The database holds every version; compiled forms are cached per process by the checksums of the
BPMN and of the decisions it calls. New cases start on the newest BPMN with the newest decisions;
a running case's JSON carries its own copy of both, so it stays on what it started with.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit import service as audit
from ..engine import DefinitionInvalid, Problem
from ..engine.loader import (
    CompiledDecision,
    CompiledProcess,
    Probe,
    checksum,
    compile_bpmn,
    compile_dmn,
    file_kind,
    parse_xml,
)
from ..errors import Conflict, Invalid, NotFound
from .canonical import canonical
from .messages import problem_out
from .models import Definition


@dataclass(frozen=True)
class Checked:
    """A file that passed every check: what it is and how it compares with the newest version."""

    kind: str
    key: str
    name: str
    checksum: str
    newest: Definition | None
    same_process: bool = False  # the newest version's canonical process is this one's
    same_layout: bool = False

    @property
    def unchanged(self) -> bool:
        """Nothing but serialisation differs from the newest version: deploying it creates nothing."""
        return self.same_process and self.same_layout

    @property
    def layout_only(self) -> bool:
        return self.same_process and not self.same_layout


@dataclass(frozen=True)
class Deployed:
    definition: Definition
    created: bool


MAX_NOTE = 2000


def element_names(data: bytes) -> dict[str, str]:
    """Element ids and their labels, to name the elements a refusal is about."""
    try:
        root = parse_xml(data)
    except DefinitionInvalid:
        return {}
    return {str(n.get("id")): str(n.get("name")) for n in root.iter() if isinstance(n.tag, str) and n.get("id") and n.get("name")}


def invalid(exc: DefinitionInvalid, field: str = "file", data: bytes = b"") -> Invalid:
    names = element_names(data) if data else {}
    return Invalid([problem_out(p, names, field) for p in exc.problems])


class Registry:
    """Deployed definitions and their compiled forms."""

    def __init__(self, known_functions: Iterable[str], probe: Probe | None = None) -> None:
        self.known_functions = frozenset(known_functions)
        self.probe = probe  # deploy-time evaluation of data-free timers, deadlines and DMN inputs
        self._processes: dict[tuple[str, ...], CompiledProcess] = {}
        self._decisions: dict[str, CompiledDecision] = {}
        self._meta: dict[tuple[str, int], CompiledProcess] = {}
        self._exact: dict[tuple[str, int, tuple[tuple[str, int], ...]], CompiledProcess] = {}
        self._lock = threading.Lock()

    # -- reading ----------------------------------------------------------------------------
    @staticmethod
    def newest(session: Session, key: str) -> Definition | None:
        return session.scalar(select(Definition).where(Definition.key == key).order_by(Definition.version.desc()).limit(1))

    @staticmethod
    def get(session: Session, key: str, version: int) -> Definition:
        found = session.scalar(select(Definition).where(Definition.key == key, Definition.version == version))
        if found is None:
            raise NotFound(f"no version {version} of '{key}'")
        return found

    @staticmethod
    def listing(session: Session) -> list[Definition]:
        return list(session.scalars(select(Definition).order_by(Definition.key, Definition.version)))

    def decision(self, definition: Definition) -> CompiledDecision:
        with self._lock:
            cached = self._decisions.get(definition.checksum)
        if cached is None:
            cached = compile_dmn(definition.xml, self.known_functions)
            with self._lock:
                self._decisions[definition.checksum] = cached
        return cached

    def newest_decisions(self, session: Session) -> dict[str, tuple[int, CompiledDecision]]:
        newest = (
            select(Definition.key, func.max(Definition.version))
            .where(Definition.file_type == "dmn").group_by(Definition.key)
        )
        out = {}
        for key, version in session.execute(newest).all():
            out[key] = (version, self.decision(self.get(session, key, version)))
        return out

    def process(self, session: Session, key: str, version: int, decisions: dict[str, int] | None = None) -> CompiledProcess:
        """A compiled BPMN version, with the named decision versions (newest when not named)."""
        definition = self.get(session, key, version)
        if definition.file_type != "bpmn":
            raise NotFound(f"'{key}' is a decision, not a process")
        available = self.newest_decisions(session)
        chosen = {k: self.decision(self.get(session, k, v)) for k, v in (decisions or {}).items()}
        for k, (_, compiled) in available.items():
            chosen.setdefault(k, compiled)
        cache_key = (definition.checksum, *sorted(f"{k}:{d.checksum}" for k, d in chosen.items()))
        with self._lock:
            cached = self._processes.get(cache_key)
        if cached is None:
            cached = compile_bpmn(definition.xml, chosen, self.known_functions)
            with self._lock:
                self._processes[cache_key] = cached
        return cached

    def meta(self, session: Session, key: str, version: int) -> CompiledProcess:
        """A version's forms, roles and elements (a version never changes, so this is cached for good)."""
        with self._lock:
            cached = self._meta.get((key, version))
        if cached is None:
            cached = self.process(session, key, version)
            with self._lock:
                self._meta[(key, version)] = cached
        return cached

    def exact(self, session: Session, key: str, version: int, decisions: dict[str, int]) -> CompiledProcess:
        """The process a case runs on: its BPMN version with the decision versions it started with.

        Versions never change, so this is cached for good; restoring a case reuses its parsed spec.
        """
        memo = (key, version, tuple(sorted(decisions.items())))
        with self._lock:
            cached = self._exact.get(memo)
        if cached is None:
            cached = self.process(session, key, version, decisions)
            with self._lock:
                self._exact[memo] = cached
        return cached

    def for_new_case(self, session: Session, key: str) -> tuple[CompiledProcess, int, dict[str, int]]:
        """The newest version of a process with the newest decisions, and which versions those are."""
        definition = self.newest(session, key)
        if definition is None or definition.file_type != "bpmn":
            raise Conflict(f"no process '{key}' is deployed")
        versions = {k: v for k, (v, _) in self.newest_decisions(session).items()}
        compiled = self.process(session, key, definition.version, versions)
        return compiled, definition.version, {k: versions[k] for k in compiled.decisions}

    # -- deploying --------------------------------------------------------------------------
    def check(self, session: Session, data: bytes, now: datetime | None = None) -> Checked:
        """Compile a file as a deployment would, against the newest decisions; nothing is stored."""
        try:
            kind = file_kind(parse_xml(data))
            if kind == "dmn":
                compiled_dmn = compile_dmn(data, self.known_functions, self.probe)
                key, name = compiled_dmn.key, compiled_dmn.name
            else:
                decisions = {k: d for k, (_, d) in self.newest_decisions(session).items()}
                compiled = compile_bpmn(data, decisions, self.known_functions, self.probe, now)
                key, name = compiled.key, compiled.name
        except DefinitionInvalid as exc:
            raise invalid(exc, data=data) from None
        newest = self.newest(session, key)
        if newest is None:
            return Checked(kind, key, name, checksum(data), None)
        if newest.file_type != kind:
            raise invalid(DefinitionInvalid([Problem(key, f"'{key}' is already deployed as a {newest.file_type.upper()} file")]))
        mine, theirs = canonical(data), canonical(newest.xml)
        return Checked(kind, key, name, checksum(data), newest, same_process=mine.semantics == theirs.semantics,
                       same_layout=mine.layout == theirs.layout)

    def deploy(self, session: Session, data: bytes, filename: str, actor: str, now: datetime, note: str | None = None) -> Deployed:
        """Check and store a file as the next version of its key.

        A file whose canonical form (process and layout) is the newest version's creates nothing and
        answers that version; a change of layout alone is stored as a version marked ``layout_only``.
        """
        note = (note or "").strip() or None
        if note is not None and len(note) > MAX_NOTE:
            raise Invalid(f"the change note is longer than {MAX_NOTE} characters", ("body", "note"))
        checked = self.check(session, data, now)
        kind, key, name, digest, newest = checked.kind, checked.key, checked.name, checked.checksum, checked.newest
        if newest is not None and checked.unchanged:
            return Deployed(newest, created=False)
        definition = Definition(
            key=key, version=(newest.version + 1) if newest else 1, file_type=kind, name=name[:200],
            checksum=digest, filename=filename[:200], xml=data, deployed_at=now, deployed_by=actor,
            note=note, layout_only=checked.layout_only,
        )
        session.add(definition)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise Conflict(f"another deployment of '{key}' happened at the same time; try again") from None
        audit.record(session, case=None, at=now, actor=actor, type="definition.deployed",
                     element_id=key, data={"key": key, "version": definition.version, "file": filename, "checksum": digest,
                           "layout_only": checked.layout_only, "note": note})
        return Deployed(definition, created=True)

    def deploy_directory(self, session: Session, directory: Path, actor: str, now: datetime) -> list[Deployed]:
        """Deploy the repository's diagrams: decisions first, then processes. Unchanged files are no-ops."""
        results = []
        for pattern in ("*.dmn", "*.bpmn"):
            for path in sorted(directory.glob(pattern)):
                results.append(self.deploy(session, path.read_bytes(), path.name, actor, now))
        return results
