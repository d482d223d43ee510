"""External tasks: the information check done by the provincial platform's adapter, locks, retries, incidents."""

from __future__ import annotations

from datetime import datetime, timedelta

from service.external.worker import ExternalWorker

from ..factories import INFO, OTHER_TOWNSHIP, VISIT, Api, elements
from .helpers import accepted_case, bearer, completions, platform_worker, service_token, use_variant
from .platform import FakePlatform

TOPIC = [{"topic": "provincial_check", "lock_seconds": 60}]


def later(api: Api, delta: timedelta) -> None:
    api.clock.set(api.clock.now() + delta)


def fetch(api: Api, token: str, worker_id: str, topics: list[dict[str, object]] | None = None, max_tasks: int = 10) -> list[dict]:  # type: ignore[type-arg]
    response = api.client.post("/api/v1/external-tasks/fetch-and-lock", headers=bearer(token),
                               json={"worker_id": worker_id, "max_tasks": max_tasks, "topics": topics or TOPIC})
    assert response.status_code == 200, response.text
    return list(response.json())


def call(api: Api, token: str, task_id: str, action: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return api.client.post(f"/api/v1/external-tasks/{task_id}/{action}", headers=bearer(token), json=body)


def test_the_default_diagram_keeps_the_manual_information_check(api: Api) -> None:
    case = accepted_case(api)
    assert "info_check" in {t["element_id"] for t in case["tasks"]}


def test_the_platform_adapter_does_the_information_check_and_the_case_moves_on(api: Api) -> None:
    use_variant(api)
    platform = FakePlatform(api.clock)
    token = service_token(api, ["provincial_check"])
    case = accepted_case(api)
    assert "info_check" in elements(case) and "info_check" not in {t["element_id"] for t in case["tasks"]}
    assert platform_worker(api, platform, token).run_once() == {"completed": 1}
    assert platform.calls[0]["case_number"] == case["number"] and len(platform.calls[0]["id_numbers"]) == 2
    after = api.step(case["id"], "home_visit", VISIT)
    assert "review" in elements(after)
    done = completions(api, case["id"])
    assert [(e["actor"], e["data"]["variables"]["result"]) for e in done] == [(done[0]["actor"], "pass")]


def test_a_finding_on_the_platform_fails_the_check_with_its_source(api: Api) -> None:
    use_variant(api)
    platform = FakePlatform(api.clock)
    case = accepted_case(api)
    applicant = api.client.get(f"/api/v1/cases/{case['id']}", headers=api.headers("township")).json()["applicant"]["id_number"]
    platform.findings[applicant] = {"source": "市场监管", "detail": "名下有企业"}
    platform_worker(api, platform, service_token(api, ["provincial_check"])).run_once()
    assert completions(api, case["id"])[0]["data"]["variables"] == {"result": "fail", "note": "省级平台比对发现：市场监管: 名下有企业"}


def test_a_worker_that_dies_holding_locks_loses_them_and_each_task_is_completed_once(api: Api) -> None:
    use_variant(api)
    token = service_token(api, ["provincial_check"])
    cases = [accepted_case(api) for _ in range(3)]
    held = fetch(api, token, "worker-a")  # worker a locks every task, then dies
    assert len(held) == 3 and {t["case_id"] for t in held} == {c["id"] for c in cases}
    assert fetch(api, token, "worker-b") == []  # still locked
    later(api, timedelta(seconds=61))
    worker_b = ExternalWorker(api.client, token, {"provincial_check": lambda task: {"result": "pass"}}, "worker-b")
    assert worker_b.run_once() == {"completed": 3}
    late = call(api, token, held[0]["id"], "complete", {"worker_id": "worker-a", "variables": {"result": "fail"}})
    assert late.status_code == 409 and "done" in late.text
    assert [len(completions(api, c["id"])) for c in cases] == [1, 1, 1]


def test_only_the_holder_of_an_unexpired_lock_may_complete_fail_or_extend(api: Api) -> None:
    use_variant(api)
    token = service_token(api, ["provincial_check"])
    accepted_case(api)
    (task,) = fetch(api, token, "worker-a")
    assert call(api, token, task["id"], "complete", {"worker_id": "worker-b", "variables": {"result": "pass"}}).status_code == 409
    assert call(api, token, task["id"], "extend-lock", {"worker_id": "worker-a", "lock_seconds": 120}).status_code == 200
    later(api, timedelta(seconds=90))
    assert fetch(api, token, "worker-b") == []  # extended: still worker a's
    later(api, timedelta(seconds=31))
    (again,) = fetch(api, token, "worker-b")
    expired = call(api, token, task["id"], "complete", {"worker_id": "worker-a", "variables": {"result": "pass"}})
    assert expired.status_code == 409 and "not locked by worker 'worker-a'" in expired.text
    assert call(api, token, task["id"], "failure", {"worker_id": "worker-a", "error": "x", "retries": 0}).status_code == 409
    assert call(api, token, again["id"], "complete", {"worker_id": "worker-b", "variables": {"result": "pass"}}).status_code == 200


def test_variables_are_checked_like_the_form(api: Api) -> None:
    use_variant(api)
    token = service_token(api, ["provincial_check"])
    accepted_case(api)
    (task,) = fetch(api, token, "worker-a")
    bad = call(api, token, task["id"], "complete", {"worker_id": "worker-a", "variables": {"result": "maybe", "extra": 1}})
    assert bad.status_code == 422
    assert {tuple(p["loc"]) for p in bad.json()["detail"]} == {("body", "variables", "result"), ("body", "variables", "extra")}
    assert call(api, token, task["id"], "complete", {"worker_id": "worker-a", "variables": INFO}).status_code == 200


def test_the_platform_down_for_an_hour_delays_the_check_without_an_incident(api: Api) -> None:
    use_variant(api)
    platform = FakePlatform(api.clock)
    platform.down_until = api.clock.now() + timedelta(hours=1)
    case = accepted_case(api)
    worker = platform_worker(api, platform, service_token(api, ["provincial_check"]), retries=5, retry_seconds=300)
    outcomes = []
    for _ in range(10):
        outcomes.append(worker.run_once())
        if outcomes[-1].get("completed"):
            break
        admin = api.client.get(f"/api/v1/external-tasks?case_id={case['id']}", headers=api.headers("admin")).json()
        api.clock.set(max(api.clock.now(), *(datetime.fromisoformat(t["retry_at"]) for t in admin if t["retry_at"])))
    assert outcomes == [{"failed": 1}] * 4 + [{"completed": 1}]  # back-off 5, 10, 20, 40 minutes: up again at 75
    assert api.case(case["id"])["incident"] is None
    failed = [e for e in api.history(case["id"]) if e["type"] == "external_task.failed"]
    assert [e["data"]["retries"] for e in failed] == [4, 3, 2, 1]


def test_no_retries_left_is_an_incident_an_admin_retries(api: Api) -> None:
    use_variant(api)
    platform = FakePlatform(api.clock)
    platform.down_until = api.clock.now() + timedelta(days=1)
    case = accepted_case(api)
    worker = platform_worker(api, platform, service_token(api, ["provincial_check"]), retries=1, retry_seconds=60)
    assert worker.run_once() == {"failed": 1}
    incident = api.case(case["id"])["incident"]
    assert incident["element_id"] == "info_check" and "503" in incident["reason"]
    (task,) = api.client.get("/api/v1/external-tasks?status=incident", headers=api.headers("admin")).json()
    later(api, timedelta(days=1, seconds=1))
    assert worker.run_once() == {}  # an incident is not fetched
    retried = api.client.post(f"/api/v1/external-tasks/{task['id']}/retry", headers=api.headers("admin"), json={"retries": 3})
    assert retried.status_code == 200 and retried.json()["status"] == "open"
    assert api.case(case["id"])["incident"] is None
    assert worker.run_once() == {"completed": 1}
    again = api.client.post(f"/api/v1/external-tasks/{task['id']}/retry", headers=api.headers("admin"), json={})
    assert again.status_code == 409


def test_a_service_user_sees_only_its_topics_and_region(api: Api) -> None:
    use_variant(api)
    accepted_case(api)
    assert fetch(api, service_token(api, ["bank_payment"]), "w", [{"topic": "provincial_check", "lock_seconds": 5}]) == []
    assert fetch(api, service_token(api, ["provincial_check"], OTHER_TOWNSHIP), "w") == []
    mine = service_token(api, ["provincial_check"])
    (task,) = fetch(api, mine, "w")
    other = service_token(api, ["provincial_check"], OTHER_TOWNSHIP)
    assert call(api, other, task["id"], "complete", {"worker_id": "w", "variables": INFO}).status_code == 404
    assert api.client.get("/api/v1/cases", headers=bearer(mine)).status_code == 403
    assert fetch(api, mine, "w") == []
    township = api.client.post("/api/v1/external-tasks/fetch-and-lock", headers=api.headers("township"),
                               json={"worker_id": "w", "topics": TOPIC})
    assert township.status_code == 403
