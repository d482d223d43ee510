"""Jiuzhu's benchmark: every figure the performance targets name, measured in one run.

    python benchmarks/run.py [--quick] [--database URL] [--json out.json]

Everything happens in a schema of its own in the given PostgreSQL database (dropped at the end):
the bare SpiffWorkflow step (the baseline), HTTP completion latency with one client and throughput
with 16 against ``jiuzhu serve --workers 2``, completion latency at an offered (open-loop) load of
100 completions/s, the stored workflow of a case at publicity, timer lateness and a 10,000-timer
burst with two ``jiuzhu worker`` processes, their memory, and the overdue queries on a bulk-loaded
million cases. The first table gives every figure of the performance targets with its target and
whether it is met; ``--quick`` runs smaller sizes (and says which targets it scales).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an installed copy

from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn  # noqa: E402
from rich.table import Table  # noqa: E402

from benchmarks import bulk, engine_step, harness, load, openloop, queries, timers  # noqa: E402
from service.clock import local_date  # noqa: E402

DEFAULT_URL = os.environ.get("JIUZHU_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZES = {
    "full": {"latency": 100, "throughput": 500, "late": 300, "window": 30, "burst": 10_000,
             "cases": 1_000_000, "open": 100_000, "repeat": 100, "offered_rate": 100, "offered_seconds": 30},
    "quick": {"latency": 30, "throughput": 100, "late": 60, "window": 10, "burst": 1_000,
              "cases": 100_000, "open": 10_000, "repeat": 30, "offered_rate": 100, "offered_seconds": 10},
}
SUPERVISION = "GET /api/v1/supervision/overdue, county"
BURST_TARGET_S_PER_10K = 8.0  # the figure: 10,000 timers in 8 s, scaled to the burst's size
console = Console()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50_ms": float("nan"), "p95_ms": float("nan"), "n": 0}
    return {"p50_ms": round(pct(values, 0.5) * 1000, 2), "p95_ms": round(pct(values, 0.95) * 1000, 2), "n": len(values)}


def bar(description: str, total: int) -> tuple[Progress, Any]:
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console)
    return progress, progress.add_task(description, total=total)


def one_client(base: str, token: str, cases: list[dict[str, Any]], baseline: engine_step.Baseline,
                server_pids: list[int]) -> tuple[load.Walk, float]:
    """One client walks the cases, each walk right after a bare walk, so both see the same machine."""
    client, walk, cpu = load.Client(base, token), load.Walk(server_pids=server_pids), 0.0
    for case in cases:
        baseline.walk()
        before = harness.cpu_seconds(server_pids)
        load.walk_case(client, case, walk)
        cpu += harness.cpu_seconds(server_pids) - before
    client.close()
    return walk, cpu - walk.upload_cpu  # completions only: the home visit's record upload is not a completion


def http_section(base: str, tokens: dict[str, str], size: dict[str, int], baseline: engine_step.Baseline) -> dict[str, Any]:
    offered = openloop.cases_needed(size["offered_rate"], size["offered_seconds"])
    count = size["latency"] + size["throughput"] + offered
    progress, task = bar("creating cases over HTTP", count)
    with progress:
        made = load.create_cases(base, tokens["township"], 0, count, 8, lambda n: progress.advance(task, n))
    server_pids = harness.children(harness.pids_of_server(base))
    single, api_cpu = one_client(base, tokens["township"], made[: size["latency"]], baseline, server_pids)
    before = (harness.cpu_seconds(server_pids), time.process_time())
    many, seconds = load.complete_cases(base, tokens["township"], made[size["latency"]:size["latency"] + size["throughput"]], 16)
    after = (harness.cpu_seconds(server_pids), time.process_time())
    console.print(f"offered load: {size['offered_rate']} completions/s for {size['offered_seconds']} s (open loop)")
    sent = openloop.offered_load(base, tokens["township"], made[-offered:], size["offered_rate"], size["offered_seconds"])
    done = len(many.all())
    completions = len(single.all())
    return {
        "one_client": {**ms(single.all()), "per_element_p50_ms": {e: round(pct(v, 0.5) * 1000, 2) for e, v in single.per_element.items()},
                       "api_cpu_ms_per_completion": round(api_cpu / completions * 1000, 2)},
        "sixteen_clients": {"completions_per_s": round(done / seconds, 1), **ms(many.all()),
                            "cpu_ms_per_completion": {"api": round((after[0] - before[0]) / done * 1000, 2),
                                                      "load_generator": round((after[1] - before[1]) / done * 1000, 2)}},
        "offered": {"rate_per_s": sent.rate, "seconds": sent.seconds, **ms(sent.latencies),
                    "max_ms": round(max(sent.latencies, default=0) * 1000, 2), "starved": sent.starved,
                    "generator_behind_ms": round(sent.behind_s * 1000, 2)},
        "errors": (single.errors + many.errors + sent.errors)[:5],
    }


def timer_section(db: harness.BenchDatabase, services: Any, size: dict[str, int]) -> dict[str, Any]:
    late = timers.lateness(db, services, size["late"], size["window"])
    progress, task = bar(f"copying a case in publicity {size['burst']:,} times", size["burst"])
    with progress:
        burst = timers.burst(db, size["burst"], lambda n: progress.advance(task, n))
    return {"lateness": {**{k: v for k, v in late.items() if k != "seconds"},
                         "p50_s": round(pct(late["seconds"], 0.5), 3), "p95_s": round(pct(late["seconds"], 0.95), 3),
                         "max_s": round(max(late["seconds"]), 3), "n": len(late["seconds"])},
            "burst": {**burst, "seconds": round(burst["seconds"], 2)}}


def query_section(db: harness.BenchDatabase, services: Any, base: str, tokens: dict[str, str], size: dict[str, int]) -> dict[str, Any]:
    caseload = bulk.Caseload(size["cases"], size["open"], local_date(services.clock.now()))
    progress, task = bar(f"loading {size['cases']:,} cases with COPY", size["cases"])
    began = time.perf_counter()
    with progress:
        bulk.load(services.engine, caseload, lambda n: progress.advance(task, n))
    loaded = time.perf_counter() - began
    measured = {**queries.service_level(services, size["repeat"]), **queries.over_http(base, tokens, size["repeat"])}
    return {"cases": size["cases"], "open": size["open"], "load_seconds": round(loaded, 1),
            "queries": {name: (ms(values) if values else None) for name, values in measured.items()}}


def stored_workflow(services: Any) -> dict[str, Any]:
    """A dibao case walked to publicity through the service: its workflow column, as stored."""
    from sqlalchemy import text

    case_id = timers.publicity_case(services, services.clock.now(), 900_002)
    with services.engine.connect() as conn:
        row = conn.execute(text("SELECT octet_length(workflow), pg_column_size(workflow) FROM cases WHERE id = :id"),
                           {"id": case_id}).one()
    return {"bytes": int(row[0]), "stored_bytes": int(row[1])}


def targets(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Every figure of the performance targets (issue 18), then the earlier ones the run kept."""
    many, sent = result["http"]["sixteen_clients"], result["http"]["offered"]
    timer, found = result["timers"], result["overdue"]["queries"]
    cases = result["overdue"]["cases"]
    burst = timer["burst"]
    burst_goal = round(BURST_TARGET_S_PER_10K * burst["count"] / 10_000, 2)
    supervision = found.get(SUPERVISION) or {"p95_ms": float("nan")}
    worst_query = max(q["p95_ms"] for q in found.values() if q)
    rows = [
        ("completion p50 ÷ bare engine step p50", result["ratio_completion_to_baseline"], 2, "×", "≤"),
        ("API CPU per completion ÷ bare step CPU", result["ratio_cpu_to_baseline"], 1.5, "×", "≤"),
        ("completions/s, 16 clients, serve --workers 2", many["completions_per_s"], 300, "/s", "≥"),
        (f"completion p95 at an offered load of {sent['rate_per_s']}/s (open loop)", sent["p95_ms"], 50, "ms", "≤"),
        ("timer lateness p95", timer["lateness"]["p95_s"], 0.2, "s", "≤"),
        ("timer lateness max", timer["lateness"]["max_s"], 0.5, "s", "≤"),
        (f"{burst['count']:,} timers due at once, two workers", round(burst["seconds"], 2), burst_goal, "s", "≤"),
        (f"county supervision list p95, {cases:,} cases", supervision["p95_ms"], 40, "ms", "≤"),
        ("stored workflow, dibao case at publicity (JSON)", round(result["workflow"]["bytes"] / 1024, 1), 8, "KB", "≤"),
        (f"slowest overdue query p95 (of {sum(1 for q in found.values() if q)}), {cases:,} cases", worst_query, 50, "ms", "≤"),
        ("timer worker peak RSS", round(max(burst["peak_rss_mb"]), 1), 200, "MB", "≤"),
    ]
    return [{"figure": name, "value": value, "target": f"{op} {goal} {unit}", "unit": unit,
             "met": value <= goal if op == "≤" else value >= goal} for name, value, goal, unit, op in rows]


