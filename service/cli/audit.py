"""The audit log: ``jiuzhu audit verify|checkpoint``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .base import audit_app, open_services


@audit_app.command("verify")
def audit_verify(
    checkpoints: Annotated[Path | None, typer.Option(help="a checkpoint file written by `jiuzhu audit checkpoint`")] = None,
    archive: Annotated[Path | None, typer.Option(help="a household archive (ZIP from GET /api/v1/cases/{id}/archive): "
                                                      "check it alone, without the database")] = None,
) -> None:
    """Walk the audit log's hash chains (and MACs, and checkpoints): exit 0 and "ok" on the last line when intact.

    With --archive, re-compute the events of a household archive and its documents' SHA-256 from the file alone.
    """
    if archive is not None:
        _verify_archive(archive)
        return
    from ..audit import seal
    from ..audit.service import verify

    services = open_services()
    try:
        points = seal.read_checkpoints(checkpoints.read_text(encoding="utf-8").splitlines()) if checkpoints else []
    except (OSError, seal.SealError) as exc:
        print(f"BROKEN: {exc}")
        raise typer.Exit(1) from None
    with services.sessions() as session:
        verdict = verify(session, points)
    if not verdict.ok:
        print(f"BROKEN: {verdict.broken}")
        raise typer.Exit(1)
    print(f"{verdict.events} audit events verified")
    print("every event's MAC holds under the audit key" if verdict.keyed else
          "warning: no audit key is set, so whoever owns the database could rewrite the log undetected (README, Security)")
    if checkpoints:
        print(f"{verdict.checkpoints} checkpoints from {checkpoints} hold")
    print("ok")


def _verify_archive(path: Path) -> None:
    from ..archive.verify import verify_archive

    verdict = verify_archive(path)
    if not verdict.ok:
        print(f"BROKEN: {verdict.broken}")
        raise typer.Exit(1)
    print(f"{verdict.events} audit events and {verdict.documents} document file(s) of {path.name} verified")
    print("ok")


@audit_app.command("checkpoint")
def audit_checkpoint(file: Annotated[Path, typer.Argument(help="the file to append to; keep it outside the database's reach")]) -> None:
    """Verify the log, then append every chain's head (MAC'd with the audit key) to FILE.

    Events recorded before the key was set (no MAC) pass here, and the checkpoint covers them from now on.
    """
    from ..audit import seal
    from ..audit.service import heads, verify

    services = open_services()
    with services.sessions() as session:
        verdict = verify(session, unsigned_ok=True)
        if not verdict.ok:
            print(f"BROKEN: {verdict.broken}")
            raise typer.Exit(1)
        line = seal.checkpoint_line(services.clock.now().isoformat(), heads(session))
    with file.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    print(f"checkpoint of {verdict.events} events appended to {file}")
