"""The jiuzhu command as a new user runs it (a real subprocess on a fresh SQLite file)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def jiuzhu(tmp_path: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JIUZHU_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "service.cli", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_migrate_user_add_prints_the_token_last_and_audit_verifies(tmp_path: Path) -> None:
    assert "up to date" in jiuzhu(tmp_path, "migrate").stdout
    out = jiuzhu(tmp_path, "user", "add", "wang", "--role", "township", "--region", "220283101000").stdout
    token = out.strip().splitlines()[-1]
    assert token.startswith("jz_") and len(token) > 30
    with sqlite3.connect(tmp_path / "cli.db") as db:
        stored = db.execute("select token_hash from api_tokens").fetchone()[0]
    assert token not in stored
    again = jiuzhu(tmp_path, "user", "add", "wang", "--role", "township", "--region", "220283101000", check=False)
    assert again.returncode == 1 and again.stdout.strip() == ("User wang already exists; nothing was changed. "
                                                              "For a new token: jiuzhu user token wang")
    assert jiuzhu(tmp_path, "user", "token", "wang").stdout.strip().splitlines()[-1].startswith("jz_")
    bad = jiuzhu(tmp_path, "user", "add", "x", "--role", "king", "--region", "22028310100", check=False)
    assert bad.returncode == 1 and "Refused: Role must be one of village" in bad.stderr
    assert "{" not in bad.stderr and "[" not in bad.stderr.replace("[red]", "")
    missing = jiuzhu(tmp_path, "user", "token", "nobody", check=False)
    assert missing.returncode == 1 and "Refused: No user 'nobody'." in missing.stderr
    assert jiuzhu(tmp_path, "--version").stdout.strip() == "jiuzhu 1.0.0"
    assert jiuzhu(tmp_path, "user", "revoke", "wang").stdout.startswith("revoked 2")
    assert jiuzhu(tmp_path, "audit", "verify").stdout.splitlines()[-1] == "ok"


def test_audit_verify_fails_on_a_tampered_log(tmp_path: Path) -> None:
    jiuzhu(tmp_path, "demo")
    assert jiuzhu(tmp_path, "audit", "verify").stdout.splitlines()[-1] == "ok"
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("drop trigger audit_events_no_update")  # an intruder with the file can lift the guard
        db.execute("update audit_events set data = '{\"forged\": true}' where id = 3")
    result = jiuzhu(tmp_path, "audit", "verify", check=False)
    assert result.returncode != 0 and "event 3" in result.stdout


def test_demo_seeds_cases_at_several_stages_and_prints_tokens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # a narrow terminal must not cut a token or a command in two
    out = jiuzhu(tmp_path, "demo").stdout
    command = re.search(r"curl -H 'Authorization: Bearer (jz_[\w-]{40,})' http://\S+/api/v1/tasks$", out, re.M)
    assert command, out
    assert any("demo-township" in line and command[1] in line for line in out.splitlines()), out
    with sqlite3.connect(tmp_path / "cli.db") as db:
        statuses = dict(db.execute("select status, count(*) from cases group by status").fetchall())
        positions = {r[0] for r in db.execute("select element_id from case_positions")}
    assert statuses == {"active": 8, "approved": 1}  # the stage-late scene needs a stage limit, which shulan-2023 does not set
    assert {"accept", "home_visit", "publicity", "confirm", "paperwork_deadline", "review"} <= positions
    with sqlite3.connect(tmp_path / "cli.db") as db:
        kinds = {r[0] for r in db.execute("select kind from cases")}
        overdue = db.execute("select count(*) from audit_events where type = 'case.overdue'").fetchone()[0]
    assert kinds == {"dibao", "tekun", "linshi"} and overdue == 1
    for page in ("/supervision   (county) jz_", "/designer   (designer) jz_", "/docs   (admin) jz_", "/view   (township) jz_"):
        assert page in out, (page, out)
    again = jiuzhu(tmp_path, "demo").stdout
    assert "demo users already exist" in again and "demo cases already exist (9): none added" in again
    with sqlite3.connect(tmp_path / "cli.db") as db:
        assert db.execute("select count(*) from cases").fetchone()[0] == 9


def test_deploy_refuses_a_broken_diagram_with_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bpmn"
    bad.write_text("<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL'/>")
    result = jiuzhu(tmp_path, "deploy", str(bad), check=False)
    assert result.returncode == 1 and "no executable process" in result.stderr
    assert "unchanged" in jiuzhu(tmp_path, "deploy", str(ROOT / "processes" / "dibao.bpmn")).stdout


def test_rules_lists_which_pack_governs_which_prefix_and_from_when(tmp_path: Path) -> None:
    out = jiuzhu(tmp_path, "rules").stdout
    lines = {line.split("│")[1].strip(): line for line in out.splitlines() if line.count("│") > 5}
    assert "shulan-2023@2" in lines["220283"] and "2023-07-28" in lines["220283"] and "乡镇" in lines["220283"]
    assert "naiman-2022@1" in lines["150525"] and "县级" in lines["150525"] and "50000" in lines["150525"]
    default = next(line for prefix, line in lines.items() if prefix.startswith("（默认）"))
    assert "national-2021@2" in default and "县级" in default


def test_deaths_import_and_a_roster_from_the_command_line(tmp_path: Path) -> None:
    from stdnum.cn import ric

    def person(seq: int) -> str:
        body = f"22028319400101{seq:03d}"
        return body + ric.calc_check_digit(body + "0")

    good = tmp_path / "deaths.csv"
    good.write_text(f"id_number,name,died_on,source\n{person(1)},甲,2026-10-01,殡仪馆\n{person(2)},乙,2026-10-02,殡仪馆\n",
                    encoding="utf-8-sig")
    jiuzhu(tmp_path, "migrate")
    assert "imported 2, already known 0" in jiuzhu(tmp_path, "deaths", "import", str(good)).stdout
    assert "imported 0, already known 2" in jiuzhu(tmp_path, "deaths", "import", str(good)).stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(f"id_number,name,died_on,source\n{person(3)},丙,2026-10-01,殡仪馆\n{person(4)[:-1]}0,丁,2026-10-01,x\n")
    refused = jiuzhu(tmp_path, "deaths", "import", str(bad), check=False)
    assert refused.returncode == 1 and "line 3" in refused.stderr
    assert "already known 2" in jiuzhu(tmp_path, "deaths", "import", str(good)).stdout  # nothing of the bad file kept
    made = jiuzhu(tmp_path, "payroll", "generate", "--month", "2026-12", "--county", "220283").stdout
    roster = re.search(r"roster (\d+): 220283 2026-12 regular draft, 0 rows", made)
    assert roster, made
    assert "issued" in jiuzhu(tmp_path, "payroll", "issue", roster.group(1)).stdout
    again = jiuzhu(tmp_path, "payroll", "generate", "--month", "2026-12", "--county", "220283", check=False)
    assert again.returncode == 1 and "already issued" in again.stderr
    assert jiuzhu(tmp_path, "audit", "verify").stdout.splitlines()[-1] == "ok"
