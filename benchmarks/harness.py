"""The pieces a benchmark run stands on: a schema of its own, the API server, timer workers, users."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, make_url, text

from service.auth import service as auth
from service.config import Settings
from service.db import transaction
from service.followers import build_services
from service.services import Services
from service.startup import prepare

ROOT = Path(__file__).resolve().parent.parent
LOGS = Path(tempfile.gettempdir()) / "jiuzhu-bench"
SERVERS: dict[str, int] = {}


class BenchDatabase:
    """A schema of its own in the given PostgreSQL database, dropped at the end."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.schema = f"bench_{uuid.uuid4().hex[:10]}"
        url = make_url(base_url)
        self.url = url.update_query_dict({"options": f"-csearch_path={self.schema}"}).render_as_string(hide_password=False)
        self.admin = create_engine(base_url)

    def create(self) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))

    def drop(self) -> None:
        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        self.admin.dispose()

    def settings(self, **overrides: object) -> Settings:
        return Settings(database_url=self.url, timers_in_server=False, **overrides)  # type: ignore[arg-type]

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JIUZHU_")}
        env.update(JIUZHU_DATABASE_URL=self.url, JIUZHU_TIMERS_IN_SERVER="0", **extra)
        return env


def prepared_services(db: BenchDatabase, **overrides: object) -> Services:
    """Services in this process on the benchmark schema, migrated and with the diagrams deployed."""
    services = build_services(db.settings(**overrides))
    prepare(services)
    return services


def token(services: Services, name: str, role: str, region: str) -> str:
    with transaction(services.sessions) as session:
        now = services.clock.now()
        user = auth.create_user(session, name, role, region, now)
        return auth.issue_token(session, user, now, 30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spawn(args: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
    LOGS.mkdir(exist_ok=True)
    log = open(LOGS / log_name, "wb")  # noqa: SIM115 - the child keeps writing to it
    return subprocess.Popen([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _stop(process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def server(db: BenchDatabase, workers: int) -> Iterator[str]:
    """``jiuzhu serve --workers N`` on a free port; yields its base URL."""
    port = free_port()
    process = _spawn(["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)], db.env(), "serve.log")
    base = f"http://127.0.0.1:{port}"
    SERVERS[base] = process.pid
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        _stop(process)
        SERVERS.pop(base, None)


def pids_of_server(base: str) -> int:
    """The pid of the ``jiuzhu serve`` process answering at ``base`` (its workers are its children)."""
    return SERVERS[base]


def _wait_healthy(base: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}); see {LOGS / 'serve.log'}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout} s; see {LOGS / 'serve.log'}")


@contextmanager
def timer_workers(db: BenchDatabase, count: int, **env: str) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` ``jiuzhu worker`` processes."""
    processes = [_spawn(["worker"], db.env(**env), f"worker-{i}.log") for i in range(count)]
    try:
        yield processes
    finally:
        for process in processes:
            _stop(process)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks

