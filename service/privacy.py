"""Masking personal data for readers who do not need it."""

from __future__ import annotations

FULL_ID_ROLES = ("township", "county")  # the caseworkers who check identities against the platforms


def mask_id(id_number: str) -> str:
    """``220283199001011234`` → ``220283********1234``: region kept, birth date and sequence hidden."""
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_name(name: str) -> str:
    """``张三`` → ``张*``; ``欧阳小明`` → ``欧***``."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def id_for(role: str, id_number: str) -> str:
    return id_number if role in FULL_ID_ROLES else mask_id(id_number)


def mask_account(account: str | None) -> str | None:
    """A bank account with only its last four characters: ``6228480012345678`` → ``************5678``."""
    if not account:
        return account
    return "*" * max(len(account) - 4, 0) + account[-4:]
