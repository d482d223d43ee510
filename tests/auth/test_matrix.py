"""Role × endpoint × region scope: every protected route answers exactly as API.md says.

Each entry says which roles may call the endpoint. For every role we call it once inside the
caller's region and once from outside it: allowed and inside → success; not allowed → 403;
allowed but outside → 404 for a case or task (its existence is not revealed; a role that may never call
the endpoint may get 403 or 404), 403 for creating in a
region that is not yours, and an empty answer for lists. Without a token → 401. A route of the app
missing from the table fails the test, so new endpoints must be added here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from service.cases.schemas import check_id_number
from service.privacy import FULL_ID_ROLES

from ..factories import ACCEPT, PDF, TO_PUBLICITY, Api, approve, case_payload

ROLES = ("village", "township", "county", "designer", "admin")
INSIDE = {"village": "220283101001", "township": "220283101000", "county": "220283000000",
          "designer": "220283000000", "admin": "000000000000"}
OUTSIDE = {"village": "220283102001", "township": "220283102000", "county": "220284000000",
           "designer": "220284000000", "admin": "000000000000"}
PUBLIC = {"/healthz", "/metrics", "/api/v1/publicity", "/api/v1/publicity/beneficiaries", "/api/v1/publicity/decisions",
          "/api/v1/public/reports", "/api/v1/public/reports/{receipt}"}


@dataclass
class Endpoint:
    method: str
    path: str
    roles: tuple[str, ...]
    prepare: Callable[[Api], dict[str, Any]] = field(default=lambda api: {})
    body: Callable[[dict[str, Any]], Any] | None = None
    files: Callable[[], dict[str, Any]] | None = None
    scoped: str = "case"  # "case": 404 outside; "create": 403 outside; "list": empty outside; "none": not scoped
    ok: int = 200


PROCESSES = Path(__file__).resolve().parents[2] / "processes"


def dmn_upload() -> dict[str, Any]:
    return {"file": ("delegation.dmn", (PROCESSES / "delegation.dmn").read_bytes(), "application/xml")}


def newer_version(api: Api) -> dict[str, Any]:
    """A case, then a new dibao version (a renamed task) it could move to."""
    case = api.create()
    text = (PROCESSES / "dibao.bpmn").read_text(encoding="utf-8").replace("归档（一户一档）", f"归档 {case['id']}")
    upload = {"file": ("dibao.bpmn", text.encode(), "application/xml")}
    deployed = api.client.post("/api/v1/processes", files=upload, headers=api.headers("designer")).json()
    return {"case_id": case["id"], "version": deployed["version"]}


def a_beneficiary(api: Api) -> dict[str, Any]:
    approve(api)
    items = api.client.get("/api/v1/beneficiaries", headers=api.headers("admin")).json()["items"]
    return {"beneficiary_id": items[0]["id"], "since": items[0]["since"]}


def a_case(api: Api) -> dict[str, Any]:
    return {"case_id": api.create()["id"]}


def accepted(api: Api) -> dict[str, Any]:
    case = api.create()
    api.step(case["id"], "accept", ACCEPT)
    return {"case_id": case["id"]}


def in_publicity(api: Api) -> dict[str, Any]:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY)
    return {"case_id": case["id"]}


def open_task(api: Api) -> dict[str, Any]:
    case = api.create()
    return {"case_id": case["id"], "task_id": api.task_id(case["id"], "accept")}


_MONTHS = itertools.count()


def a_roster(api: Api) -> dict[str, Any]:
    """A new draft roster each time (issuing freezes one: the next is for the following month)."""
    a_beneficiary(api)
    index = 11 + next(_MONTHS)
    body = {"month": f"{2026 + index // 12}-{index % 12 + 1:02d}", "county": "220283"}
    return {"payroll_id": api.client.post("/api/v1/payrolls", json=body, headers=api.headers("admin")).json()["id"]}


def an_income_account(api: Api) -> dict[str, Any]:
    case = api.create()
    api.client.put(f"/api/v1/cases/{case['id']}/income", json={"income": {"wages": 1000}}, headers=api.headers("township"))
    return {"case_id": case["id"]}


def pdf_upload() -> dict[str, Any]:
    return {"file": ("入户调查表.pdf", PDF, "application/pdf")}


def a_document(api: Api) -> dict[str, Any]:
    return {"document_id": api.upload(api.create()["id"], PDF, kind="application")["id"]}


def deaths_upload() -> dict[str, Any]:
    body = "id_number,name,died_on,source\n11010519491231002X,张三,2026-10-01,殡仪馆\n"
    return {"file": ("deaths.csv", body.encode(), "text/csv")}


ALL = ROLES
MATRIX = [
    Endpoint("POST", "/api/v1/cases", ("village", "township"), body=lambda p: case_payload(), scoped="create", ok=201),
    Endpoint("GET", "/api/v1/cases", ALL, a_case, scoped="list"),
    Endpoint("GET", "/api/v1/cases/{case_id}", ALL, a_case),
    Endpoint("GET", "/api/v1/cases/{case_id}/history", ALL, a_case),
    Endpoint("POST", "/api/v1/cases/{case_id}/objections", ("village", "township", "county"), in_publicity,
             body=lambda p: {"text": "异议"}),
    Endpoint("POST", "/api/v1/cases/{case_id}/withdraw", ("village", "township"), a_case, body=lambda p: {"reason": "撤回"}),
    Endpoint("POST", "/api/v1/cases/{case_id}/extension", ("township", "county"), accepted, body=lambda p: {"reason": "人户分离"}),
    Endpoint("GET", "/api/v1/tasks", ALL, open_task, scoped="list"),
    Endpoint("GET", "/api/v1/tasks/{task_id}", ALL, open_task),
    Endpoint("POST", "/api/v1/tasks/{task_id}/complete", ("township",), open_task, body=lambda p: {"data": ACCEPT}),
    Endpoint("GET", "/api/v1/calendar/add-working-days", ALL, scoped="none"),
    Endpoint("GET", "/api/v1/calendar/{year}", ALL, lambda api: {"year": 2026}, scoped="none"),
    Endpoint("PUT", "/api/v1/calendar/{year}", ("admin",), lambda api: {"year": 2031},
             body=lambda p: {"holidays": ["2031-01-01"], "workdays": []}, scoped="none"),
    Endpoint("POST", "/api/v1/cases/{case_id}/migrate", ("designer", "admin"), newer_version,
             body=lambda p: {"to_version": p["version"], "dry_run": True}),
    Endpoint("GET", "/api/v1/cases/{case_id}/path", ALL, a_case),
    Endpoint("GET", "/api/v1/processes", ALL, scoped="none"),
    Endpoint("POST", "/api/v1/processes", ("designer", "admin"), files=dmn_upload, scoped="none", ok=201),
    Endpoint("POST", "/api/v1/processes/validate", ("designer", "admin"), files=dmn_upload, scoped="none"),
    Endpoint("GET", "/api/v1/processes/{key}/versions/{version}/xml", ALL, lambda api: {"key": "dibao", "version": 1},
             scoped="none"),
    Endpoint("GET", "/api/v1/processes/{key}/diff", ALL, lambda api: {"key": "dibao"}, scoped="none"),
    Endpoint("POST", "/api/v1/processes/{key}/what-if", ("designer", "county", "admin"), lambda api: {"key": "dibao"},
             files=dmn_upload, scoped="none"),
    Endpoint("GET", "/api/v1/supervision/overdue", ("county", "admin"), scoped="list"),
    Endpoint("GET", "/api/v1/beneficiaries", ("village", "township", "county", "admin"), a_beneficiary, scoped="list"),
    Endpoint("GET", "/api/v1/beneficiaries/{beneficiary_id}", ("village", "township", "county", "admin"), a_beneficiary),
    Endpoint("PUT", "/api/v1/beneficiaries/{beneficiary_id}/payee", ("township", "county"), a_beneficiary,
             body=lambda p: {"bank": "舒兰农商银行", "account": "6228480012345678"}),
    Endpoint("GET", "/api/v1/beneficiaries/{beneficiary_id}/history", ("village", "township", "county", "admin"), a_beneficiary),
    Endpoint("POST", "/api/v1/beneficiaries/{beneficiary_id}/rechecks", ("township", "county"), a_beneficiary,
             body=lambda p: {"trigger": "data_warning", "reason": "比对预警"}, ok=201),
    Endpoint("POST", "/api/v1/beneficiaries/{beneficiary_id}/periodic-reports", ("township",), a_beneficiary,
             body=lambda p: {"reported_on": p["since"], "changed": False, "note": "无变化"}, ok=201),
    Endpoint("GET", "/api/v1/beneficiaries/{beneficiary_id}/periodic-reports", ("village", "township", "county", "admin"),
             a_beneficiary),
    Endpoint("GET", "/api/v1/supervision/scrutiny", ("county", "admin"), scoped="list"),
    Endpoint("GET", "/api/v1/spot-checks", ("county", "admin"), scoped="list"),
    Endpoint("GET", "/api/v1/registers/near-relatives", ("county", "admin"), lambda api: {"case_id": api.create(near=True)["id"]},
             scoped="list"),
    Endpoint("GET", "/api/v1/reports/monthly", ("township", "county", "admin"), scoped="list"),
    Endpoint("PUT", "/api/v1/cases/{case_id}/income", ("township", "county"), a_case, body=lambda p: {"income": {"wages": 900}}),
    Endpoint("GET", "/api/v1/cases/{case_id}/income", ("village", "township", "county", "admin"), an_income_account),
    Endpoint("POST", "/api/v1/registers/deaths", ("county", "admin"), files=deaths_upload, scoped="none"),
    Endpoint("POST", "/api/v1/payrolls", ("county", "admin"), a_beneficiary,
             body=lambda p: {"month": "2026-12", "county": "220283"}, ok=201),
    Endpoint("GET", "/api/v1/payrolls", ("township", "county", "admin"), a_roster, scoped="list"),
    Endpoint("GET", "/api/v1/payrolls/overpayments", ("county", "admin"), scoped="list"),
    Endpoint("GET", "/api/v1/payrolls/{payroll_id}", ("township", "county", "admin"), a_roster),
    Endpoint("POST", "/api/v1/payrolls/{payroll_id}/issue", ("county", "admin"), a_roster),
    Endpoint("GET", "/api/v1/external-tasks", ("admin",), scoped="none"),
    Endpoint("GET", "/api/v1/webhooks", ("admin",), scoped="none"),
    Endpoint("POST", "/api/v1/cases/{case_id}/documents", ("village", "township", "county"), a_case, files=pdf_upload, ok=201),
    Endpoint("GET", "/api/v1/cases/{case_id}/documents", ALL, a_case),
    Endpoint("GET", "/api/v1/documents/{document_id}", ALL, a_document),
    Endpoint("GET", "/api/v1/cases/{case_id}/archive", ("township", "county"), a_case),
    Endpoint("GET", "/api/v1/regions", ALL, scoped="none"),  # the register of names is the same for every reader
    Endpoint("GET", "/api/v1/regions/{code}", ALL, lambda api: {"code": "220283"}, scoped="none"),
    Endpoint("GET", "/api/v1/me", ALL, scoped="none"),  # the caller's own name, role and region
]
QUERIES = {
    "/api/v1/calendar/add-working-days": "?start=2026-09-30&days=5",
    "/api/v1/reports/monthly": "?month=2026-11",
    "/api/v1/processes/{key}/diff": "?from_version=1&to_version=1",
    "/api/v1/regions": "?codes=220283,220283101001",
}
# Routes whose access is tested elsewhere (the test clock exists only with JIUZHU_FAKE_CLOCK=1).
# Role service (an integration with its topics) is tested in tests/external: the workers' calls and messages.
ELSEWHERE = {("PUT", "/api/v1/admin/clock"), ("POST", "/api/v1/external-tasks/fetch-and-lock"),
             ("POST", "/api/v1/external-tasks/{task_id}/complete"), ("POST", "/api/v1/external-tasks/{task_id}/failure"),
             ("POST", "/api/v1/external-tasks/{task_id}/extend-lock"), ("POST", "/api/v1/external-tasks/{task_id}/retry"),
             ("POST", "/api/v1/messages"),
             # admin only, each role's refusal in tests/outbox
             ("POST", "/api/v1/webhooks"), ("DELETE", "/api/v1/webhooks/{subscription_id}")}


def test_every_route_is_in_the_matrix(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.app.openapi()["paths"]
    routes = {(method.upper(), path) for path, operations in paths.items() for method in operations}
    assert len(routes) > len(PUBLIC)  # the enumeration itself works
    listed = {(e.method, e.path) for e in MATRIX} | ELSEWHERE
    public = {(m, p) for m, p in routes if p in PUBLIC}
    assert routes - public - listed == set(), "add these endpoints to the role matrix"


ID_PATTERN = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9X])")


def full_ids(text: str) -> list[str]:
    """Valid resident ID numbers written out in full (as the service validates them)."""
    found = []
    for candidate in ID_PATTERN.findall(text):
        try:
            found.append(check_id_number(candidate))
        except ValueError:
            continue
    return found


def _call(api: Api, endpoint: Endpoint, params: dict[str, Any], headers: dict[str, str]):  # type: ignore[no-untyped-def]
    url = endpoint.path.format(**params) + QUERIES.get(endpoint.path, "")
    if endpoint.files:
        return api.client.request(endpoint.method, url, files=endpoint.files(), headers=headers)
    body = endpoint.body(params) if endpoint.body else None
    return api.client.request(endpoint.method, url, json=body, headers=headers)


@pytest.mark.parametrize("endpoint", MATRIX, ids=lambda e: f"{e.method} {e.path}")
def test_roles_and_scope(api: Api, endpoint: Endpoint) -> None:
    # a GET changes nothing: one prepared resource serves every call; anything else gets a fresh one each time
    shared = endpoint.prepare(api) if endpoint.method == "GET" else None

    def prepare(api: Api) -> dict[str, Any]:
        return shared if shared is not None else endpoint.prepare(api)

    assert _call(api, endpoint, prepare(api), {}).status_code == 401
    for role in ROLES:
        allowed = role in endpoint.roles
        inside = _call(api, endpoint, prepare(api), api.headers(role, INSIDE[role]))
        expected = endpoint.ok if allowed else 403
        assert inside.status_code == expected, (role, "inside", inside.status_code, inside.text[:200])
        if role not in FULL_ID_ROLES:  # only the caseworkers who check identities see ID numbers in full
            assert full_ids(inside.text) == [], (role, endpoint.path, full_ids(inside.text))
        if role == "admin" or endpoint.scoped == "none":
            continue
        outside = _call(api, endpoint, prepare(api), api.headers(role, OUTSIDE[role]))
        if endpoint.scoped == "case":  # a role that may never call it may be told so; any other learns nothing
            assert outside.status_code in ((404,) if allowed else (403, 404)), (role, "outside", outside.status_code)
        elif endpoint.scoped == "create" or not allowed:
            assert outside.status_code == 403, (role, "outside", outside.status_code)
        else:
            body = outside.json()
            found = body if isinstance(body, list) else (body.get("items") or body.get("townships"))
            assert outside.status_code == 200 and not found, (role, "outside", body)
