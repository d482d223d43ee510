"""The region register: ``jiuzhu regions import FILE.csv``, ``jiuzhu regions seed``, ``jiuzhu regions show CODE…``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .base import app, err, open_services, refuse, refused

regions_app = typer.Typer(help="The region register (行政区划): names shown beside region codes.", no_args_is_help=True)
app.add_typer(regions_app, name="regions")
PROGRESS_FROM = 256 * 1024  # files this large show a progress bar


@regions_app.command("import")
def regions_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                                        help="CSV (UTF-8): code,name — townships and villages, or corrections")]) -> None:
    """Import a county's names; a bad row stops the import naming its line, and nothing is kept. Idempotent."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    from ..db import transaction
    from ..errors import ServiceError
    from ..regions.imports import MAX_BYTES, import_regions
    from ..startup import prepare

    size = file.stat().st_size
    if size > MAX_BYTES:
        refuse(f"{file.name}: {size} bytes, more than {MAX_BYTES}; split the file")
    services = open_services()
    prepare(services, deploy=False)
    with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err, transient=True,
                  disable=size < PROGRESS_FROM) as progress:
        task = progress.add_task(f"importing {file.name}", total=size)
        try:
            with transaction(services.sessions) as session, file.open("rb") as stream:
                result = import_regions(session, stream, services.clock.now(),
                                        lambda read: progress.advance(task, read))
        except ServiceError as exc:
            raise refused(exc) from None
    print(f"added {result.added}, renamed {result.renamed}, unchanged {result.unchanged}")


@regions_app.command("seed")
def regions_seed(force: Annotated[bool, typer.Option(help="seed again even if this library version was seeded")] = False) -> None:
    """Seed province, prefecture and county names from python-stdnum (start-up does it once per version)."""
    from ..db import transaction
    from ..regions.seed import library_version, seed
    from ..startup import prepare

    services = open_services()
    prepare(services, deploy=False)
    with transaction(services.sessions) as session:
        changed = seed(session, services.clock.now(), force=force)
    print(f"{library_version()}: {changed} names added or renamed")


@regions_app.command("show")
def regions_show(codes: Annotated[list[str], typer.Argument(help="region codes (2, 4, 6, 9 or 12 digits)")]) -> None:
    """Print each code's name and label (the code itself when the register does not know it)."""
    from ..regions import service

    bad = [code for code in codes if not service.well_formed(code)]
    if bad:
        refuse(f"a region code is 2, 4, 6, 9 or 12 digits, got {bad[0][:20]!r}")
    services = open_services()
    with services.sessions() as session:
        for code, named in service.lookup(session, codes).items():
            print(f"{code}\t{named.name}\t{named.label}")
