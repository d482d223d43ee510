"""Service users, the variant diagram and workers for the integration tests."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from service.auth import service as auth
from service.db import transaction
from service.external.provincial import compare
from service.external.worker import ExternalWorker

from ..definitions.test_deploy_api import deploy
from ..factories import ACCEPT, TOWNSHIP, Api
from .platform import FakePlatform

VARIANT = Path(__file__).resolve().parents[2] / "processes" / "variants" / "dibao_provincial_check.bpmn"
_names = itertools.count(1)


def service_token(api: Api, topics: list[str], region: str = TOWNSHIP) -> str:
    """A new user of role service with these topics, and its token."""
    with transaction(api.services.sessions) as session:
        now = api.clock.now()
        user = auth.create_user(session, f"integration-{next(_names)}", "service", region, now, topics)
        return auth.issue_token(session, user, now, 3650)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def use_variant(api: Api) -> None:
    """New dibao cases run the diagram whose information check is the provincial platform's."""
    response = deploy(api, VARIANT.read_bytes(), "dibao_provincial_check.bpmn")
    assert response.status_code == 201, response.text


def accepted_case(api: Api, **kwargs: Any) -> dict[str, Any]:
    case = api.create(**kwargs)
    return api.step(case["id"], "accept", ACCEPT)


def platform_worker(api: Api, platform: FakePlatform, token: str, worker_id: str = "adapter-1", **kwargs: Any) -> ExternalWorker:
    client = platform.client()
    return ExternalWorker(api.client, token, {"provincial_check": lambda task: compare(client, task)}, worker_id, **kwargs)


def completions(api: Api, case_id: int) -> list[dict[str, Any]]:
    return [e for e in api.history(case_id) if e["type"] == "external_task.completed"]
