"""Users and API tokens: ``jiuzhu user add|token|revoke``."""

from __future__ import annotations

from typing import Annotated

import typer

from ..roles import ROLES
from .base import open_services, refuse, user_app


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help=" or ".join(ROLES))],
    region: Annotated[str, typer.Option(help="12-digit administrative code, e.g. 220283101000")],
    days: Annotated[int, typer.Option(help="days until the token expires")] = 0,
    topics: Annotated[str, typer.Option(help="role service: its topics and message names, comma-separated")] = "",
) -> None:
    """Create a user and print a new API token as the last line."""
    from ..auth import service as auth
    from ..db import transaction
    from ..errors import Conflict, ServiceError
    from ..startup import prepare

    services = open_services()
    prepare(services, deploy=False)
    now = services.clock.now()
    try:
        with transaction(services.sessions) as session:
            user = auth.create_user(session, name, role, region, now, [t.strip() for t in topics.split(",") if t.strip()])
            token = auth.issue_token(session, user, now, days or services.settings.token_days)
    except Conflict:
        print(f"User {name} already exists; nothing was changed. For a new token: jiuzhu user token {name}")
        raise typer.Exit(1) from None
    except ServiceError as exc:
        refuse(exc.detail)
    extra = f", topics {', '.join(user.topics)}" if user.topics else ""
    print(f"user {name}: role {role}, region {region} (scope {auth.scope_prefix(region) or 'all'}){extra}")
    print(token)


@user_app.command("token")
def user_token(name: str, days: Annotated[int, typer.Option(help="days until the token expires")] = 0) -> None:
    """Issue another token for an existing user (printed as the last line)."""
    from ..auth import service as auth
    from ..db import transaction
    from ..errors import ServiceError

    services = open_services()
    now = services.clock.now()
    try:
        with transaction(services.sessions) as session:
            token = auth.issue_token(session, auth.find_user(session, name), now, days or services.settings.token_days)
    except ServiceError as exc:
        refuse(exc.detail)
    print(token)


@user_app.command("revoke")
def user_revoke(name: str) -> None:
    """Revoke every token of a user."""
    from ..auth import service as auth
    from ..db import transaction
    from ..errors import ServiceError

    services = open_services()
    try:
        with transaction(services.sessions) as session:
            count = auth.revoke_tokens(session, auth.find_user(session, name), services.clock.now())
    except ServiceError as exc:
        refuse(exc.detail)
    print(f"revoked {count} token(s) of {name}")
