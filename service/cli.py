"""The ``jiuzhu`` command."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console

from .config import get_settings
from .roles import ROLES

if TYPE_CHECKING:
    from .auth.models import User
    from .services import Services

app = typer.Typer(help="Jiuzhu 救助: BPMN-driven social-assistance approvals.", no_args_is_help=True, add_completion=False)
user_app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(audit_app, name="audit")
deaths_app = typer.Typer(help="The death register (殡葬信息).", no_args_is_help=True)
payroll_app = typer.Typer(help="Payment rosters (发放名册).", no_args_is_help=True)
app.add_typer(deaths_app, name="deaths")
app.add_typer(payroll_app, name="payroll")
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"jiuzhu {version('jiuzhu')}")
        raise typer.Exit()


@app.callback()
def options(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                  help="print the version and exit")] = False) -> None:
    """Jiuzhu 救助: BPMN-driven social-assistance approvals."""


def sentence(detail: Any) -> str:
    """A refusal as a sentence: each problem with the field it is about, never a Python repr."""
    if isinstance(detail, list):
        return " ".join(sentence(p) for p in detail)
    if isinstance(detail, dict):
        fields = [str(part) for part in detail.get("loc", []) if part not in ("body", "query", "path")]
        text = str(detail.get("msg") or detail.get("reason") or "refused")
        named = not fields or text.lower().startswith(fields[-1].lower())  # "role must be one of ..." names its field
        return sentence(text if named else f"{fields[-1]}: {text}")
    text = str(detail).strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "。", "?", "!", "）")) else ".")


def _refuse(detail: Any) -> NoReturn:
    err.print(f"[red]Refused:[/red] {sentence(detail)}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


def _services() -> Services:
    from .followers import build_services

    return build_services(get_settings())


def _logging() -> None:
    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # SpiffWorkflow logs every task state change at INFO: dozens of lines per step, and their cost.
    # A case's story is in the audit log; the engine's own warnings still show.
    logging.getLogger("spiff").setLevel(max(logging.WARNING, logging.getLogger().level))


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the newest version (alembic upgrade head)."""
    from .startup import upgrade

    upgrade(get_settings().database_url)
    print("database schema is up to date")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes sharing the database")] = 1,
) -> None:
    """Run the API server (and, unless JIUZHU_TIMERS_IN_SERVER=0, the timer loop).

    With several workers, Prometheus samples go to a shared directory so /metrics adds them up.
    """
    import uvicorn

    from .startup import prepare

    _logging()
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jiuzhu-metrics-")
        atexit.register(shutil.rmtree, os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    services = _services()
    prepare(services)  # once, before the workers start
    services.engine.dispose()
    os.environ["JIUZHU_AUTO_MIGRATE"] = "0"
    err.print(f"Jiuzhu on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run("service.asgi:app", host=host, port=port, workers=workers, log_level=get_settings().log_level,
                timeout_graceful_shutdown=30)


@app.command()
def worker(
    metrics_port: Annotated[int, typer.Option(help="serve Prometheus /metrics on this port (0: off)")] = 0,
) -> None:
    """Run a timer worker: fires due timers; any number may share one PostgreSQL."""
    from .startup import prepare
    from .timers.worker import TimerLoop

    _logging()
    services = _services()
    prepare(services, deploy=False)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    loop = TimerLoop(services)
    signal.signal(signal.SIGTERM, lambda *_: loop.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: loop.stopping.set())
    err.print(f"timer worker polling every {services.settings.timer_poll_seconds}s")
    loop.run()


@app.command()
def deploy(files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False, help=".bpmn or .dmn files")]) -> None:
    """Deploy BPMN/DMN files as new versions (as POST /api/v1/processes does)."""
    from .db import transaction
    from .errors import ServiceError
    from .startup import prepare

    services = _services()
    prepare(services)
    for path in files:
        try:
            with transaction(services.sessions) as session:
                done = services.registry.deploy(session, path.read_bytes(), path.name, "cli", services.clock.now())
        except ServiceError as exc:
            problems = exc.detail if isinstance(exc.detail, list) else [{"msg": exc.detail}]
            for p in problems:
                err.print(f"[red]{path.name}: refused:[/red] {sentence(p['msg'])}", highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None
        state = "deployed" if done.created else "unchanged"
        print(f"{path.name}: {done.definition.key} version {done.definition.version} ({state})")


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help=" or ".join(ROLES))],
    region: Annotated[str, typer.Option(help="12-digit administrative code, e.g. 220283101000")],
    days: Annotated[int, typer.Option(help="days until the token expires")] = 0,
) -> None:
    """Create a user and print a new API token as the last line."""
    from .auth import service as auth
    from .db import transaction
    from .errors import Conflict, ServiceError
    from .startup import prepare

    services = _services()
    prepare(services, deploy=False)
    now = services.clock.now()
    try:
        with transaction(services.sessions) as session:
            user = auth.create_user(session, name, role, region, now)
            token = auth.issue_token(session, user, now, days or services.settings.token_days)
    except Conflict:
        print(f"User {name} already exists; nothing was changed. For a new token: jiuzhu user token {name}")
        raise typer.Exit(1) from None
    except ServiceError as exc:
        _refuse(exc.detail)
    print(f"user {name}: role {role}, region {region} (scope {auth.scope_prefix(region) or 'all'})")
    print(token)


