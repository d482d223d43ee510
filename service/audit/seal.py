"""Making the audit log's rewriting detectable without trusting the database.

The hash chain alone finds a changed, removed or truncated event only while the head rows are
trusted; whoever owns the database can change an event, recompute every later hash and the head,
and the chain holds again. Two defences that do not rely on the database:

- **A keyed MAC on every event**: HMAC-SHA256 of the event's hash under a key kept outside the
  database (``JIUZHU_AUDIT_KEY`` or ``JIUZHU_AUDIT_KEY_FILE``). Without the key no one can give a
  changed or invented event a MAC that verifies.
- **Checkpoints**: ``jiuzhu audit checkpoint FILE`` appends every chain's head (its number and
  hash; MAC'd when a key is set) to a file kept elsewhere. ``jiuzhu audit verify --checkpoints FILE``
  checks that each chain still passes through every head it recorded, so a rewrite or a truncation
  of anything before a checkpoint is found, even by someone holding the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

_KEY: bytes | None = None


class SealError(ValueError):
    """The configured key cannot be used."""


def configure(key: bytes | None) -> None:
    """Sign every event recorded from now on with this key (None: no MAC)."""
    global _KEY  # noqa: PLW0603 - one process-wide secret, set at start-up
    _KEY = key or None


def load_key(secret: str | None, path: Path | None) -> bytes | None:
    """The key from the setting or the file holding it; a file that is named must exist and hold 16+ bytes."""
    key = secret.encode() if secret else None
    if path is not None:
        try:
            key = path.read_bytes().strip()
        except OSError as exc:
            raise SealError(f"the audit key file {path} cannot be read: {exc.strerror}") from None
    if key is not None and len(key) < 16:
        raise SealError("the audit key must be at least 16 bytes")
    return key


def keyed() -> bool:
    return _KEY is not None


def mac(digest: str) -> str | None:
    """The event's MAC, or None when no key is set."""
    return hmac.new(_KEY, digest.encode(), hashlib.sha256).hexdigest() if _KEY else None


def mac_holds(digest: str, value: str | None) -> bool:
    expected = mac(digest)
    return expected is not None and value is not None and hmac.compare_digest(expected, value)


@dataclass(frozen=True)
class Checkpoint:
    at: str
    heads: dict[str, tuple[int, str]]
    mac: str | None


def _body(at: str, heads: Mapping[str, tuple[int, str]]) -> str:
    return json.dumps({"at": at, "heads": {c: list(h) for c, h in sorted(heads.items())}}, sort_keys=True, separators=(",", ":"))


def checkpoint_line(at: str, heads: Mapping[str, tuple[int, str]]) -> str:
    """One line for the checkpoint file: every chain's head at ``at``, MAC'd when a key is set."""
    body = _body(at, heads)
    signature = hmac.new(_KEY, body.encode(), hashlib.sha256).hexdigest() if _KEY else None
    return json.dumps({"at": at, "heads": {c: list(h) for c, h in sorted(heads.items())}, "mac": signature},
                      sort_keys=True, separators=(",", ":"))


def read_checkpoints(lines: Iterable[str]) -> list[Checkpoint]:
    """The checkpoints of a file; a line whose MAC does not hold (with the key set) is refused."""
    found = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            heads = {str(c): (int(h[0]), str(h[1])) for c, h in raw["heads"].items()}
            point = Checkpoint(str(raw["at"]), heads, raw.get("mac"))
        except (ValueError, KeyError, TypeError, IndexError):
            raise SealError(f"checkpoint line {number} cannot be read") from None
        if _KEY is not None:
            expected = hmac.new(_KEY, _body(point.at, heads).encode(), hashlib.sha256).hexdigest()
            if point.mac is None or not hmac.compare_digest(expected, str(point.mac)):
                raise SealError(f"checkpoint line {number} ({point.at}): its MAC does not hold under the audit key")
        found.append(point)
    return found
