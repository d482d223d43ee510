"""``jiuzhu regions import`` as a county's administrator runs it: a real subprocess on a fresh SQLite file."""

from __future__ import annotations

from pathlib import Path

from ..test_cli import jiuzhu


def test_import_refuses_a_bad_line_then_imports_once_and_show_prints_the_chain(tmp_path: Path) -> None:
    assert "region names seeded" in jiuzhu(tmp_path, "migrate").stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\n220283101,溪河镇\n220283101001,红星村\n22028310100x,错码\n", encoding="utf-8")
    refused = jiuzhu(tmp_path, "regions", "import", str(bad), check=False)
    assert refused.returncode == 1 and "line 4" in refused.stderr and "Traceback" not in refused.stderr
    shown = jiuzhu(tmp_path, "regions", "show", "220283101001").stdout
    assert shown.strip() == "220283101001\t220283101001\t吉林省 吉林市 舒兰市 220283101001"  # nothing of the bad file kept
    good = tmp_path / "good.csv"
    good.write_text("code,name\n220283101,溪河镇\n220283101001,红星村\n", encoding="utf-8")
    assert jiuzhu(tmp_path, "regions", "import", str(good)).stdout.strip() == "added 2, renamed 0, unchanged 0"
    assert jiuzhu(tmp_path, "regions", "import", str(good)).stdout.strip() == "added 0, renamed 0, unchanged 2"
    shown = jiuzhu(tmp_path, "regions", "show", "220283101001", "150525").stdout.splitlines()
    assert shown == ["220283101001\t红星村\t吉林省 吉林市 舒兰市 溪河镇 红星村", "150525\t奈曼旗\t内蒙古自治区 通辽市 奈曼旗"]
