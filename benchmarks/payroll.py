"""Payment roster for a county of 100,000 beneficiaries against a 1,000,000-row death register.

    .venv/bin/python -m benchmarks.payroll [--quick] [--database postgresql+psycopg://postgres@127.0.0.1:5432/test] [--json out.json]

In a schema of its own (dropped at the end) it bulk-loads, with PostgreSQL COPY, the county's
approved cases, their people and their beneficiaries (20 townships of 20 villages, dibao and tekun),
a death register of a million people (a hundred of them beneficiaries the register learnt of
without an import, so the roster's own comparison finds them) and fifty people on two benefits.
Then, in a fresh process as a county's command would run it, it measures:

- the **baseline**: the bare database work a roster cannot avoid — reading every due beneficiary of
  the county joined with the death register, streamed — measured in the same process, same run;
- **generation** (``payroll.create``: the checks, the township tasks of the hits, the rows), with
  the process's peak memory;
- **issue** (the checksum and every row into the audit chain) and the **XLSX export**;
- a **death import** of a 100,000-row file through the service (streamed, checked row by row).

Targets: generation ≤ 30 s, peak memory ≤ 500 MB. ``--quick`` is a tenth of the size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from service.clock import SHANGHAI
from service.regions.service import namer

from . import harness
from .scenario import resident_id

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
COUNTY = "220283"
MONTH = "2026-12"
SIZES = {
    "full": {"beneficiaries": 100_000, "deaths": 1_000_000, "dead_beneficiaries": 100, "duplicates": 50, "import_rows": 100_000},
    "quick": {"beneficiaries": 10_000, "deaths": 100_000, "dead_beneficiaries": 10, "duplicates": 5, "import_rows": 10_000},
}
CASE_COLUMNS = ("number", "kind", "region", "township", "status", "process_key", "process_version", "decisions", "rule_pack",
                "applicant_name", "applicant_id_number", "hukou", "household", "application", "near_relative_of_staff",
                "accepted_on", "due_on", "extended", "positions", "facts", "workflow", "serializer_version", "version",
                "audit_seq", "audit_head", "created_at", "updated_at", "closed_at")
BENEFICIARY_COLUMNS = ("case_id", "number", "kind", "region", "hukou", "applicant_name", "applicant_id_number",
                       "household_size", "recheck_class", "amount", "status", "since", "next_recheck_on", "rechecks",
                       "created_at", "updated_at", "version")
APPROVED = datetime(2026, 6, 1, 10, tzinfo=SHANGHAI)


def region(n: int) -> str:
    return f"{COUNTY}{101 + n % 20:03d}{1 + (n // 20) % 20:03d}"


def _case(n: int) -> tuple[Any, ...]:
    kind = "tekun" if n % 10 == 0 else "dibao"
    household = [] if n % 2 else [{"name": "李某", "id_number": resident_id(3 * n + 1), "relation": "spouse"}]
    return (f"{'DB' if kind == 'dibao' else 'TK'}-2026-{n + 1:07d}", kind, region(n), region(n)[:9], "approved", kind, 1, "{}",
            "shulan-2023", "张某", resident_id(3 * n), "rural", json.dumps(household, ensure_ascii=False), "{}", False,
            date(2026, 5, 1), date(2026, 6, 12), False, "[]", json.dumps({"amount": 520}), '{"stand_in": true}', "1.5", 1, 0,
            "", APPROVED, APPROVED, APPROVED)


def _beneficiary(n: int) -> tuple[Any, ...]:
    kind = "tekun" if n % 10 == 0 else "dibao"
    return (n + 1, f"{'DB' if kind == 'dibao' else 'TK'}-2026-{n + 1:07d}", kind, region(n), "rural", "张某", resident_id(3 * n),
            1 if n % 2 else 2, "C", 910 if kind == "tekun" else 520 - n % 200, "active", date(2026, 6, 1), date(2027, 6, 1), 0,
            APPROVED, APPROVED, 1)


def load(engine: Engine, size: dict[str, int]) -> None:
    """COPY the county's cases, people and beneficiaries, two-benefit people, and the death register."""
    count = size["beneficiaries"]
    dead = {(k * 997 + 11) % count for k in range(size["dead_beneficiaries"])}
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            assert cursor.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0] == 0, "a fresh schema"
            with cursor.copy(f"COPY cases ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                for n in range(count):
                    copy.write_row(_case(n))
            with cursor.copy("COPY case_people (case_id, id_number, name, relation) FROM STDIN") as copy:
                for n in range(count):
                    copy.write_row((n + 1, resident_id(3 * n), "张某", "applicant"))
                    if n % 2 == 0:
                        copy.write_row((n + 1, resident_id(3 * n + 1), "李某", "spouse"))
                for k in range(size["duplicates"]):  # the applicant of one benefit is a member of another's household
                    holder, other = (k * 1999 + 5) % count, (k * 1999 + 6) % count
                    copy.write_row((other + 1, resident_id(3 * holder), "张某", "child"))
            with cursor.copy(f"COPY beneficiaries ({', '.join(BENEFICIARY_COLUMNS)}) FROM STDIN") as copy:
                for n in range(count):
                    copy.write_row(_beneficiary(n))
            with cursor.copy("COPY death_records (id_number, name, died_on, source, imported_at) FROM STDIN") as copy:
                for n in range(size["deaths"] - len(dead)):
                    copy.write_row((resident_id(n, "110105"), "某", date(2026, 10, 1), "殡葬管理信息系统", APPROVED))
                for n in sorted(dead):
                    copy.write_row((resident_id(3 * n), "张某", date(2026, 11, 20), "殡葬管理信息系统", APPROVED))
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("cases", "case_people", "beneficiaries", "death_records"):
            conn.execute(text(f"VACUUM ANALYZE {table}"))


def baseline(engine: Engine) -> float:
    """Stream every due beneficiary of the county joined with the death register (best of three)."""
    query = text("SELECT b.id, b.case_id, b.number, b.kind, b.region, b.applicant_name, b.applicant_id_number, b.amount, "
                 "d.died_on FROM beneficiaries b LEFT JOIN death_records d ON d.id_number = b.applicant_id_number "
                 "WHERE b.region >= :low AND b.region < :high AND b.status = 'active' ORDER BY b.region, b.id")
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        with engine.connect() as conn:
            result = conn.execution_options(yield_per=2000).execute(query, {"low": COUNTY, "high": COUNTY[:-1] + str(int(COUNTY[-1]) + 1)})
            for _row in result:
                pass
        best = min(best, time.perf_counter() - started)
    return best


def _child(url: str, import_rows: int) -> dict[str, Any]:
    """Run in a fresh process: generate, issue, export, import; each timed, with the process's peak memory."""
    import resource

    from service.auth.models import User
    from service.cases.workflow import Operation
    from service.config import Settings
    from service.db import transaction
    from service.followers import build_services
    from service.payroll import export
    from service.payroll import service as payroll
    from service.registers.deaths import import_deaths

    services = build_services(Settings(database_url=url, timers_in_server=False))
    user = User(name="bench", role="admin", region="000000000000")
    figures: dict[str, Any] = {}

    def peak_mb() -> float:
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

    figures["rss_start_mb"] = peak_mb()
    started = time.perf_counter()
    with transaction(services.sessions) as session:
        p = payroll.create(Operation(services, session, services.clock.now(), "bench"), user, COUNTY, MONTH)
        figures.update(rows=p.row_count, held=p.held_count, total=p.total, payroll_id=p.id)
    figures["generate_s"] = round(time.perf_counter() - started, 2)
    figures["rss_after_generate_mb"] = peak_mb()
    started = time.perf_counter()
    with transaction(services.sessions) as session:
        payroll.issue(Operation(services, session, services.clock.now(), "bench"), user, figures["payroll_id"])
    figures["issue_s"] = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with services.sessions() as session:
        p = payroll.load(session, user, figures["payroll_id"])
        with export.xlsx_file(p, payroll.rows(session, p, None), user.role, namer(session)) as out:
            figures["xlsx_bytes"] = len(out.read())
    figures["xlsx_s"] = round(time.perf_counter() - started, 2)
    with tempfile.NamedTemporaryFile("w", suffix=".csv", encoding="utf-8", delete=False) as file:
        file.write("id_number,name,died_on,source\n")
        for n in range(import_rows):
            file.write(f"{resident_id(n, '110108')},某,2026-10-01,殡葬管理信息系统\n")
    started = time.perf_counter()
    with transaction(services.sessions) as session, open(file.name, encoding="utf-8") as lines:
        imported = import_deaths(Operation(services, session, services.clock.now(), "bench"), lines)
    figures["import_s"] = round(time.perf_counter() - started, 2)
    figures["imported"] = imported.imported
    os.unlink(file.name)
    figures["rss_peak_mb"] = peak_mb()
    services.engine.dispose()
    return figures


def run(url: str, mode: str) -> dict[str, Any]:
    size = SIZES[mode]
    db = harness.BenchDatabase(url)
    db.create()
    try:
        services = harness.prepared_services(db)
        started = time.perf_counter()
        load(services.engine, size)
        loaded = round(time.perf_counter() - started, 1)
        base = baseline(services.engine)
        services.engine.dispose()
        child = subprocess.run([sys.executable, "-m", "benchmarks.payroll", "--child", db.url, str(size["import_rows"])],
                               cwd=harness.ROOT, capture_output=True, text=True, check=True, env=db.env())
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        result = {"mode": mode, "size": size, "load_s": loaded, "baseline_s": round(base, 2), **figures,
                  "ratio_generate_to_baseline": round(figures["generate_s"] / base, 1),
                  "targets": [
                      {"figure": "generation", "value": figures["generate_s"], "unit": "s", "target": 30,
                       "met": figures["generate_s"] <= 30},
                      {"figure": "peak memory", "value": figures["rss_peak_mb"], "unit": "MB", "target": 500,
                       "met": figures["rss_peak_mb"] <= 500}]}
        return result
    finally:
        db.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size")
    parser.add_argument("--database", default=DEFAULT_URL, help=f"PostgreSQL URL (default {DEFAULT_URL})")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--child", nargs=2, metavar=("URL", "IMPORT_ROWS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.child[0], int(args.child[1])), default=str))
        return
    result = run(args.database, "quick" if args.quick else "full")
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