def show(result: dict[str, Any]) -> None:
    table = Table(title=f"Jiuzhu benchmark ({result['mode']}, {result['machine']['cores']} cores)")
    for column in ("figure", "value", "target", "met"):
        table.add_column(column)
    for row in result["targets"]:
        table.add_row(row["figure"], f"{row['value']:,} {row['unit']}", row["target"], "yes" if row["met"] else "[red]NO[/red]")
    console.print(table)
    details = Table(title="details")
    details.add_column("what")
    details.add_column("value")
    details.add_row("bare engine step p50 / p95 (baseline)", f"{result['baseline']['p50_ms']} / {result['baseline']['p95_ms']} ms "
                    f"(CPU {result['baseline']['cpu_ms']} ms; workflow JSON {result['baseline']['json_bytes']:,} bytes)")
    details.add_row("API CPU per completion, one client", f"{result['http']['one_client']['api_cpu_ms_per_completion']} ms "
                    f"({result['ratio_cpu_to_baseline']}× the bare step's CPU)")
    details.add_row("completion p50 / p95, one client", f"{result['http']['one_client']['p50_ms']} / {result['http']['one_client']['p95_ms']} ms")
    many = result["http"]["sixteen_clients"]
    details.add_row("16 clients p50 / p95", f"{many['p50_ms']} / {many['p95_ms']} ms")
    sent = result["http"]["offered"]
    details.add_row(f"offered {sent['rate_per_s']}/s for {sent['seconds']} s: p50 / p95 / max",
                    f"{sent['p50_ms']} / {sent['p95_ms']} / {sent['max_ms']} ms (n={sent['n']}, starved {sent['starved']}, "
                    f"generator behind ≤ {sent['generator_behind_ms']} ms)")
    details.add_row("stored workflow at publicity", f"{result['workflow']['bytes']:,} bytes ({result['workflow']['stored_bytes']:,} as stored)")
    burst = result["timers"]["burst"]
    details.add_row("timer burst", f"{burst['count']:,} in {burst['seconds']} s "
                    f"(target scaled from {BURST_TARGET_S_PER_10K} s per 10,000)")
    details.add_row("CPU per completion", ", ".join(f"{k} {v} ms" for k, v in many["cpu_ms_per_completion"].items()))
    late = result["timers"]["lateness"]
    details.add_row("timer lateness p50 / p95 / max", f"{late['p50_s']} / {late['p95_s']} / {late['max_s']} s (n={late['n']})")
    for name, q in result["overdue"]["queries"].items():
        details.add_row(name, f"p50 {q['p50_ms']} ms, p95 {q['p95_ms']} ms" if q else "not in this build")
    console.print(details)


