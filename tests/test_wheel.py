"""The released package works on its own: ``pip install`` of the wheel (not editable, not from this
folder) gives a ``jiuzhu`` that migrates, deploys the shipped diagrams and serves from an empty folder.

The wheel is built from a copy of the project's files (the build leaves nothing here) and installed
without dependencies into a fresh venv that borrows this venv's installed dependencies by a path
file; the path file adds the folder only, so this checkout's editable install is not visible
there, and the test checks that ``service`` is imported from the fresh venv.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import httpx
import pytest

from .serving import _wait, free_port

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "service", "processes", "migrations")
pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh venv with the wheel installed."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.py[cod]", "bundled"))
        else:
            shutil.copy2(ROOT / name, source / name)
    pip = (sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input")
    _run(*pip, "wheel", "--no-deps", "--wheel-dir", work / "dist", source, cwd=work)
    wheel = next((work / "dist").glob("jiuzhu-*.whl"))
    fresh = work / "venv"
    venv.EnvBuilder(with_pip=False).create(fresh)
    _run(*pip, "--python", fresh / "bin" / "python", "install", "--no-deps", "--no-index", wheel, cwd=work)
    purelib = Path(_run(fresh / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=work).strip())
    (purelib / "zz_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")  # after the wheel's own files
    return fresh / "bin"


def _clean_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIUZHU_", "PROMETHEUS_", "PYTHON"))}
    env.update(HOME=str(folder), JIUZHU_LOG_LEVEL="warning", JIUZHU_TIMERS_IN_SERVER="0")
    return env


def test_the_wheel_carries_the_service_the_diagrams_and_the_migrations(installed: Path, tmp_path: Path) -> None:
    where = _run(installed / "python", "-c", "import service.config as c; print(c.__file__); print(c.Settings().processes_dir);"
                 " print(c.shipped('migrations'))", cwd=tmp_path, env=_clean_env(tmp_path)).split()
    assert all(Path(p).is_relative_to(installed.parent) for p in where), where
    assert (Path(where[1]) / "dibao.bpmn").is_file() and (Path(where[1]) / "rules" / "shulan-2023.yaml").is_file()
    assert (Path(where[2]) / "env.py").is_file() and list((Path(where[2]) / "versions").glob("*.py"))


def test_jiuzhu_migrates_and_serves_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    env = _clean_env(tmp_path)
    assert "up to date" in _run(installed / "jiuzhu", "migrate", cwd=tmp_path, env=env)
    assert (tmp_path / "jiuzhu.db").is_file()  # the default database, in the folder it was run from
    token = _run(installed / "jiuzhu", "user", "add", "wang", "--role", "designer", "--region", "220283000000",
                 cwd=tmp_path, env=env).strip().splitlines()[-1]
    port = free_port()
    log = (tmp_path / "serve.log").open("w+b")
    server = subprocess.Popen([installed / "jiuzhu", "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base, server, log)
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        listed = httpx.get(f"{base}/api/v1/processes", headers={"Authorization": f"Bearer {token}"})
        assert listed.status_code == 200, listed.text
        assert {"dibao", "tekun", "linshi"} <= {p["key"] for p in listed.json()["items"]}  # deployed from the wheel's copy
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        log.close()
