"""Registers and money: ``jiuzhu deaths import``, ``jiuzhu payroll generate|issue``, ``jiuzhu rules``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..config import get_settings
from .base import app, cli_user, deaths_app, err, open_services, payroll_app, refused


@deaths_app.command("import")
def deaths_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV: id_number,name,died_on,source")]) -> None:
    """Import death records; a bad row stops the import naming its line, and nothing is kept. Idempotent."""
    from ..cases.workflow import Operation
    from ..db import transaction
    from ..errors import ServiceError
    from ..registers.deaths import import_deaths
    from ..startup import prepare

    services = open_services()
    prepare(services, deploy=False)
    try:
        with transaction(services.sessions) as session, file.open(encoding="utf-8-sig", newline="") as lines:
            result = import_deaths(Operation(services, session, services.clock.now(), "cli"), lines)
    except (ServiceError, UnicodeDecodeError) as exc:
        raise refused(exc) from None
    print(f"imported {result.imported}, already known {result.already_known}, "
          f"matched beneficiaries {result.matched_beneficiaries}, flagged cases {result.flagged_cases}")


@payroll_app.command("generate")
def payroll_generate(
    month: Annotated[str, typer.Option(help="YYYY-MM")],
    county: Annotated[str | None, typer.Option(help="6-digit county code; default: every county with beneficiaries")] = None,
    supplementary: Annotated[bool, typer.Option(help="a supplementary roster for a month already issued")] = False,
) -> None:
    """Generate draft payment rosters (checked against the death register, duplicates and stops)."""
    from ..cases.workflow import Operation
    from ..db import transaction
    from ..errors import ServiceError
    from ..payroll import service as payroll
    from ..startup import prepare

    services = open_services()
    prepare(services)
    with services.sessions() as session:
        counties = [county] if county else payroll.counties(session)
    for code in counties:
        try:
            with transaction(services.sessions) as session:
                p = payroll.create(Operation(services, session, services.clock.now(), "cli"), cli_user(), code, month, supplementary)
        except ServiceError as exc:
            raise refused(exc) from None
        print(f"roster {p.id}: {p.county} {p.month} {p.kind} draft, {p.row_count} rows, {p.held_count} held, total {p.total}")


@payroll_app.command("issue")
def payroll_issue(payroll_id: int) -> None:
    """Issue (freeze) a draft roster: its rows and checksum go into the audit chain."""
    from ..cases.workflow import Operation
    from ..db import transaction
    from ..errors import ServiceError
    from ..payroll import service as payroll

    services = open_services()
    try:
        with transaction(services.sessions) as session:
            p = payroll.issue(Operation(services, session, services.clock.now(), "cli"), cli_user(), payroll_id)
    except ServiceError as exc:
        raise refused(exc) from None
    print(f"roster {p.id} issued{' (late)' if p.late else ''}: {p.row_count} rows, total {p.total}, checksum {p.checksum}")


@app.command()
def rules() -> None:
    """Which rule pack governs which region prefix, from when, and who confirms under it."""
    from rich.table import Table

    from ..calendar.packfiles import load_book
    from ..calendar.packview import governance

    settings = get_settings()
    try:
        book = load_book(settings.processes_dir / "rules", settings.default_rule_pack)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    table = Table("地区前缀 prefix", "规则包 pack", "生效 from", "确认 confirms", "乡镇临时救助限额 township linshi limits",
                  "一事一议封顶线 ceiling", "不予批准告知 refusal notice", "依据 source", title="规则包 rule packs")
    for row in governance(book):
        table.add_row(row.prefix, row.pack, row.effective_from, row.confirms, row.linshi_limits, row.ceiling,
                      row.refusal_notice, row.source)
    Console(width=200).print(table)
