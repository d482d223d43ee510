"""Masking personal data for readers who do not need it."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from stdnum.cn import ric

FULL_ID_ROLES = ("township", "county")  # the caseworkers who check identities against the platforms
# an 18-character resident ID (or a 15-digit old one) standing alone in free text
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8}\d{3}[\dXx]|\d{6}\d{3})(?![0-9A-Za-z])")


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


def _looks_like_id(candidate: str) -> bool:
    """A checksum-valid 18-character ID, or a 15-digit one with a real birth date (not any long number)."""
    number = candidate.upper()
    born = (number[6:10], number[10:12], number[12:14]) if len(number) == 18 else ("19" + number[6:8], number[8:10], number[10:12])
    if len(number) == 18 and number[-1] != ric.calc_check_digit(number):
        return False
    try:
        date(int(born[0]), int(born[1]), int(born[2]))
    except ValueError:
        return False
    return True


def mask_ids_in(text: str) -> str:
    """Free text with every resident ID number in it masked as the ID fields are (``220283********1234``)."""
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)) if _looks_like_id(m.group(0)) else m.group(0), text)


def data_for(role: str, value: Any) -> Any:
    """Task data or history as a reader of this role may see it: free text (findings, notes, minutes) with
    the resident ID numbers in it masked, as the ID fields are, for those who do not check identities."""
    if role in FULL_ID_ROLES:
        return value
    if isinstance(value, str):
        return mask_ids_in(value)
    if isinstance(value, list):
        return [data_for(role, item) for item in value]
    if isinstance(value, dict):
        return {key: data_for(role, item) for key, item in value.items()}
    return value
