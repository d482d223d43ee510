"""An S3-compatible object store (AWS S3, MinIO, Aliyun OSS, Tencent COS, ...), spoken with httpx.

Requests are signed with AWS Signature Version 4 (header form, path-style URLs:
``{endpoint}/{bucket}/{key}``), written here so the service needs no AWS SDK. Only what documents
need: put an object, get it back.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import httpx

ALGORITHM = "AWS4-HMAC-SHA256"


class StoreError(Exception):
    """The object store refused or could not be reached."""


def signing_key(secret: str, day: str, region: str, service: str = "s3") -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def sign(method: str, url: str, headers: dict[str, str], payload_hash: str, *, access_key: str, secret: str,
         region: str, at: datetime) -> dict[str, str]:
    """The headers to send: ``headers`` plus host, x-amz-date, x-amz-content-sha256 and Authorization."""
    parts = urlsplit(url)
    stamp = at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = {**{k.lower(): v.strip() for k, v in headers.items()}, "host": parts.netloc, "x-amz-date": stamp,
           "x-amz-content-sha256": payload_hash}
    signed = ";".join(sorted(out))
    canonical = "\n".join([
        method, quote(parts.path or "/", safe="/-_.~"), _canonical_query(parts.query),
        "".join(f"{k}:{out[k]}\n" for k in sorted(out)), signed, payload_hash,
    ])
    scope = f"{stamp[:8]}/{region}/s3/aws4_request"
    to_sign = "\n".join([ALGORITHM, stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(signing_key(secret, stamp[:8], region), to_sign.encode(), hashlib.sha256).hexdigest()
    out["authorization"] = f"{ALGORITHM} Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
    return out


def _canonical_query(query: str) -> str:
    pairs = [p.split("=", 1) if "=" in p else [p, ""] for p in query.split("&") if p]
    return "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in sorted(pairs))


class S3Store:
    """Objects under ``prefix`` in one bucket."""

    def __init__(self, endpoint: str, bucket: str, *, region: str, access_key: str, secret_key: str, prefix: str = "",
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        self.base = endpoint.rstrip("/") + "/" + quote(bucket, safe="")
        self.region, self.access_key, self.secret_key, self.prefix = region, access_key, secret_key, prefix
        self.client = httpx.Client(timeout=timeout, transport=transport)

    def _url(self, key: str) -> str:
        return f"{self.base}/{quote(self.prefix + key, safe='/-_.~')}"

    def put(self, key: str, data: bytes, content_type: str, at: datetime) -> None:
        url = self._url(key)
        headers = sign("PUT", url, {"content-type": content_type}, hashlib.sha256(data).hexdigest(),
                       access_key=self.access_key, secret=self.secret_key, region=self.region, at=at)
        headers.pop("host")
        try:
            response = self.client.put(url, content=data, headers=headers)
        except httpx.HTTPError as exc:
            raise StoreError(f"the document store cannot be reached: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise StoreError(f"the document store refused to store {key}: HTTP {response.status_code}")

    def get(self, key: str, at: datetime, limit: int) -> bytes:
        """The object's bytes; more than ``limit`` of them is an error (the row says how large it is)."""
        url = self._url(key)
        headers = sign("GET", url, {}, hashlib.sha256(b"").hexdigest(), access_key=self.access_key,
                       secret=self.secret_key, region=self.region, at=at)
        headers.pop("host")
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise StoreError(f"the document store has no {key}: HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise StoreError(f"the document store returned more than {limit} bytes for {key}")
                return bytes(body)
        except httpx.HTTPError as exc:
            raise StoreError(f"the document store cannot be reached: {type(exc).__name__}") from None
