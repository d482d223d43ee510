"""Tokens are hashed at rest, expire and can be revoked; scopes follow the region code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from service.auth import service as auth
from service.auth.models import ApiToken
from service.db import transaction
from service.errors import Conflict, Invalid, Unauthorized

from ..factories import Api


@pytest.mark.parametrize(("region", "prefix"), [
    ("220283101000", "220283101"), ("220283101001", "220283101001"), ("220283000000", "220283"),
    ("220000000000", "22"), ("000000000000", ""), ("220283100000", "220283100"),
])
def test_scope_prefix_drops_trailing_zero_segments(region: str, prefix: str) -> None:
    assert auth.scope_prefix(region) == prefix


def test_tokens_are_stored_hashed_and_expire(api: Api) -> None:
    with transaction(api.services.sessions) as session:
        now = api.clock.now()
        user = auth.create_user(session, "w", "township", "220283101000", now)
        token = auth.issue_token(session, user, now, days=1)
        stored = session.scalar(select(ApiToken.token_hash).where(ApiToken.user_id == user.id))
    assert token not in str(stored) and stored == auth.hash_token(token)
    with api.services.sessions() as session:
        assert auth.authenticate(session, token, now).name == "w"
        with pytest.raises(Unauthorized):
            auth.authenticate(session, token, now + timedelta(days=1, seconds=1))


def test_revoked_tokens_are_refused(api: Api) -> None:
    headers = api.headers()
    assert api.client.get("/api/v1/tasks", headers=headers).status_code == 200
    with transaction(api.services.sessions) as session:
        user = auth.authenticate(session, headers["Authorization"].split()[1], api.clock.now())
        assert auth.revoke_tokens(session, user, api.clock.now()) == 1
    assert api.client.get("/api/v1/tasks", headers=headers).status_code == 401


def test_user_creation_checks_role_region_and_uniqueness(api: Api) -> None:
    with transaction(api.services.sessions) as session:
        now = api.clock.now()
        with pytest.raises(Invalid):
            auth.create_user(session, "a", "mayor", "220283101000", now)
        with pytest.raises(Invalid):
            auth.create_user(session, "a", "township", "2202831", now)
        auth.create_user(session, "a", "township", "220283101000", now)
        with pytest.raises(Conflict):
            auth.create_user(session, "a", "county", "220283000000", now)
