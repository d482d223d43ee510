"""A bounded schemathesis run over every operation in /openapi.json: no input gives a 5xx.

Each generated request is sent as an admin and as a township caseworker (so both the scoped and the
unscoped paths run). Examples are derandomised, so a CI failure reproduces exactly.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from service.app import create_app
from service.auth import service as auth
from service.config import Settings
from service.db import transaction
from service.startup import prepare

EXAMPLES = 20
_DB = Path(tempfile.mkdtemp(prefix="jiuzhu-schemathesis-")) / "api.db"
APP = create_app(Settings(database_url=f"sqlite:///{_DB}", timers_in_server=False, fake_clock=True))
prepare(APP.state.services)
TOKENS: dict[str, str] = {}
with transaction(APP.state.services.sessions) as _session:
    _now = APP.state.services.clock.now()
    for _role, _region in (("admin", "000000000000"), ("township", "220283101000")):
        _user = auth.create_user(_session, f"schemathesis-{_role}", _role, _region, _now)
        TOKENS[_role] = auth.issue_token(_session, _user, _now, 30)

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gives_a_server_error(case) -> None:  # type: ignore[no-untyped-def]
    for token in TOKENS.values():
        response = case.call(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text[:500])
