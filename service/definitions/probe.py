"""Trying an expression that reads no case data under every rule pack, as a deployment check.

A timer such as ``after_working_days(rule('confirm_days'))`` or a stage deadline such as
``rule('investigation_days')`` needs no case data, so whether it evaluates can be known when the
diagram is deployed: a misspelt rule name is refused then, naming the element, rather than
failing when the first case reaches it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..calendar.functions import CaseFacts, host_functions
from ..calendar.rules import KINDS, RuleBook
from ..calendar.workdays import WorkingCalendar
from ..clock import start_of
from ..engine import EvaluationFailed, ExpressionError
from ..engine.expressions import evaluate

PROBE_DAY = date(2026, 1, 5)  # a working Monday well inside the calendar's years


class Probe:
    """Callable as the loader's probe: ``probe(expression, process_key_or_None)`` → a value."""

    def __init__(self, rules: RuleBook, calendar: WorkingCalendar | None = None) -> None:
        self.rules = rules
        self.calendar = calendar or WorkingCalendar()
        self.now: datetime = start_of(PROBE_DAY).replace(hour=9)

    def _evaluate(self, expression: str, kind: str, pack_id: str) -> Any:
        facts = CaseFacts(kind=kind, pack=self.rules.get(pack_id), accepted_on=PROBE_DAY, extended=False)
        return evaluate(expression, {}, host_functions(self.calendar, facts, self.now))

    def __call__(self, expression: str, key: str | None) -> Any:
        """The value under the default pack; refused when any pack cannot evaluate it.

        A process named after a kind is tried as that kind; anything else (a decision, another
        process) passes a pack when at least one kind evaluates there.
        """
        kinds = (key,) if key in KINDS else KINDS
        value: Any = None
        for pack_id in sorted(self.rules.packs, key=lambda p: p != self.rules.default_id):
            failure: ExpressionError | None = None
            for kind in kinds:
                try:
                    result = self._evaluate(expression, kind, pack_id)
                except ExpressionError as exc:
                    failure = failure or exc
                    continue
                if pack_id == self.rules.default_id and value is None:
                    value = result
                failure = None
                break
            if failure is not None:
                raise EvaluationFailed(expression, f"does not evaluate under rule pack '{pack_id}': {failure.reason}")
        return value
