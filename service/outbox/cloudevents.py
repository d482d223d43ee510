"""An audit event as a CloudEvent (JSON format, CloudEvents 1.0), and the signature that proves who sent it.

The event's ``id`` is its audit hash, unique and stable: a subscriber that gets an event twice
(delivery is at least once) knows it by its id. ``source`` is the case (or ``system``), ``seq`` its
place in that case's history, so a subscriber can also check it has every event of a case in order.

The signature is HMAC-SHA256 with the subscription's secret over ``"{timestamp}.{body}"``, sent as
``X-Jiuzhu-Signature: sha256=<hex>`` with ``X-Jiuzhu-Timestamp`` (Unix seconds): a subscriber checks
both, and refuses an old timestamp so a recorded request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from ..audit.models import AuditEvent
from ..cases.models import Case

SPEC = "1.0"
TYPE_PREFIX = "cn.jiuzhu."
CONTENT_TYPE = "application/cloudevents+json"


def cloud_event(event: AuditEvent, case: Case | None) -> dict[str, Any]:
    data: dict[str, Any] = {"type": event.type, "actor": event.actor, "element_id": event.element_id, "seq": event.seq,
                            "data": event.data}
    if case is not None:
        data.update(case_id=case.id, case_number=case.number, kind=case.kind, region=case.region)
    return {
        "specversion": SPEC,
        "id": event.hash,
        "source": f"/jiuzhu/cases/{case.id}" if case is not None else "/jiuzhu/system",
        "type": TYPE_PREFIX + event.type,
        "subject": case.number if case is not None else None,
        "time": event.at.isoformat(),
        "datacontenttype": "application/json",
        "seq": event.seq,
        "data": data,
    }


def body_of(event: dict[str, Any]) -> bytes:
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """What a subscriber does with a request (shown in the README; used by the tests)."""
    return timestamp.isdigit() and hmac.compare_digest(signature(secret, int(timestamp), body), header)