def run(url: str, mode: str) -> dict[str, Any]:
    size = SIZES[mode]
    db = harness.BenchDatabase(url)
    db.create()
    try:
        services = harness.prepared_services(db)
        tokens = {"township": harness.token(services, "bench-township", "township", "220283000000"),
                  "county": harness.token(services, "bench-county", "county", queries.COUNTY),
                  "admin": harness.token(services, "bench-admin", "admin", "000000000000")}
        baseline = engine_step.Baseline()
        result: dict[str, Any] = {"mode": mode}
        with harness.server(db, 2) as base:
            console.print("[bold]HTTP[/bold]: one client (each walk beside a bare SpiffWorkflow walk), then 16 clients, "
                          "against serve --workers 2")
            result["http"] = http_section(base, tokens, size, baseline)
            result["workflow"] = stored_workflow(services)
            steps = len(baseline.all())
            result["baseline"] = {**ms(baseline.all()), "cpu_ms": round(baseline.cpu_seconds / steps * 1000, 2),
                                  "json_bytes": baseline.json_bytes}
            console.print("[bold]timers[/bold]: lateness, then the burst")
            result["timers"] = timer_section(db, services, size)
            console.print("[bold]overdue queries[/bold]")
            result["overdue"] = query_section(db, services, base, tokens, size)
        result["ratio_completion_to_baseline"] = round(result["http"]["one_client"]["p50_ms"] / result["baseline"]["p50_ms"], 2)
        result["ratio_cpu_to_baseline"] = round(result["http"]["one_client"]["api_cpu_ms_per_completion"] / result["baseline"]["cpu_ms"], 2)
        result["machine"] = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
        result["targets"] = targets(result)
        services.engine.dispose()
        return result
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes (a few minutes): 100,000 cases, 1,000 timers (the burst target scaled to 0.8 s)")
    parser.add_argument("--database", default=DEFAULT_URL, help=f"PostgreSQL URL (default {DEFAULT_URL})")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    result = run(args.database, "quick" if args.quick else "full")
    show(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
        console.print(f"figures written to {args.json}")


if __name__ == "__main__":
    main()
