"""The overdue queries on a million cases: at the service level and through the API.

Each entry is one line; an endpoint this build does not have (not in ``/openapi.json``) is reported
as absent rather than failing the run, so a new endpoint is measured as soon as it lands.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from service.auth.models import User
from service.cases import service as cases
from service.clock import local_date
from service.metrics import overdue_count
from service.services import Services

COUNTY = "220101000000"  # one of the province's 54 counties
ENDPOINTS = [  # (label, path, who)
    ("GET /api/v1/cases?overdue=true, county", "/api/v1/cases?overdue=true", "county"),
    ("GET /api/v1/cases?overdue=true, province", "/api/v1/cases?overdue=true", "admin"),
    ("GET /api/v1/supervision/overdue, county", "/api/v1/supervision/overdue", "county"),
]


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    call()  # warm the caches a real server would have warm
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        out.append(time.perf_counter() - began)
    return out


def service_level(services: Services, repeat: int) -> dict[str, list[float]]:
    today = local_date(services.clock.now())
    with services.sessions() as session:
        county = session.scalar(select(User).where(User.name == "bench-county"))
        admin = session.scalar(select(User).where(User.name == "bench-admin"))

        def search(user: User | None) -> Callable[[], Any]:
            return lambda: cases.search(session, user, today, status=None, kind=None, region=None, element_id=None,  # type: ignore[arg-type]
                                        overdue=True, due_before=None, page=1, page_size=20)

        return {
            "cases.service.search(overdue=True), county": timed(search(county), repeat),
            "cases.service.search(overdue=True), province": timed(search(admin), repeat),
            "overdue count (the /metrics gauge)": timed(lambda: overdue_count(session, today), repeat),
        }


def over_http(base: str, tokens: dict[str, str], repeat: int) -> dict[str, list[float] | None]:
    paths = set(httpx.get(f"{base}/openapi.json").json()["paths"])
    out: dict[str, list[float] | None] = {}
    with httpx.Client(base_url=base, timeout=60) as client:
        for label, path, who in ENDPOINTS:
            if path.split("?")[0] not in paths:
                out[label] = None
                continue
            headers = {"Authorization": f"Bearer {tokens[who]}"}

            def get(path: str = path, headers: dict[str, str] = headers) -> None:
                response = client.get(path, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

            out[label] = timed(get, repeat)
    return out
