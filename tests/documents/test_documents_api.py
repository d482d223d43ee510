"""A case's documents over REST: type from the content, size limit, scope, audit; on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib

import pytest

from ..factories import ACCEPT, INFO, JPEG, PDF, PNG, TO_PUBLICITY, VISIT, Api, approve

HTML = b"<!doctype html><script>alert(1)</script>"


def _post(api: Api, case_id: int, content: bytes, *, name: str = "scan.pdf", mime: str = "application/pdf",
          role: str = "township", region: str | None = None, **form: str) -> tuple[int, dict]:
    response = api.client.post(f"/api/v1/cases/{case_id}/documents", files={"file": (name, content, mime)}, data=form,
                               headers=api.headers(role, region))
    return response.status_code, response.json()


@pytest.mark.parametrize(("content", "expected"), [
    pytest.param(PDF, "application/pdf", id="pdf"),
    pytest.param(JPEG, "image/jpeg", id="jpeg"),
    pytest.param(PNG, "image/png", id="png"),
])
def test_the_type_is_read_from_the_content_not_the_name_or_header(api: Api, content: bytes, expected: str) -> None:
    case = api.create()
    status, body = _post(api, case["id"], content, name="record.exe", mime="text/html", kind="application")
    assert status == 201, body
    assert body["content_type"] == expected and body["kind"] == "application"
    assert body["size"] == len(content) and body["sha256"] == hashlib.sha256(content).hexdigest()
    assert len(body["id"]) == 32


@pytest.mark.parametrize("content", [
    pytest.param(HTML, id="html-named-pdf"),
    pytest.param(PDF[:-7], id="truncated-pdf"),
    pytest.param(PNG[:-12], id="truncated-png"),
    pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 40, id="jpeg-without-end"),
    pytest.param(b"PK\x03\x04" + b"\x00" * 40, id="zip"),
    pytest.param(b"", id="empty"),
])
def test_anything_but_a_whole_pdf_jpeg_or_png_is_422_at_the_file(api: Api, content: bytes) -> None:
    case = api.create()
    status, body = _post(api, case["id"], content)
    assert status == 422
    assert body["detail"][0]["loc"] == ["body", "file"]
    assert _list(api, case["id"]) == []


def _list(api: Api, case_id: int, role: str = "township", region: str | None = None) -> list[dict]:
    response = api.client.get(f"/api/v1/cases/{case_id}/documents", headers=api.headers(role, region))
    assert response.status_code == 200, response.text
    return list(response.json())


def test_a_file_over_the_limit_is_413_and_nothing_is_stored(api: Api) -> None:
    case = api.create()
    api.services.settings.document_max_bytes = 4096
    big = PDF[:-7] + b"%" * 5000 + b"\n%%EOF\n"
    status, body = _post(api, case["id"], big)
    assert status == 413 and "4096" in body["detail"]
    assert _list(api, case["id"]) == []
    assert not [e for e in api.history(case["id"]) if e["type"] == "document.added"]


def test_a_body_announcing_more_than_the_limit_is_refused_before_it_is_read(api: Api) -> None:
    case = api.create()
    limit = api.services.settings.document_max_bytes
    response = api.client.post(f"/api/v1/cases/{case['id']}/documents", content=b"x" * 10,
                               headers={**api.headers(), "Content-Type": "multipart/form-data; boundary=x",
                                        "Content-Length": str(limit + 10_000_000)})
    assert response.status_code == 413


def test_each_upload_puts_its_sha256_in_the_case_audit_chain(api: Api) -> None:
    case = api.create()
    task_id = api.task_id(case["id"], "accept")
    status, body = _post(api, case["id"], PNG, kind="application", task_id=task_id)
    assert status == 201
    added = [e for e in api.history(case["id"]) if e["type"] == "document.added"]
    assert len(added) == 1
    assert added[0]["data"] == {"document_id": body["id"], "sha256": hashlib.sha256(PNG).hexdigest(), "size": len(PNG),
                                "content_type": "image/png", "kind": "application", "task_id": task_id}


def test_the_file_comes_back_as_an_attachment_that_browsers_do_not_sniff(api: Api) -> None:
    case = api.create()
    _, body = _post(api, case["id"], PDF, name='../../evil"\r\nX-Injected: 1.pdf', kind="home_visit_record")
    response = api.client.get(f"/api/v1/documents/{body['id']}", headers=api.headers("village"))
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-disposition"].startswith(f'attachment; filename="home_visit_record-{body["id"]}.pdf"')
    assert "x-injected" not in response.headers
    listed = _list(api, case["id"], "village")
    assert [(d["id"], d["kind_label"]) for d in listed] == [(body["id"], "入户调查表")]
    assert "/" not in listed[0]["filename"] and "\n" not in listed[0]["filename"]


def test_outside_the_case_region_everything_is_404_never_revealing_the_case(api: Api) -> None:
    case = api.create()
    _, body = _post(api, case["id"], PDF)
    other = {"role": "township", "region": "220283102000"}
    assert api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=api.headers(**other)).status_code == 404
    assert api.client.get(f"/api/v1/documents/{body['id']}", headers=api.headers(**other)).status_code == 404
    assert api.client.get(f"/api/v1/documents/{'0' * 32}", headers=api.headers()).status_code == 404
    assert _post(api, case["id"], PDF, **other)[0] == 404
    assert _post(api, 999_999, PDF)[0] == 404
    assert len(_list(api, case["id"])) == 1


def test_only_village_township_and_county_upload(api: Api) -> None:
    case = api.create()
    assert _post(api, case["id"], PDF, role="village")[0] == 201
    assert _post(api, case["id"], PDF, role="county")[0] == 201
    assert _post(api, case["id"], PDF, role="designer")[0] == 403


@pytest.mark.parametrize(("form", "field"), [
    pytest.param({"kind": "archive"}, "kind", id="archive-is-not-uploaded"),
    pytest.param({"kind": "passport"}, "kind", id="unknown-kind"),
    pytest.param({"task_id": "no-such-task"}, "task_id", id="unknown-task"),
])
def test_a_bad_kind_or_task_is_422_naming_it(api: Api, form: dict[str, str], field: str) -> None:
    case = api.create()
    status, body = _post(api, case["id"], PDF, **form)
    assert status == 422 and body["detail"][0]["loc"] == ["body", field]


def test_a_task_of_another_case_or_a_closed_task_is_422(api: Api) -> None:
    case, other = api.create(), api.create()
    foreign = api.task_id(other["id"], "accept")
    status, body = _post(api, case["id"], PDF, task_id=foreign)
    assert status == 422 and body["detail"][0]["loc"] == ["body", "task_id"]
    done = api.task_id(case["id"], "accept")
    api.step(case["id"], "accept", ACCEPT)
    status, body = _post(api, case["id"], PDF, task_id=done)
    assert status == 422 and "done" in body["detail"][0]["msg"]


def test_a_closed_case_takes_no_more_documents(api: Api) -> None:
    case = approve(api)
    assert case["status"] == "approved"
    assert _post(api, case["id"], PDF)[0] == 409


def test_the_home_visit_form_asks_for_the_signed_record(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    form = next(t for t in api.case(case["id"])["tasks"] if t["element_id"] == "home_visit")["form"]
    field = next(f for f in form if f["type"] == "document")
    assert field == {"name": "visit_record", "type": "document", "kind": "home_visit_record", "label": "入户调查表（签字）",
                     "required": True}


def test_completing_the_home_visit_without_its_record_is_422_at_the_field(api: Api) -> None:
    case, other = api.create(), api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    task_id = api.task_id(case["id"], "home_visit")
    response = api.complete(case["id"], "home_visit", {**VISIT, "visit_record": None})
    assert response.status_code == 422
    assert [p["loc"] for p in response.json()["detail"]] == [["body", "data", "visit_record"]]
    foreign = api.upload(other["id"], PDF, kind="home_visit_record")["id"]
    wrong_kind = api.upload(case["id"], PDF, kind="application")["id"]
    for_case = api.upload(case["id"], PDF, kind="home_visit_record")  # for the case, not one task: it counts
    for value, words in ((foreign, "not a document of this case"), (wrong_kind, "入户调查表"), ("x" * 32, "must be the id")):
        response = api.complete(case["id"], "home_visit", {**VISIT, "visit_record": value})
        assert response.status_code == 422, value
        assert words in response.json()["detail"][0]["msg"]
    assert api.task_id(case["id"], "home_visit") == task_id  # nothing moved
    done = api.step(case["id"], "home_visit", {**VISIT, "visit_record": for_case["id"]})
    assert "home_visit" not in {t["element_id"] for t in done["tasks"]}


def test_a_record_uploaded_for_another_task_does_not_count(api: Api) -> None:
    case = api.create()
    api.step(case["id"], "accept", ACCEPT)
    info_task = api.task_id(case["id"], "info_check")
    for_info = api.upload(case["id"], PDF, kind="home_visit_record", task_id=info_task)["id"]
    response = api.complete(case["id"], "home_visit", {**VISIT, "visit_record": for_info})
    assert response.status_code == 422 and "another task" in response.json()["detail"][0]["msg"]


def test_a_whole_approval_keeps_the_record_in_its_history(api: Api) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    kinds = [d["kind"] for d in _list(api, case["id"])]
    assert kinds == ["home_visit_record"]
    visit = next(e for e in api.history(case["id"]) if e["type"] == "task.completed" and e["element_id"] == "home_visit")
    assert visit["data"]["data"]["visit_record"] == _list(api, case["id"])[0]["id"]


def test_an_id_number_in_a_file_name_is_masked_in_the_list(api: Api) -> None:
    case = api.create()
    _, body = _post(api, case["id"], PDF, name="张三11010519491231002X身份证.pdf")
    listed = _list(api, case["id"], "village")
    assert "11010519491231002X" not in listed[0]["filename"] and listed[0]["filename"].endswith("身份证.pdf")
