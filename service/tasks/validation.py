"""Checking submitted task data against the form its diagram declares."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..engine import ExpressionError, FieldSpec
from ..engine.expressions import evaluate
from ..errors import Invalid, problem

MAX_STRING, MAX_TEXT, MAX_ITEMS = 200, 10_000, 100
MAX_KEY, MAX_ENTRIES = 40, 5_000  # a map: one entry per case of a review batch, say


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, (list, dict)) and not value)


def _check_list(field: FieldSpec, value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, list):
        return value, "must be a list of names or texts"
    if len(value) > MAX_ITEMS:
        return value, f"at most {MAX_ITEMS} items"
    items = []
    for item in value:
        if not isinstance(item, str) or not item.strip() or len(item) > MAX_STRING:
            return value, f"each item must be a non-empty text of at most {MAX_STRING} characters"
        items.append(item.strip())
    if field.min_items is not None and len(items) < field.min_items:
        return items, f"at least {field.min_items} required (got {len(items)})"
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
        return value.strip(), None if len(value) <= limit else f"at most {limit} characters"
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
    if kind == "map":
        return _check_map(field, value)
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
            cleaned[field.name] = {"list": [], "map": {}}.get(field.type)
    if problems:
        raise Invalid(problems)
    return cleaned
