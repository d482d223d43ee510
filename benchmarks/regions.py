"""The region register: seeding the county-level names, importing a province's villages, looking names up.

    .venv/bin/python -m benchmarks.regions [--rows 150000] [--database postgresql+psycopg://postgres@127.0.0.1:5432/test] [--json out.json]

In a schema of its own (dropped at the end) it measures:

- **seed**: the ~6,900 province, prefecture and county names (current and abolished) from ``python-stdnum`` into an empty register;
- **import**: a ``code,name`` file of ``--rows`` townships and villages (300 townships of up to 499
  villages each), as ``jiuzhu regions import`` runs it, then the same file again (every row unchanged);
- **lookup**: the names and labels of 200 village codes, cold (a fresh stamp: every code read from the
  database) and warm (from this process's cache: one read of the stamp).

With no ``--database`` it runs on a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from service.config import Settings
from service.db import transaction
from service.followers import build_services
from service.regions import service as regions
from service.regions.imports import import_regions
from service.regions.seed import seed, touch
from service.startup import upgrade

from .harness import BenchDatabase


def write_file(path: Path, rows: int) -> list[str]:
    """The file, and every village code in it."""
    villages: list[str] = []
    with path.open("w", encoding="utf-8") as out:
        out.write("code,name\n")
        written = 0
        for township in range(1, 301):
            out.write(f"220283{township:03d},第{township}镇\n")
            written += 1
            for village in range(1, 500):
                if written >= rows:
                    return villages
                code = f"220283{township:03d}{village:03d}"
                out.write(f"{code},第{township}镇第{village}村\n")
                villages.append(code)
                written += 1
    return villages


def measure(url: str, rows: int) -> dict[str, Any]:
    upgrade(url)
    services = build_services(Settings(database_url=url, timers_in_server=False))
    figures: dict[str, Any] = {"rows": rows}
    started = time.perf_counter()
    with transaction(services.sessions) as session:
        figures["seeded"] = seed(session, services.clock.now())
    figures["seed_s"] = round(time.perf_counter() - started, 2)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "villages.csv"
        villages = write_file(path, rows)
        for run in ("import", "import_again"):
            started = time.perf_counter()
            with transaction(services.sessions) as session, path.open("rb") as stream:
                result = import_regions(session, stream, services.clock.now())
            figures[f"{run}_s"] = round(time.perf_counter() - started, 2)
            figures[f"{run}_result"] = vars(result)
    wanted = villages[:: max(1, len(villages) // 200)][:200]
    with transaction(services.sessions) as session:
        touch(session, services.clock.now())  # a fresh stamp: nothing cached
    for run in ("lookup_cold", "lookup_warm"):
        started = time.perf_counter()
        with services.sessions() as session:
            labels = regions.labels(session, wanted)
        figures[f"{run}_ms"] = round((time.perf_counter() - started) * 1000, 1)
    figures["example"] = labels[wanted[-1]]
    services.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=150_000, help="townships and villages in the file (at most 150,000)")
    parser.add_argument("--database", help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    if args.database:
        db = BenchDatabase(args.database)
        db.create()
        try:
            figures = measure(db.url, args.rows)
        finally:
            db.drop()
    else:
        with tempfile.TemporaryDirectory() as folder:
            figures = measure(f"sqlite:///{folder}/regions.db", args.rows)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
