"""The completion path on its own: HTTP completion against the bare engine step, and the stored workflow.

    python benchmarks/completion.py [--cases 30] [--workers 2] [--database URL] [--profile out.txt]

Measures, side by side in one run, the figures of ``benchmarks/run.py``'s HTTP section that concern
one completion (one client, each walk right after a bare SpiffWorkflow walk): completion p50 over the
bare step's p50, the API's CPU per completion over the bare step's CPU, and the stored workflow of
each dibao case once it is in publicity. ``--profile`` also records the server with py-spy during the
walks and writes the functions that take the largest share of the samples.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an installed copy

from sqlalchemy import create_engine, text  # noqa: E402

from benchmarks import engine_step, harness, load  # noqa: E402
from benchmarks.run import DEFAULT_URL, ms, one_client, pct  # noqa: E402


def stored_sizes(url: str) -> list[int]:
    """Bytes of the stored workflow of every dibao case waiting in publicity."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT length(c.workflow) FROM cases c JOIN case_positions p ON p.case_id = c.id "
                                 "WHERE c.kind = 'dibao' AND p.element_id = 'publicity'")).scalars().all()
    engine.dispose()
    return [int(r) for r in rows]


def over_http(db: harness.BenchDatabase, cases: int, workers: int, profile: Path | None = None) -> dict[str, Any]:
    services = harness.prepared_services(db)
    token = harness.token(services, "bench-township", "township", "220283000000")
    baseline = engine_step.Baseline()
    with harness.server(db, workers) as base:
        made = load.create_cases(base, token, 0, cases, 4)
        pids = harness.children(harness.pids_of_server(base)) or [harness.pids_of_server(base)]
        spy = _py_spy(harness.pids_of_server(base), profile) if profile else None
        walk, cpu = one_client(base, token, made, baseline, pids)  # run.py's walk: the record uploads' CPU kept apart
        if spy is not None and profile is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
            profile.write_text(summarise(profile.with_suffix(".raw")))
    services.engine.dispose()
    steps = len(baseline.all())
    one = ms(walk.all())
    base_ms = ms(baseline.all())
    base_cpu = baseline.cpu_seconds / steps * 1000
    api_cpu = cpu / len(walk.all()) * 1000
    sizes = stored_sizes(db.url)
    return {
        "completion": {**one, "per_element_p50_ms": {e: round(pct(v, 0.5) * 1000, 2) for e, v in walk.per_element.items()},
                       "api_cpu_ms": round(api_cpu, 2)},
        "baseline": {**base_ms, "cpu_ms": round(base_cpu, 2), "json_bytes": baseline.json_bytes},
        "ratio_completion_to_baseline": round(one["p50_ms"] / base_ms["p50_ms"], 2),
        "ratio_cpu_to_baseline": round(api_cpu / base_cpu, 2),
        "stored_workflow_at_publicity_bytes": {"p50": int(pct(sizes, 0.5)) if sizes else None,
                                               "max": max(sizes) if sizes else None, "n": len(sizes)},
        "errors": walk.errors[:5],
    }


async def _asgi(app: Any, method: str, path: str, body: Any, token: str) -> tuple[int, Any]:
    """One request straight into the ASGI app: no socket, no HTTP parsing, the app's own work only."""
    raw = json.dumps(body).encode() if body is not None else b""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"bench"), (b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode()),
                         (b"authorization", f"Bearer {token}".encode())],
             "client": ("127.0.0.1", 1), "server": ("bench", 80)}
    sent = [{"type": "http.request", "body": raw, "more_body": False}]
    status, chunks = 0, []

    async def receive() -> Any:
        return sent.pop() if sent else {"type": "http.disconnect"}

    async def send(message: Any) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, json.loads(b"".join(chunks) or b"null")


