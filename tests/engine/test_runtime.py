"""How a case's workflow is stored: without its spec, which the case's process version gives back."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from service.clock import SHANGHAI
from service.engine import SERIALIZER_VERSION, Instance, ProcessError
from service.engine.rows import SERIALIZER

from ..factories import CONFIRM, TO_PUBLICITY
from .walker import Walker, compiled

AFTER_PUBLICITY = datetime(2026, 11, 10, 0, 1, tzinfo=SHANGHAI)


def in_publicity() -> Walker:
    w = Walker("dibao", "dibao")
    w.walk(TO_PUBLICITY)
    return w


def full_row(w: Walker) -> str:
    """The case's JSON as rows were written before specs were left out: the serializer's own, spec included."""
    return str(SERIALIZER.serialize_json(w.instance().workflow))


def test_a_row_is_written_without_the_spec_and_with_the_serializer_version() -> None:
    w = in_publicity()
    stored = json.loads(w.snapshot.state)
    assert "spec" not in stored and "subprocess_specs" not in stored
    assert stored["serializer_version"] == SERIALIZER_VERSION
    assert len(w.snapshot.state) < len(full_row(w)) / 2
    w.wait_until(AFTER_PUBLICITY)  # restored from the spec-less row, on the compiled spec
    assert w.roles() == {"confirm": "township"}


def test_a_row_written_with_its_spec_still_restores_and_is_then_written_without() -> None:
    w = in_publicity()
    full = full_row(w)
    assert "spec" in json.loads(full)
    instance = Instance.restore(w.process, full)
    assert instance.workflow.spec is w.process.spec  # the compiled spec is reused, not rebuilt
    w.now = AFTER_PUBLICITY
    w.snapshot = instance.fire_timers(w.host())
    assert w.roles() == {"confirm": "township"}
    assert "spec" not in json.loads(w.snapshot.state)
    w.do("confirm", CONFIRM)
    assert "archive" in w.at


def test_a_row_whose_own_spec_differs_is_rebuilt_from_it_and_keeps_it() -> None:
    w = in_publicity()
    other = compiled("tekun")  # another process: the stored spec is the only one that fits
    instance = Instance.restore(other, full_row(w))
    assert instance.workflow.spec is not other.spec
    snapshot = instance.snapshot(w.host())
    assert {p.element_id for p in snapshot.positions} == {"publicity", "deadline"}
    assert json.loads(snapshot.state)["spec"]["name"] == "dibao"  # written with its spec again


def test_a_spec_less_row_that_does_not_fit_the_process_is_refused() -> None:
    w = in_publicity()
    with pytest.raises(ProcessError, match="does not fit its process version"):
        Instance.restore(compiled("linshi"), w.snapshot.state)
