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
    external: Annotated[list[str] | None, typer.Option(
        help="TOPIC=module:function: run an external-task worker for the topic instead (repeatable)")] = None,
    url: Annotated[str, typer.Option(help="external: the service's base URL")] = "http://127.0.0.1:8000",
    worker_id: Annotated[str, typer.Option(help="external: this worker's id (default host-pid)")] = "",
    lock_seconds: Annotated[int, typer.Option(help="external: how long a fetched task is locked")] = 60,
    retries: Annotated[int, typer.Option(help="external: attempts before a task becomes an incident")] = 5,
    retry_seconds: Annotated[int, typer.Option(help="external: the first back-off, doubled each failure")] = 60,
) -> None:
    """Run a timer worker: fires due timers; any number may share one PostgreSQL.

    With --external, run an external-task worker instead: it calls the service at --url with the
    token in JIUZHU_WORKER_TOKEN (a user of role service) and needs no database.
    """
    if external:
        _external_worker(external, url, worker_id, lock_seconds, retries, retry_seconds)
        return
    from .engine import WorkflowCache
    from .outbox.delivery import OutboxLoop
    from .startup import prepare
    from .timers.worker import TimerLoop

    _logging()
    services = _services()
    services.workflows = WorkflowCache(0)  # a timer worker seldom meets a case again soon: it keeps no workflows
    prepare(services, deploy=False)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port)
    loop = TimerLoop(services)
    outbox = OutboxLoop(services)  # events out, beside the timers
    signal.signal(signal.SIGTERM, lambda *_: loop.stopping.set())
    signal.signal(signal.SIGINT, lambda *_: loop.stopping.set())
    err.print(f"timer worker polling every {services.settings.timer_poll_seconds}s; webhooks every "
              f"{services.settings.outbox_poll_seconds}s")
    outbox.start()
    try:
        loop.run()
    finally:
        outbox.stop()


def _external_worker(specs: list[str], url: str, worker_id: str, lock_seconds: int, retries: int, retry_seconds: int) -> None:
    import socket

    import httpx

    from .external.worker import ExternalWorker, load_handler

    _logging()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per poll
    token = os.environ.get("JIUZHU_WORKER_TOKEN", "")
    if not token:
        err.print("[red]set JIUZHU_WORKER_TOKEN[/red] to the token of a user of role service (jiuzhu user add ... --role service)")
        raise typer.Exit(2)
    try:
        handlers = dict(load_handler(spec) for spec in specs)
    except (ValueError, ImportError, AttributeError) as exc:
        err.print(f"[red]--external:[/red] {exc}")
        raise typer.Exit(2) from None
    with httpx.Client(base_url=url, timeout=30) as client:
        runner = ExternalWorker(client, token, handlers, worker_id or f"{socket.gethostname()}-{os.getpid()}",
                                lock_seconds=lock_seconds, retries=retries, retry_seconds=retry_seconds)
        signal.signal(signal.SIGTERM, lambda *_: runner.stopping.set())
        signal.signal(signal.SIGINT, lambda *_: runner.stopping.set())
        err.print(f"external-task worker {runner.worker_id} on {url}: {', '.join(handlers)}")
        runner.run()


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
    topics: Annotated[str, typer.Option(help="role service: its topics and message names, comma-separated")] = "",
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
            user = auth.create_user(session, name, role, region, now, [t.strip() for t in topics.split(",") if t.strip()])
            token = auth.issue_token(session, user, now, days or services.settings.token_days)
    except Conflict:
        print(f"User {name} already exists; nothing was changed. For a new token: jiuzhu user token {name}")
        raise typer.Exit(1) from None
    except ServiceError as exc:
        _refuse(exc.detail)
    extra = f", topics {', '.join(user.topics)}" if user.topics else ""
    print(f"user {name}: role {role}, region {region} (scope {auth.scope_prefix(region) or 'all'}){extra}")
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
def audit_verify(
    checkpoints: Annotated[Path | None, typer.Option(help="a checkpoint file written by `jiuzhu audit checkpoint`")] = None,
) -> None:
    """Walk the audit log's hash chains (and MACs, and checkpoints): exit 0 and "ok" on the last line when intact."""
    from .audit import seal
    from .audit.service import verify

    services = _services()
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


@audit_app.command("checkpoint")
def audit_checkpoint(file: Annotated[Path, typer.Argument(help="the file to append to; keep it outside the database's reach")]) -> None:
    """Verify the log, then append every chain's head (MAC'd with the audit key) to FILE.

    Events recorded before the key was set (no MAC) pass here, and the checkpoint covers them from now on.
    """
    from .audit import seal
    from .audit.service import heads, verify

    services = _services()
    with services.sessions() as session:
        verdict = verify(session, unsigned_ok=True)
        if not verdict.ok:
            print(f"BROKEN: {verdict.broken}")
            raise typer.Exit(1)
        line = seal.checkpoint_line(services.clock.now().isoformat(), heads(session))
    with file.open("a", encoding="utf-8") as out:
        out.write(line + "\n")
    print(f"checkpoint of {verdict.events} events appended to {file}")


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
def rules() -> None:
    """Which rule pack governs which region prefix, from when, and who confirms under it."""
    from rich.table import Table

    from .calendar.packfiles import load_book
    from .calendar.packview import governance

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