def in_process(db: harness.BenchDatabase, cases: int) -> dict[str, Any]:
    """The walks driven straight into the app in this process, CPU time per completion beside the bare step's."""
    import asyncio

    from benchmarks.scenario import STEPS, payload
    from service.app import create_app

    services = harness.prepared_services(db)
    token = harness.token(services, "bench-township", "township", "220283000000")
    app = create_app(services=services)
    baseline = engine_step.Baseline()

    base_walks: list[float] = []  # CPU seconds of a bare walk (four steps)
    walks: list[float] = []  # CPU seconds of a walk through the app

    async def walk() -> tuple[list[float], list[float]]:
        made = [(await _asgi(app, "POST", "/api/v1/cases", payload(n), token))[1] for n in range(cases)]
        wall: list[float] = []
        cpu: list[float] = []
        for case in made:
            began_cpu = time.process_time()
            baseline.walk()
            base_walks.append(time.process_time() - began_cpu)
            for element_id, data in STEPS:
                task_id = next(t["id"] for t in case["tasks"] if t["element_id"] == element_id)
                began, began_cpu = time.perf_counter(), time.process_time()
                status, case = await _asgi(app, "POST", f"/api/v1/tasks/{task_id}/complete", {"data": data}, token)
                cpu.append(time.process_time() - began_cpu)
                wall.append(time.perf_counter() - began)
                assert status == 200, case
            walks.append(sum(cpu[-len(STEPS):]))
        return wall, cpu

    wall, cpu = asyncio.run(walk())
    services.engine.dispose()
    base_cpu = baseline.cpu_seconds / len(baseline.all())
    return {"completion_in_process": {**ms(wall), "cpu_ms": round(sum(cpu) / len(cpu) * 1000, 2)},
            "baseline": {**ms(baseline.all()), "cpu_ms": round(base_cpu * 1000, 2)},
            "ratio_wall": round(pct(wall, 0.5) / pct(baseline.all(), 0.5), 2),
            "ratio_cpu": round(sum(cpu) / len(cpu) / base_cpu, 2),
            "ratio_cpu_median_walk": round(pct(walks, 0.5) / pct(base_walks, 0.5), 2),
            "ratio_cpu_fastest_walk": round(min(walks) / min(base_walks), 2),
            "stored_workflow_at_publicity_bytes": int(pct(stored_sizes(db.url), 0.5))}


def _py_spy(pid: int, out: Path) -> subprocess.Popen[bytes]:
    spy = subprocess.Popen([str(Path(sys.executable).parent / "py-spy"), "record", "--pid", str(pid), "--subprocesses", "--rate", "250", "--gil",
                            "--format", "raw", "--output", str(out.with_suffix(".raw"))], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)  # attached before the walks start
    return spy


def summarise(raw: Path, top: int = 45) -> str:
    """Inclusive and own share of samples per function, from py-spy's collapsed stacks."""
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1] + ")" for f in stack.split(";")]
        n = int(count)
        total += n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
        own[frames[-1]] = own.get(frames[-1], 0) + n
    lines = [f"{total} samples", "inclusive:"]
    lines += [f"{100 * n / total:6.1f}%  {f}" for f, n in sorted(inclusive.items(), key=lambda x: -x[1])[:top]]
    lines += ["own:"] + [f"{100 * n / total:6.1f}%  {f}" for f, n in sorted(own.items(), key=lambda x: -x[1])[:top]]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=30, help="dibao cases walked to publicity (4 completions each)")
    parser.add_argument("--workers", type=int, default=2, help="serve --workers")
    parser.add_argument("--database", default=DEFAULT_URL, help=f"PostgreSQL URL (default {DEFAULT_URL})")
    parser.add_argument("--profile", type=Path, help="record the server with py-spy during the walks; write a summary here")
    parser.add_argument("--in-process", action="store_true", help="drive the ASGI app in this process (no server, no HTTP)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    db = harness.BenchDatabase(args.database)
    db.create()
    try:
        result = in_process(db, args.cases) if args.in_process else over_http(db, args.cases, args.workers, args.profile)
    finally:
        db.drop()
    text_out = json.dumps(result, indent=2, ensure_ascii=False)
    print(text_out)
    if args.json:
        args.json.write_text(text_out)


if __name__ == "__main__":
    main()
