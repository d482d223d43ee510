"""The audit chain cannot be rewritten by the database's owner unnoticed (issue: attack 6).

The owner changes one event and recomputes every later hash and the chain's head: the plain hash
chain holds again. The keyed MAC (key outside the database) and checkpoints exported outside it
find the rewrite; what neither can find is said in the README and asserted here too.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from service.audit import seal
from service.audit.models import AuditEvent
from service.audit.service import _digest, _utc, heads, verify
from service.cases.models import Case
from service.config import Settings

from ..factories import ACCEPT, INFO, Api

KEY = b"k" * 32
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def keyed(settings: Settings) -> Iterator[None]:
    """The service started with an audit key (before the test's services are built)."""
    settings.audit_key = KEY.decode()
    yield
    seal.configure(None)


def _intruder(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_update"))
        session.execute(text("DROP TRIGGER IF EXISTS audit_events_no_delete"))


def rewrite(session: Session, case_id: int, actor: str) -> None:
    """Change the case's first task completion's actor and recompute every later hash and the head, as an owner could."""
    _intruder(session)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.chain == f"case:{case_id}").order_by(AuditEvent.seq)))
    target = next(e for e in events if e.type == "task.completed")
    prev = target.prev_hash
    for event in events[events.index(target):]:
        event_actor = actor if event is target else event.actor
        digest = _digest(prev, event.chain, event.seq, event.case_id, _utc(event.at), event_actor, event.type,
                         event.element_id, event.data)
        session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(actor=event_actor, prev_hash=prev, hash=digest))
        prev = digest
    session.execute(update(Case).where(Case.id == case_id).values(audit_head=prev))
    session.commit()


def _walked(api: Api) -> int:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    return int(case["id"])


def test_without_key_or_checkpoint_a_full_rewrite_passes_as_the_readme_says(api: Api) -> None:
    case_id = _walked(api)
    with api.services.sessions() as session:
        rewrite(session, case_id, "someone-else")
        assert verify(session).ok  # what the plain chain cannot find: hence the key and the checkpoints


def test_the_keyed_mac_finds_a_rewrite(keyed: None, api: Api) -> None:
    case_id = _walked(api)
    with api.services.sessions() as session:
        assert verify(session).ok and verify(session).keyed
        rewrite(session, case_id, "someone-else")
        verdict = verify(session)
    assert not verdict.ok and "MAC does not hold" in str(verdict.broken)


def test_a_checkpoint_finds_a_rewrite_and_a_truncation_without_a_key(api: Api) -> None:
    case_id = _walked(api)
    with api.services.sessions() as session:
        point = seal.read_checkpoints([seal.checkpoint_line("2026-11-02T09:00:00+08:00", heads(session))])
        assert verify(session, point).ok
        rewrite(session, case_id, "someone-else")
        verdict = verify(session, point)
    assert not verdict.ok and "checkpoint" in str(verdict.broken)


def test_a_forged_checkpoint_is_refused_under_the_key(keyed: None, api: Api) -> None:
    _walked(api)
    with api.services.sessions() as session:
        line = seal.checkpoint_line("2026-11-02T09:00:00+08:00", heads(session))
    with pytest.raises(seal.SealError, match="MAC does not hold"):
        seal.read_checkpoints([line.replace('"case:1":[', '"case:1":[9')])


@pytest.mark.slow
def test_the_command_checks_key_and_checkpoints(tmp_path: Path) -> None:
    (tmp_path / "key").write_bytes(KEY)
    env = {**os.environ, "JIUZHU_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(ROOT)}
    heads_file = str(tmp_path / "heads.jsonl")

    def jiuzhu(*args: str, key: bool = True) -> subprocess.CompletedProcess[str]:
        extra = {"JIUZHU_AUDIT_KEY_FILE": str(tmp_path / "key")} if key else {}
        return subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env={**env, **extra}, capture_output=True,
                              text=True, timeout=120)

    assert jiuzhu("demo", key=False).returncode == 0  # a log written before the key was set
    unkeyed = jiuzhu("audit", "verify", key=False).stdout.splitlines()
    assert unkeyed[-1] == "ok" and any("no audit key" in line for line in unkeyed)
    refused = jiuzhu("audit", "verify")  # with the key, unsigned events need a checkpoint
    assert refused.returncode != 0 and "MAC does not hold" in refused.stdout
    assert jiuzhu("audit", "checkpoint", heads_file).returncode == 0  # covers the unsigned events from now on
    assert jiuzhu("user", "add", "late", "--role", "county", "--region", "220283000000").returncode == 0  # signed
    out = jiuzhu("audit", "verify", "--checkpoints", heads_file).stdout.splitlines()
    assert out[-1] == "ok" and any("MAC holds" in line for line in out)
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("drop trigger audit_events_no_update")
        db.execute("update audit_events set actor = 'x' where id = 3")
    broken = jiuzhu("audit", "verify", "--checkpoints", heads_file)
    assert broken.returncode != 0 and "event 3" in broken.stdout
