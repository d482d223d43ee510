"""Checking submitted task data against the form its diagram declares."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..engine import ExpressionError, FieldSpec
from ..engine.expressions import evaluate
from ..errors import Invalid, problem
from ..privacy import mask_ids_in

MAX_STRING, MAX_TEXT, MAX_ITEMS = 200, 10_000, 100
MAX_KEY, MAX_ENTRIES = 40, 5_000  # a map: one entry per case of a review batch, say


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, dict)) and not value)


def name_key(name: str) -> str:
    """Names compare after normalising width (ＡＢ → AB) and dropping spaces: "王 五" and "王五" are one person."""
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _repeated(names: list[str]) -> int | None:
    """The position (1-based) of the first name that repeats an earlier one, or None."""
    seen: set[str] = set()
    for position, name in enumerate(names, 1):
        key = name_key(name)
        if key in seen:
            return position
        seen.add(key)
    return None


def _text_item(item: Any) -> bool:
    return isinstance(item, str) and bool(item.strip()) and len(item) <= MAX_STRING


def _check_list(field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list):
        return value, "must be a list of names or texts"
    if len(value) > MAX_ITEMS:
        return value, f"at most {MAX_ITEMS} items"
    if not all(_text_item(item) for item in value):
        return value, f"each item must be a non-empty text of at most {MAX_STRING} characters"
    items = [mask_ids_in(item.strip()) for item in value]
    if field.options and any(item not in field.options for item in items):
        return items, f"each item must be one of {', '.join(field.options)}"
    repeated = _repeated(items)
    if repeated is not None:
        return items, f"item {repeated} repeats an earlier one (names are compared without spaces and width): each must be distinct"
    if field.min_items is not None and len(items) < field.min_items:
        return items, f"at least {field.min_items} required (got {len(items)})"
    return items, None


def _check_attendees(field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """A meeting's attendees, each ``{"name": ..., "role": one of the options}``: distinct people, enough of them."""
    shape = f"each attendee is {{\"name\": text, \"role\": one of {', '.join(field.options)}}}"
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        return value, f"must be a list of at most {MAX_ITEMS} attendees: {shape}"
    if not all(isinstance(a, dict) and set(a) == {"name", "role"} and _text_item(a["name"]) and a["role"] in field.options
               for a in value):
        return value, shape
    items = [{"name": a["name"].strip(), "role": a["role"]} for a in value]
    repeated = _repeated([a["name"] for a in items])
    if repeated is not None:
        return items, f"attendee {repeated} repeats an earlier one (names are compared without spaces and width): each must be distinct"
    if field.min_items is not None and len(items) < field.min_items:
        return items, f"at least {field.min_items} different people required (got {len(items)})"
    return items, None


def _check_map(field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    """An object from short keys (case numbers) to one of ``options``, or to a text when there are none."""
    if not isinstance(value, dict):
        return value, "must be an object of keys and values"
    if len(value) > MAX_ENTRIES:
        return value, f"at most {MAX_ENTRIES} entries"
    out = {}
    for key, item in value.items():
        if not key.strip() or len(key) > MAX_KEY:
            return value, f"each key must be a non-empty text of at most {MAX_KEY} characters"
        if field.options and item not in field.options:
            return value, f"{key}: must be one of {', '.join(field.options)}"
        if not field.options and (not isinstance(item, str) or len(item) > MAX_STRING * 5):
            return value, f"{key}: must be a text of at most {MAX_STRING * 5} characters"
        out[key.strip()] = item.strip() if isinstance(item, str) else item
    return out, None


def _check_number(field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return value, "must be a number"
    if field.type == "integer" and int(value) != value:
        return value, "must be a whole number"
    if field.type == "integer":
        value = int(value)
    if field.min is not None and value < field.min:
        return value, f"must be at least {field.min:g}"
    if field.max is not None and value > field.max:
        return value, f"must be at most {field.max:g}"
    if field.exclusive_min is not None and value <= field.exclusive_min:
        return value, f"must be greater than {field.exclusive_min:g}"
    return value, None


def _check_value(field: FieldSpec, value: Any) -> tuple[Any, str | None]:  # noqa: C901 - one branch per type
    kind = field.type
    if kind == "boolean":
        return value, None if isinstance(value, bool) else "must be true or false"
    if kind in ("integer", "number"):
        return _check_number(field, value)
    if kind in ("string", "text"):
        limit = MAX_STRING if kind == "string" else MAX_TEXT
        if not isinstance(value, str):
            return value, "must be a text"
        return mask_ids_in(value.strip()), None if len(value) <= limit else f"at most {limit} characters"
    if kind == "enum":
        return value, None if value in field.options else f"must be one of {', '.join(field.options)}"
    if kind == "date":
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value).isoformat(), None
            except ValueError:
                pass
        return value, "must be a date YYYY-MM-DD"
    if kind == "list":
        return _check_list(field, value)
    if kind == "attendees":
        return _check_attendees(field, value)
    if kind == "map":
        return _check_map(field, value)
    if kind == "document":  # its shape here; that it is this case's document of the kind: documents.service.check_fields
        ok = isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)
        return value, None if ok else "must be the id of a document uploaded to this case"
    return value, f"unsupported field type {kind}"


def _required(field: FieldSpec, values: Mapping[str, Any]) -> bool:
    if field.required_when is None:
        return field.required
    try:
        return bool(evaluate(field.required_when, values))
    except ExpressionError:
        return False  # the field it depends on is itself missing or wrong, and reported


def validate(form: tuple[FieldSpec, ...], data: Any) -> dict[str, Any]:
    """The cleaned data, or 422 listing every field that is wrong and why."""
    if not isinstance(data, dict):
        raise Invalid([problem(("body", "data"), "must be an object of form fields")])
    problems = [problem(("body", "data", key), "unexpected field (not in this task's form)", "extra_forbidden")
                for key in data if key not in {f.name for f in form}]
    cleaned: dict[str, Any] = {}
    for field in form:
        if field.name in data and not _blank(data[field.name]):
            value, error = _check_value(field, data[field.name])
            if error:
                problems.append(problem(("body", "data", field.name), f"{field.label}: {error}"))
            else:
                cleaned[field.name] = value
    for field in form:
        present = field.name in data and not _blank(data[field.name])
        if not present and _required(field, cleaned):
            message = f"at least {field.min_items} required" if field.min_items and isinstance(data.get(field.name), list) else "field required"
            problems.append(problem(("body", "data", field.name), f"{field.label}: {message}", "missing"))
        elif not present and field.name in data:
            cleaned[field.name] = {"list": [], "attendees": [], "map": {}}.get(field.type)
    if problems:
        raise Invalid(problems)
    return cleaned
