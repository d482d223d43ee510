"""Documents and the household archive against a served app: upload, download, archive, offline verification.

    .venv/bin/python -m benchmarks.documents [--documents 50] [--size 2000000] [--database-url URL]

Starts ``jiuzhu serve`` on a fresh SQLite file (or the given database), creates one case and uploads
``documents`` PDFs of ``size`` bytes to it, then builds its archive (``GET /cases/{id}/archive``) and
verifies it offline (``jiuzhu audit verify --archive``). Prints the median upload and download time as
a ratio to ``GET /healthz`` in the same run, the archive's size and time, the verification's time,
and the server's peak resident memory (VmHWM) before and after the archive, so that an archive much
larger than the memory it took shows it was streamed, not held.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from service.archive.verify import verify_archive
from service.auth import service as auth
from service.config import Settings
from service.db import transaction
from service.followers import build_services
from tests.factories import case_payload
from tests.serving import server_process


def _peak_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _token(url: str) -> str:
    services = build_services(Settings(database_url=url))
    with transaction(services.sessions) as session:
        now = services.clock.now()
        user = auth.create_user(session, "bench-township", "township", "220283101000", now)
        token = auth.issue_token(session, user, now, 30)
    services.engine.dispose()
    return token


def run(base: str, pid: int, url: str, count: int, size: int, work: Path) -> None:
    pdf = b"%PDF-1.4\n" + b"%" * (size - 16) + b"\n%%EOF\n"
    with httpx.Client(base_url=base, timeout=300, headers={"Authorization": f"Bearer {_token(url)}"}) as client:
        health = []
        for _ in range(50):
            began = time.perf_counter()
            client.get("/healthz")
            health.append(time.perf_counter() - began)
        case = client.post("/api/v1/cases", json=case_payload()).json()
        uploads, ids = [], []
        for n in range(count):
            began = time.perf_counter()
            response = client.post(f"/api/v1/cases/{case['id']}/documents", files={"file": (f"{n}.pdf", pdf)}, data={"kind": "other"})
            uploads.append(time.perf_counter() - began)
            assert response.status_code == 201, response.text
            ids.append(response.json()["id"])
        downloads = []
        for document_id in ids[:20]:
            began = time.perf_counter()
            assert client.get(f"/api/v1/documents/{document_id}").status_code == 200
            downloads.append(time.perf_counter() - began)
        before = _peak_kib(pid)
        began = time.perf_counter()
        path = work / "archive.zip"
        with client.stream("GET", f"/api/v1/cases/{case['id']}/archive") as response, path.open("wb") as out:
            assert response.status_code == 200, response.read()
            for chunk in response.iter_bytes():
                out.write(chunk)
        archived = time.perf_counter() - began
        after = _peak_kib(pid)
    began = time.perf_counter()
    verdict = verify_archive(path)
    verified = time.perf_counter() - began
    baseline = statistics.median(health)
    print(f"baseline GET /healthz: median {baseline * 1000:.2f} ms")
    print(f"upload of {size} bytes: median {statistics.median(uploads) * 1000:.1f} ms (x{statistics.median(uploads) / baseline:.0f})")
    print(f"download: median {statistics.median(downloads) * 1000:.1f} ms (x{statistics.median(downloads) / baseline:.0f})")
    print(f"archive of {count} documents: {path.stat().st_size / 1e6:.1f} MB in {archived:.2f} s; "
          f"server peak memory {before / 1024:.0f} MiB before, {after / 1024:.0f} MiB after")
    print(f"audit verify --archive: {'ok' if verdict.ok else verdict.broken} ({verdict.events} events, "
          f"{verdict.documents} documents) in {verified:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--size", type=int, default=2_000_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        with server_process(url) as (base, process):
            run(base, process.pid, url, args.documents, args.size, Path(tmp))


if __name__ == "__main__":
    main()
