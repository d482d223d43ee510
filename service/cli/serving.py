"""Running the service: migrate, serve, worker, deploy, demo."""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..config import get_settings
from .base import app, err, open_services, sentence, setup_logging


@app.command()
def migrate() -> None:
    """Upgrade the database schema to the newest version (alembic upgrade head) and seed county-level region names."""
    from ..startup import migrate as upgrade_and_seed

    services = open_services()
    seeded = upgrade_and_seed(services)
    services.engine.dispose()
    print("database schema is up to date" + (f"; {seeded} region names seeded" if seeded else ""))


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

    from ..startup import prepare

    setup_logging()
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jiuzhu-metrics-")
        atexit.register(shutil.rmtree, os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    services = open_services()
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
    from ..engine import WorkflowCache
    from ..outbox.delivery import OutboxLoop
    from ..startup import prepare
    from ..timers.worker import TimerLoop

    setup_logging()
    services = open_services()
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

    from ..external.worker import ExternalWorker, load_handler

    setup_logging()
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
    from ..db import transaction
    from ..errors import ServiceError
    from ..startup import prepare

    services = open_services()
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


@app.command()
def demo(base_url: Annotated[str, typer.Option(help="where the server will listen")] = "http://127.0.0.1:8000") -> None:
    """Seed demo users and cases at different stages; print their tokens and URLs to try."""
    from ..demo import seed

    services = open_services()
    seed(services, base_url, Console())