@user_app.command("token")
def user_token(name: str, days: Annotated[int, typer.Option(help="days until the token expires")] = 0) -> None:
    """Issue another token for an existing user (printed as the last line)."""
    from .auth import service as auth
    from .db import transaction
    from .errors import ServiceError

    services = _services()
    now = services.clock.now()
    try:
        with transaction(services.sessions) as session:
            token = auth.issue_token(session, auth.find_user(session, name), now, days or services.settings.token_days)
    except ServiceError as exc:
        _refuse(exc.detail)
    print(token)


@user_app.command("revoke")
def user_revoke(name: str) -> None:
    """Revoke every token of a user."""
    from .auth import service as auth
    from .db import transaction
    from .errors import ServiceError

    services = _services()
    try:
        with transaction(services.sessions) as session:
            count = auth.revoke_tokens(session, auth.find_user(session, name), services.clock.now())
    except ServiceError as exc:
        _refuse(exc.detail)
    print(f"revoked {count} token(s) of {name}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the audit log's hash chains: exit 0 and "ok" when intact."""
    from .audit.service import verify

    services = _services()
    with services.sessions() as session:
        verdict = verify(session)
    if verdict.ok:
        print(f"{verdict.events} audit events verified")
        print("ok")
        return
    print(f"BROKEN: {verdict.broken}")
    raise typer.Exit(1)


def _refused(exc: Exception) -> typer.Exit:
    from .errors import ServiceError

    detail = exc.detail if isinstance(exc, ServiceError) else str(exc)
    err.print(f"[red]Refused:[/red] {sentence(detail)}", highlight=False, soft_wrap=True)
    return typer.Exit(1)


@deaths_app.command("import")
def deaths_import(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV: id_number,name,died_on,source")]) -> None:
    """Import death records; a bad row stops the import naming its line, and nothing is kept. Idempotent."""
    from .cases.workflow import Operation
    from .db import transaction
    from .errors import ServiceError
    from .registers.deaths import import_deaths
    from .startup import prepare

    services = _services()
    prepare(services, deploy=False)
    try:
        with transaction(services.sessions) as session, file.open(encoding="utf-8-sig", newline="") as lines:
            result = import_deaths(Operation(services, session, services.clock.now(), "cli"), lines)
    except (ServiceError, UnicodeDecodeError) as exc:
        raise _refused(exc) from None
    print(f"imported {result.imported}, already known {result.already_known}, "
          f"matched beneficiaries {result.matched_beneficiaries}, flagged cases {result.flagged_cases}")


def _cli_user() -> User:
    from .auth.models import User

    return User(name="cli", role="admin", region="000000000000")


@payroll_app.command("generate")
def payroll_generate(
    month: Annotated[str, typer.Option(help="YYYY-MM")],
    county: Annotated[str | None, typer.Option(help="6-digit county code; default: every county with beneficiaries")] = None,
    supplementary: Annotated[bool, typer.Option(help="a supplementary roster for a month already issued")] = False,
) -> None:
    """Generate draft payment rosters (checked against the death register, duplicates and stops)."""
    from .cases.workflow import Operation
    from .db import transaction
    from .errors import ServiceError
    from .payroll import service as payroll
    from .startup import prepare

    services = _services()
    prepare(services)
    with services.sessions() as session:
        counties = [county] if county else payroll.counties(session)
    for code in counties:
        try:
            with transaction(services.sessions) as session:
                p = payroll.create(Operation(services, session, services.clock.now(), "cli"), _cli_user(), code, month, supplementary)
        except ServiceError as exc:
            raise _refused(exc) from None
        print(f"roster {p.id}: {p.county} {p.month} {p.kind} draft, {p.row_count} rows, {p.held_count} held, total {p.total}")


@payroll_app.command("issue")
def payroll_issue(payroll_id: int) -> None:
    """Issue (freeze) a draft roster: its rows and checksum go into the audit chain."""
    from .cases.workflow import Operation
    from .db import transaction
    from .errors import ServiceError
    from .payroll import service as payroll

    services = _services()
    try:
        with transaction(services.sessions) as session:
            p = payroll.issue(Operation(services, session, services.clock.now(), "cli"), _cli_user(), payroll_id)
    except ServiceError as exc:
        raise _refused(exc) from None
    print(f"roster {p.id} issued{' (late)' if p.late else ''}: {p.row_count} rows, total {p.total}, checksum {p.checksum}")


@app.command()
def demo(base_url: Annotated[str, typer.Option(help="where the server will listen")] = "http://127.0.0.1:8000") -> None:
    """Seed demo users and cases at different stages; print their tokens and URLs to try."""
    from .demo import seed

    services = _services()
    seed(services, base_url, Console())


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
