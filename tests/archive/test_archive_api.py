"""The household archive (一户一档): its contents, kept on archiving, and re-verified offline."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app

from ..factories import ELIGIBLE, JPEG, PDF, TO_PUBLICITY, Api, approve, case_payload


def _archive(api: Api, case_id: int, role: str = "township", region: str | None = None) -> zipfile.ZipFile:
    response = api.client.get(f"/api/v1/cases/{case_id}/archive", headers=api.headers(role, region))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def approve_to_publicity(api: Api, case_id: int) -> None:
    api.walk(case_id, [*TO_PUBLICITY[:-1], ("review", {**ELIGIBLE, "monthly_amount": 860})])


def _verify(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", "--archive", str(path)])
    return result.exit_code, result.output


def _rewrite(source: zipfile.ZipFile, target: Path, changes: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(target, "w") as out:
        for name in source.namelist():
            out.writestr(name, changes.get(name, source.read(name)))
    return target


def test_the_archive_holds_summary_documents_and_the_audit_chain(api: Api) -> None:
    case = approve(api)
    archive = _archive(api, case["id"])
    names = archive.namelist()
    assert {"summary.pdf", "audit.jsonl", "manifest.json"} <= set(names)
    assert archive.read("summary.pdf").startswith(b"%PDF-")
    documents = [n for n in names if n.startswith("documents/")]
    assert len(documents) == 1 and documents[0].startswith("documents/home_visit_record-")
    assert archive.read(documents[0]) == PDF
    events = [json.loads(line) for line in archive.read("audit.jsonl").decode().splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    assert {"case.created", "document.added", "task.completed", "case.closed"} <= {e["type"] for e in events}
    assert all(len(e["hash"]) == 64 for e in events)
    assert events[0]["prev_hash"] == "" and all(b["prev_hash"] == a["hash"] for a, b in zip(events, events[1:], strict=False))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["case_number"] == case["number"] and manifest["audit_head"]["seq"] == events[-1]["seq"]


def test_the_summary_is_chinese_text_with_every_decision(api: Api) -> None:
    case = approve(api)
    pdf = _archive(api, case["id"]).read("summary.pdf")
    assert b"/STSong-Light" in pdf and b"UniGB-UCS2-H" in pdf  # the CID font: Chinese text without a font file
    assert len(pdf) > 3000


def test_completing_the_archive_task_keeps_the_archive_as_a_document(api: Api, tmp_path: Path) -> None:
    case = approve(api)
    listed = api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=api.headers()).json()
    kept = [d for d in listed if d["kind"] == "archive"]
    assert len(kept) == 1 and kept[0]["content_type"] == "application/zip" and kept[0]["kind_label"] == "一户一档"
    village = api.headers("village")  # the archive holds every ID number in full: not for the village
    assert api.client.get(f"/api/v1/documents/{kept[0]['id']}", headers=village).status_code == 404
    assert "archive" not in {d["kind"] for d in api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=village).json()}
    response = api.client.get(f"/api/v1/documents/{kept[0]['id']}", headers=api.headers("county"))
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == kept[0]["sha256"]
    path = tmp_path / "kept.zip"
    path.write_bytes(response.content)
    assert _verify(path)[0] == 0
    names = zipfile.ZipFile(path).namelist()
    assert "summary.pdf" in names and not [n for n in names if n.startswith("documents/archive-")]
    added = [e for e in api.history(case["id"]) if e["type"] == "document.added" and e["data"]["kind"] == "archive"]
    assert added[-1]["data"]["sha256"] == kept[0]["sha256"]


def test_audit_verify_archive_says_ok_for_an_untouched_archive(api: Api, tmp_path: Path) -> None:
    case = api.create()
    api.upload(case["id"], JPEG, kind="application")
    path = tmp_path / "a.zip"
    path.write_bytes(api.client.get(f"/api/v1/cases/{case['id']}/archive", headers=api.headers()).content)
    code, output = _verify(path)
    assert code == 0, output
    assert output.strip().splitlines()[-1] == "ok"


def test_a_changed_event_is_named(api: Api, tmp_path: Path) -> None:
    case = approve(api)
    archive = _archive(api, case["id"])
    lines = archive.read("audit.jsonl").decode().splitlines()
    events = [json.loads(line) for line in lines]
    target = next(e for e in events if e["type"] == "task.completed" and e["element_id"] == "confirm")
    target["data"]["data"]["amount"] = 5000
    lines[target["seq"] - 1] = json.dumps(target, ensure_ascii=False)
    code, output = _verify(_rewrite(archive, tmp_path / "t.zip", {"audit.jsonl": ("\n".join(lines) + "\n").encode()}))
    assert code == 1
    assert f"event #{target['seq']} (task.completed" in output and "hash does not match" in output


def test_a_removed_last_event_is_found(api: Api, tmp_path: Path) -> None:
    case = approve(api)
    archive = _archive(api, case["id"])
    lines = archive.read("audit.jsonl").decode().splitlines()
    code, output = _verify(_rewrite(archive, tmp_path / "t.zip", {"audit.jsonl": ("\n".join(lines[:-1]) + "\n").encode()}))
    assert code == 1 and "manifest" in output


def test_a_changed_document_is_named(api: Api, tmp_path: Path) -> None:
    case = api.create()
    uploaded = api.upload(case["id"], JPEG, kind="application")
    archive = _archive(api, case["id"])
    name = f"documents/application-{uploaded['id']}.jpg"
    code, output = _verify(_rewrite(archive, tmp_path / "t.zip", {name: JPEG.replace(b"JFIF", b"JFIX")}))
    assert code == 1 and name in output and "SHA-256" in output


def test_a_missing_or_added_document_is_named(api: Api, tmp_path: Path) -> None:
    case = api.create()
    uploaded = api.upload(case["id"], JPEG, kind="application")
    archive = _archive(api, case["id"])
    name = f"documents/application-{uploaded['id']}.jpg"
    with zipfile.ZipFile(tmp_path / "missing.zip", "w") as out:
        for member in archive.namelist():
            if member != name:
                out.writestr(member, archive.read(member))
    code, output = _verify(tmp_path / "missing.zip")
    assert code == 1 and uploaded["id"] in output and "missing" in output
    extra = f"documents/other-{'a' * 32}.pdf"
    code, output = _verify(_added(archive, tmp_path / "extra.zip", extra))
    assert code == 1 and extra in output


def _added(source: zipfile.ZipFile, target: Path, name: str) -> Path:
    _rewrite(source, target, {})
    with zipfile.ZipFile(target, "a") as out:
        out.writestr(name, PDF)
    return target


def test_not_a_zip_is_broken_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    code, output = _verify(path)
    assert code == 1 and "BROKEN" in output


def test_the_archive_is_for_township_and_county_in_their_region(api: Api) -> None:
    case = api.create()
    assert _archive(api, case["id"], "county").namelist()
    assert api.client.get(f"/api/v1/cases/{case['id']}/archive", headers=api.headers("village")).status_code == 403
    other = api.headers("township", "220283102000")
    assert api.client.get(f"/api/v1/cases/{case['id']}/archive", headers=other).status_code == 404


def test_an_archive_over_the_cap_is_409(api: Api) -> None:
    case = api.create()
    api.upload(case["id"], PDF)
    api.services.settings.archive_max_bytes = 2_000_010
    response = api.client.get(f"/api/v1/cases/{case['id']}/archive", headers=api.headers())
    assert response.status_code == 409 and "JIUZHU_ARCHIVE_MAX_BYTES" in response.json()["detail"]


def test_the_summary_shows_the_computation_and_each_decision_in_order(api: Api) -> None:
    from service.archive import contents
    from service.cases.models import Case

    case = api.create(case_payload(household=2))
    put = api.client.put(f"/api/v1/cases/{case['id']}/income", headers=api.headers(),
                         json={"income": {"wages": 1000, "basic_pension": 150}, "expenditure": {"medical": 100}})
    assert put.status_code == 200, put.text
    approve_to_publicity(api, case["id"])
    with api.services.sessions() as session:
        row = session.get(Case, case["id"])
        assert row is not None
        summary = contents.summary(session, api.services.registry, row, contents.documents(session, row), api.clock.now())
    assert "舒兰市" in dict(summary.cover)["行政区划"]  # the region register's names beside the code
    computed = dict(summary.computation)
    assert computed["核定保障金额（元/月）"] == "860.0" and computed["人均月收入（元）"] == "233.33"
    assert [d.name for d in summary.decisions] == ["受理审查", "信息核对", "入户调查", "审核意见"]
    visit = dict(summary.decisions[2].lines)
    assert visit["入户调查人员（签字）"] == "王五、赵六" and visit["入户调查表（签字）"].startswith("入户调查表 ")
    assert ["李0", summary.household[0][1], "配偶"] == summary.household[0]


def test_a_forged_manifest_or_log_line_is_broken_not_a_crash(api: Api, tmp_path: Path) -> None:
    case = api.create()
    archive = _archive(api, case["id"])
    for name, content in (("manifest.json", b'{"audit_head": 7}'), ("manifest.json", b"[1]"),
                          ("audit.jsonl", b'{"seq": 1}\n'), ("audit.jsonl", b"[]\n"), ("audit.jsonl", b"\xff\xfe\n")):
        code, output = _verify(_rewrite(archive, tmp_path / "f.zip", {name: content}))
        assert code == 1 and output.startswith("BROKEN"), (name, content, output)
