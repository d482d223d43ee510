"""Cases stored before the compact form: they go on through the API and are written compact."""

from __future__ import annotations

import json

from sqlalchemy import select

from service.cases.models import Case
from service.db import transaction
from service.engine import storage

from ..factories import TO_PUBLICITY, Api, approve, elements


def _rewrite_as_before(api: Api, case_id: int) -> None:
    """Put the case's workflow back in SpiffWorkflow's own form, as rows were written before."""
    with transaction(api.services.sessions) as session:
        case = session.scalars(select(Case).where(Case.id == case_id)).one()
        old = json.dumps(storage.expand(json.loads(case.workflow)))
        assert storage.FORMAT_KEY not in json.loads(old)
        case.workflow = old


def _stored(api: Api, case_id: int) -> dict[str, object]:
    with transaction(api.services.sessions) as session:
        return dict(json.loads(session.scalars(select(Case.workflow).where(Case.id == case_id)).one()))


def test_a_case_stored_in_spiffworkflows_form_goes_on_and_is_then_stored_compact(api: Api, database_url: str) -> None:
    case = api.create()
    api.walk(case["id"], TO_PUBLICITY[:2])
    assert _stored(api, case["id"])[storage.FORMAT_KEY] == storage.FORMAT
    _rewrite_as_before(api, case["id"])
    path = api.client.get(f"/api/v1/cases/{case['id']}/path", headers=api.headers("admin"))
    assert path.status_code == 200 and path.json()["completed"][-1] == "info_check"  # read from the old form
    moved = api.walk(case["id"], TO_PUBLICITY[2:])
    assert "publicity" in elements(moved)
    assert _stored(api, case["id"])[storage.FORMAT_KEY] == storage.FORMAT
    history = [e["type"] for e in api.history(case["id"])]
    assert history.count("task.completed") == 4


def test_every_step_of_an_approval_reads_and_writes_the_compact_form(api: Api, database_url: str) -> None:
    closed = approve(api)
    assert closed["status"] == "approved"
    stored = _stored(api, closed["id"])
    assert stored[storage.FORMAT_KEY] == storage.FORMAT and isinstance(stored["tasks"], list)
    path = api.client.get(f"/api/v1/cases/{closed['id']}/path", headers=api.headers("admin")).json()
    assert path["completed"][-1] == "closed_approved" and {"accept", "review", "confirm", "archive"} <= set(path["completed"])
