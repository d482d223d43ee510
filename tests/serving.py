"""Running ``jiuzhu serve`` as a real process for tests that need several processes on one database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(database_url: str, workers: int = 1) -> Iterator[str]:
    """``jiuzhu serve`` on a free port with the given database; yields its base URL, stops it gracefully."""
    with server_process(database_url, workers) as (base, _):
        yield base


@contextmanager
def server_process(database_url: str, workers: int = 1) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """As running_server, also giving the process (to signal it)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "PROMETHEUS_"))}
    env.update(JIUZHU_DATABASE_URL=database_url, JIUZHU_TIMERS_IN_SERVER="0", JIUZHU_LOG_LEVEL="warning")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", str(workers)],
                                   cwd=ROOT, env=env, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, process, log)
            yield base, process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(60)


def _wait(base: str, process: subprocess.Popen[bytes], log: object) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)  # type: ignore[attr-defined]
            raise AssertionError(f"the server exited: {log.read().decode(errors='replace')}")  # type: ignore[attr-defined]
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("the server did not start within 60 s")
