"""Events out: every audited change offered to subscribers, signed, in order per case, at least once, after any outage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from service.followers import build_services
from service.outbox.delivery import deliver_due
from service.outbox.models import OutboxEvent

from ..factories import ACCEPT, INFO, OTHER_TOWNSHIP, Api, case_payload
from .receiver import SECRET, Receiver

HOOK = "http://subscriber.test/hooks"


def subscribe(api: Api, **extra: Any) -> dict[str, Any]:
    body = {"name": f"hook-{len(extra)}-{extra.get('region', '')}", "url": HOOK, "secret": SECRET, **extra}
    response = api.client.post("/api/v1/webhooks", headers=api.headers("admin"), json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def outbox_rows(api: Api) -> int:
    with api.services.sessions() as session:
        return session.scalar(select(func.count()).select_from(OutboxEvent)) or 0


def test_every_audited_change_of_a_case_goes_out_signed_and_in_order(api: Api) -> None:
    subscribe(api)
    receiver = Receiver()
    case = api.create()
    api.walk(case["id"], [("accept", ACCEPT), ("info_check", INFO)])
    assert deliver_due(api.services, receiver.client()).sent == len(receiver.got) > 0
    history = api.history(case["id"])
    got = receiver.of_case(case["id"])
    assert [e["type"] for e in got] == [f"cn.jiuzhu.{e['type']}" for e in history]
    assert [e["seq"] for e in got] == list(range(1, len(history) + 1))
    first = got[0]
    assert first["specversion"] == "1.0" and first["source"] == f"/jiuzhu/cases/{case['id']}"
    assert first["subject"] == case["number"] and first["data"]["data"]["number"] == case["number"]
    assert len({e["id"] for e in receiver.got}) == len(receiver.got)
    assert deliver_due(api.services, receiver.client()).sent == 0  # each once


def test_a_refused_request_writes_no_event(api: Api) -> None:
    subscribe(api)
    case = api.create()
    before = outbox_rows(api)
    assert api.complete(case["id"], "accept", {"materials_complete": "perhaps"}).status_code == 422
    assert outbox_rows(api) == before


def test_a_subscriber_down_for_a_day_gets_everything_after_a_restart_in_order(api: Api, settings, clock) -> None:  # type: ignore[no-untyped-def]
    subscribe(api)
    receiver = Receiver()
    receiver.up = False
    cases = [api.create()]
    for hour in range(24):
        if hour % 6 == 0:
            cases.append(api.create())  # changes go on while the subscriber is down
            api.step(cases[-1]["id"], "accept", ACCEPT)
        deliver_due(api.services, receiver.client())
        clock.set(clock.now() + timedelta(hours=1))
    (subscription,) = api.client.get("/api/v1/webhooks", headers=api.headers("admin")).json()
    assert receiver.refused == subscription["failures"] == 24  # tried every hour, one request each time
    assert subscription["pending"] == outbox_rows(api) and subscription["last_error"].startswith("HTTP 503")
    restarted = build_services(settings, clock)  # a new process on the same database
    try:
        receiver.up = True
        while deliver_due(restarted, receiver.client()).sent:
            pass
    finally:
        restarted.engine.dispose()
    for case in cases:
        assert [e["seq"] for e in receiver.of_case(case["id"])] == list(range(1, len(api.history(case["id"])) + 1))
    assert len(receiver.got) == outbox_rows(api)
    (after,) = api.client.get("/api/v1/webhooks", headers=api.headers("admin")).json()
    assert (after["pending"], after["failures"], after["last_error"]) == (0, 0, None)


def test_a_subscription_gets_only_its_types_and_region(api: Api) -> None:
    subscribe(api, types=["case.created"], region=OTHER_TOWNSHIP)
    receiver = Receiver()
    mine = api.create()
    api.step(mine["id"], "accept", ACCEPT)
    theirs = api.client.post("/api/v1/cases", json=case_payload(region="220283102001"),
                             headers=api.headers("township", OTHER_TOWNSHIP))
    assert theirs.status_code == 201, theirs.text
    api.step(theirs.json()["id"], "accept", ACCEPT)
    deliver_due(api.services, receiver.client())
    assert [(e["type"], e["data"]["case_id"]) for e in receiver.got] == [("cn.jiuzhu.case.created", theirs.json()["id"])]


def test_only_an_admin_manages_subscriptions_and_a_stopped_one_gets_nothing_new(api: Api) -> None:
    body = {"name": "x", "url": HOOK, "secret": SECRET}
    for role in ("village", "township", "county", "designer"):
        assert api.client.post("/api/v1/webhooks", headers=api.headers(role), json=body).status_code == 403
        assert api.client.delete("/api/v1/webhooks/1", headers=api.headers(role)).status_code == 403
    bad = api.client.post("/api/v1/webhooks", headers=api.headers("admin"), json={**body, "url": "ftp://x"})
    assert bad.status_code == 422
    hook = subscribe(api)
    assert api.client.post("/api/v1/webhooks", headers=api.headers("admin"), json={**body, "name": hook["name"]}).status_code == 409
    stopped = api.client.delete(f"/api/v1/webhooks/{hook['id']}", headers=api.headers("admin"))
    assert stopped.status_code == 200 and stopped.json()["active"] is False
    assert api.client.delete("/api/v1/webhooks/999", headers=api.headers("admin")).status_code == 404
    api.create()
    assert outbox_rows(api) == 0
