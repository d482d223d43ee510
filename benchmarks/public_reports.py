"""A burst of public reports from one client, against a served app, as ratios to ``GET /healthz`` in the same run.

    .venv/bin/python -m benchmarks.public_reports [--burst 1000] [--database-url URL]

Starts ``jiuzhu serve`` on a fresh SQLite file (or the given database), then sends, one after another
from one client: ``burst`` health checks (the baseline), ``burst`` public reports (the first few are
taken, the rest refused with 429), and ``burst`` status lookups. It prints the median and 95th
percentile of each as a ratio to the baseline's, and how many answers were 202, 429 and other.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from tests.serving import running_server

REPORT = {"region": "220283101001", "subject": "低保户新购轿车", "text": "某村某户今年新购轿车一辆，仍在领取低保。"}


def _timed(client: httpx.Client, method: str, url: str, **kwargs: object) -> tuple[float, int]:
    start = time.perf_counter()
    status = client.request(method, url, **kwargs).status_code  # type: ignore[arg-type]
    return time.perf_counter() - start, status


def run(base: str, burst: int) -> None:
    with httpx.Client(base_url=base, timeout=30) as client:
        health = [_timed(client, "GET", "/healthz")[0] for _ in range(burst)]
        reports = [_timed(client, "POST", "/api/v1/public/reports", json=REPORT) for _ in range(burst)]
        receipt = client.post("/api/v1/public/reports", json=REPORT)
        lookups = [_timed(client, "GET", "/api/v1/public/reports/JB-0000-0000-0000-0000")[0] for _ in range(burst)]
        alive = client.get("/healthz").status_code
    base_median, base_p95 = statistics.median(health), statistics.quantiles(health, n=20)[-1]
    refused = [t for t, s in reports if s == 429]
    print(f"baseline GET /healthz: median {base_median * 1000:.2f} ms, p95 {base_p95 * 1000:.2f} ms ({burst} requests)")
    for label, times in (("POST /public/reports answered 429", refused),
                         ("POST /public/reports answered 202", [t for t, s in reports if s == 202]),
                         ("GET /public/reports/{receipt} (404)", lookups)):
        if len(times) >= 2:
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 20 else max(times)
            print(f"{label}: median x{statistics.median(times) / base_median:.1f}, p95 x{p95 / base_p95:.1f} ({len(times)})")
    print(f"statuses of the burst: {dict(Counter(s for _, s in reports))}; after it /healthz {alive}, "
          f"one more report {receipt.status_code}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        with running_server(url) as base:
            run(base, args.burst)


if __name__ == "__main__":
    main()
