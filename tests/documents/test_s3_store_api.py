"""Documents kept in an S3-compatible store (``JIUZHU_DOCUMENT_STORE=s3``), against a small fake S3 in the test.

The fake checks each request's AWS Signature V4 with its own code (not the service's), keeps objects
in a dict, and answers 403 to a request signed with another secret.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from service.documents.models import Document, DocumentBlob
from service.documents.s3 import signing_key

from ..factories import JPEG, PDF, Api

ACCESS, SECRET, REGION, BUCKET = "AKIDEXAMPLE", "fake-secret-key-for-tests", "cn-north-1", "jiuzhu-docs"


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _expected_signature(method: str, path: str, headers: dict[str, str], signed: list[str], body: bytes) -> str:
    stamp = headers["x-amz-date"]
    payload = hashlib.sha256(body).hexdigest()
    assert headers["x-amz-content-sha256"] == payload
    canonical = "\n".join([method, quote(path, safe="/-_.~"), "", "".join(f"{h}:{headers[h].strip()}\n" for h in signed),
                           ";".join(signed), payload])
    scope = f"{stamp[:8]}/{REGION}/s3/aws4_request"
    to_sign = f"AWS4-HMAC-SHA256\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _hmac(_hmac(_hmac(_hmac(f"AWS4{SECRET}".encode(), stamp[:8]), REGION), "s3"), "aws4_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class FakeS3(BaseHTTPRequestHandler):
    objects: dict[str, bytes] = {}
    refused = 0

    def log_message(self, *args: Any) -> None:
        pass

    def _authorized(self, body: bytes) -> bool:
        headers = {k.lower(): v for k, v in self.headers.items()}
        auth = headers.get("authorization", "")
        try:
            credential = auth.split("Credential=")[1].split(",")[0]
            signed = auth.split("SignedHeaders=")[1].split(",")[0].split(";")
            signature = auth.split("Signature=")[1]
        except IndexError:
            return False
        ok = credential.startswith(ACCESS + "/") and {"host", "x-amz-date", "x-amz-content-sha256"} <= set(signed)
        return ok and hmac.compare_digest(signature, _expected_signature(self.command, self.path, headers, signed, body))

    def _answer(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if not self._authorized(body):
            FakeS3.refused += 1
            return self._answer(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
        self.objects[self.path] = body
        return self._answer(200)

    def do_GET(self) -> None:  # noqa: N802
        if not self._authorized(b""):
            return self._answer(403)
        found = self.objects.get(self.path)
        return self._answer(200, found) if found is not None else self._answer(404)


@pytest.fixture
def s3(api: Api) -> Iterator[dict[str, bytes]]:
    FakeS3.objects = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings = api.services.settings
    settings.document_store, settings.s3_endpoint, settings.s3_bucket = "s3", f"http://127.0.0.1:{server.server_port}", BUCKET
    settings.s3_region, settings.s3_access_key, settings.s3_secret_key = REGION, ACCESS, SECRET
    settings.s3_prefix = "test/"
    yield FakeS3.objects
    server.shutdown()
    server.server_close()


def test_the_signing_key_matches_aws_published_example() -> None:
    # AWS's "Examples of how to derive a signing key for Signature Version 4" (iam, us-east-1, 2012-02-15)
    key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam")
    assert key.hex() == "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"


def test_documents_go_to_the_bucket_signed_and_come_back(api: Api, s3: dict[str, bytes]) -> None:
    case = api.create()
    uploaded = api.upload(case["id"], JPEG, kind="application")
    assert s3 == {f"/{BUCKET}/test/cases/{case['id']}/{uploaded['id']}": JPEG}
    with api.services.sessions() as session:
        assert session.scalar(select(func.count()).select_from(DocumentBlob)) == 0
        assert session.get(Document, uploaded["id"]).store == "s3"  # type: ignore[union-attr]
    response = api.client.get(f"/api/v1/documents/{uploaded['id']}", headers=api.headers())
    assert response.status_code == 200 and response.content == JPEG
    archive = zipfile.ZipFile(io.BytesIO(api.client.get(f"/api/v1/cases/{case['id']}/archive", headers=api.headers()).content))
    assert archive.read(f"documents/application-{uploaded['id']}.jpg") == JPEG


def test_a_store_that_refuses_is_503_and_nothing_is_recorded(api: Api, s3: dict[str, bytes]) -> None:
    case = api.create()
    api.services.settings.s3_secret_key = "not-the-secret-the-store-knows"
    response = api.client.post(f"/api/v1/cases/{case['id']}/documents", files={"file": ("a.pdf", PDF)}, headers=api.headers())
    assert response.status_code == 503 and "HTTP 403" in response.json()["detail"]
    assert s3 == {}
    assert api.client.get(f"/api/v1/cases/{case['id']}/documents", headers=api.headers()).json() == []
    assert not [e for e in api.history(case["id"]) if e["type"] == "document.added"]


def test_a_store_that_cannot_be_reached_is_503_not_500(api: Api, s3: dict[str, bytes]) -> None:
    case = api.create()
    api.services.settings.s3_endpoint = "http://127.0.0.1:9"
    response = api.client.post(f"/api/v1/cases/{case['id']}/documents", files={"file": ("a.pdf", PDF)}, headers=api.headers())
    assert response.status_code == 503
