"""Users, tokens, roles and region scope."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, select, true, update
from sqlalchemy.orm import Session

from ..errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from ..roles import ADMIN, ROLES
from .models import ApiToken, User

Row = TypeVarTuple("Row")

REGION = re.compile(r"^\d{12}$")
_SEGMENTS = (2, 2, 2, 3, 3)  # province, city, county, township, village


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scope_prefix(region: str) -> str:
    """A region code with trailing all-zero segments removed: ``220283101000`` → ``220283101``."""
    parts, start = [], 0
    for size in _SEGMENTS:
        parts.append(region[start : start + size])
        start += size
    while parts and set(parts[-1]) == {"0"}:
        parts.pop()
    return "".join(parts)


def in_scope(user: User, region: str) -> bool:
    return user.role == ADMIN or region.startswith(scope_prefix(user.region))


def within(column: Any, prefix: str) -> ColumnElement[bool]:
    """Region codes starting with ``prefix`` (digits), as a range a plain btree index serves under any collation."""
    if not prefix:
        return true()
    following = str(int(prefix) + 1).zfill(len(prefix))
    if len(following) > len(prefix):  # an all-nines prefix has no next code of its length
        return column >= prefix  # type: ignore[no-any-return]
    return and_(column >= prefix, column < following)


def scoped(query: Select[*Row], user: User, column: Any, digits: int | None = None) -> Select[*Row]:
    """Only the rows whose region ``column`` the user's region covers (an admin: all of them).

    ``digits``: the column holds codes that short (a 6-digit county): a user below it sees its rows.
    """
    if user.role == ADMIN:
        return query
    return query.where(within(column, scope_prefix(user.region)[:digits]))


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"role '{user.role}' may not do this (needs {' or '.join(roles)})")


def check_region(region: str) -> None:
    if not REGION.match(region or ""):
        raise Invalid(f"region must be a 12-digit administrative code, got {region!r}", ("region",))


def create_user(session: Session, name: str, role: str, region: str, now: datetime) -> User:
    if role not in ROLES:
        raise Invalid(f"role must be one of {', '.join(ROLES)}", ("role",))
    check_region(region)
    if not name.strip():
        raise Invalid("name must not be empty", ("name",))
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise Conflict(f"user '{name}' already exists")
    user = User(name=name, role=role, region=region, created_at=now)
    session.add(user)
    session.flush()
    return user


def issue_token(session: Session, user: User, now: datetime, days: int) -> str:
    """A new random token; only its hash is stored."""
    token = "jz_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), created_at=now, expires_at=now + timedelta(days=days)))
    session.flush()
    return token


def find_user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user '{name}'")
    return user


def revoke_tokens(session: Session, user: User, now: datetime) -> int:
    result = session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def authenticate(session: Session, token: str | None, now: datetime) -> User:
    if not token:
        raise Unauthorized("missing bearer token")
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= now or row.user.disabled_at is not None:
        raise Unauthorized("invalid, expired or revoked token")
    return row.user
