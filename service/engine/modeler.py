"""Files drawn in Camunda Modeler run as drawn, where the meaning is the same as ours.

- **Timers.** Camunda writes a timer's text as a bare ISO 8601 literal (``P7D``, ``R3/PT1H``,
  ``2026-12-01T09:00:00+08:00``); for SpiffWorkflow timer texts are expressions. A text that is
  one whole ISO 8601 date, duration or cycle is taken as that literal (quoted before parsing).
- **DMN input entries.** The DMN standard writes input entries as S-FEEL simple unary tests:
  ``"dibao","tekun"``, ``<= 1000``, ``[1..5]``, ``(0..500]``, ``not("x")``, ``-``, ``true``.
  Each is rewritten into the Python-style cell SpiffWorkflow evaluates (``?`` stands for the
  input), so both styles can be mixed in one table and every cell still goes through the safe
  evaluator. A cell that is neither style is refused with the cell's id and the reason.
"""

from __future__ import annotations

import re

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")
_ISO = re.compile(
    r"^(R\d*/[^\s'\"]+"  # a cycle: R3/PT1H, R/2026-12-01T09:00:00Z/P1D
    r"|P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"  # a duration
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)$"  # a date or date-time
)


def iso_literal(text: str) -> bool:
    """Whether a timer text is one bare ISO 8601 date, duration or cycle (not an expression)."""
    return bool(_ISO.match(text.strip()))


def quote_iso_timers(root: etree._Element) -> None:
    """Write every bare ISO 8601 timer text as the string literal it means, in place."""
    for tag in TIMER_TAGS:
        for node in root.iter(f"{{{BPMN_NS}}}{tag}"):
            text = (node.text or "").strip()
            if text and iso_literal(text):
                node.text = repr(text)


# -- S-FEEL simple unary tests ----------------------------------------------------------------

_NUMBER = r"-?\d+(?:\.\d+)?"
_STRING = r'"(?:[^"\\]|\\.)*"'
_ENDPOINT = rf"(?:{_NUMBER}|{_STRING})"
_INTERVAL = re.compile(rf"^([\[\](])\s*({_ENDPOINT})\s*\.\.\s*({_ENDPOINT})\s*([\[\])])$")
_COMPARISON = re.compile(rf"^(<=|>=|<|>)\s*({_ENDPOINT})$")
_LITERALS = {"true": "True", "false": "False", "null": "None"}


class NotUnaryTests(ValueError):
    """The cell is not S-FEEL simple unary tests (it may still be a Python-style cell)."""


def _split(text: str) -> list[str]:
    """Split on commas outside double-quoted strings (intervals and comparisons hold no commas)."""
    parts, quoted, current = [], False, ""
    for index, char in enumerate(text):
        if char == '"' and (index == 0 or text[index - 1] != "\\"):
            quoted = not quoted
        if char == "," and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return parts


def _positive(test: str) -> str:
    """One positive unary test as a Python-style condition on ``?``."""
    if test in _LITERALS:
        return f"? == {_LITERALS[test]}"
    if re.fullmatch(_ENDPOINT, test):
        return f"? == {test}"
    match = _COMPARISON.match(test)
    if match:
        return f"? {match.group(1)} {match.group(2)}"
    match = _INTERVAL.match(test)
    if match:
        opening, low, high, closing = match.groups()
        left = "<=" if opening == "[" else "<"
        right = "<=" if closing == "]" else "<"
        return f"{low} {left} ? {right} {high}"
    raise NotUnaryTests(test)


def unary_tests(text: str) -> str:
    """S-FEEL simple unary tests as one Python-style cell, or NotUnaryTests."""
    text = text.strip()
    negated = re.fullmatch(r"not\s*\((.*)\)", text, flags=re.DOTALL)
    body = negated.group(1).strip() if negated else text
    tests = [_positive(t) for t in _split(body)]
    joined = tests[0] if len(tests) == 1 else " or ".join(f"({t})" for t in tests)
    return f"not ({joined})" if negated else joined


def _sfeel_only(text: str) -> bool:
    """Cells whose meaning differs (or that fail) when read Python-style: lists, intervals, not(), literals."""
    stripped = text.strip()
    return (stripped in _LITERALS or stripped.startswith(("[", "]", "(", "not(", "not ("))
            or len(_split(stripped)) > 1)


def input_entry(text: str) -> str:
    """The cell SpiffWorkflow should evaluate for an input entry as written in a DMN file.

    S-FEEL is tried first where the two styles differ (``"a","b"`` is a tuple in Python, ``not("x")``
    is False); a cell that is not S-FEEL is left as written, for the Python-style check to judge.
    """
    if not _sfeel_only(text):
        return text  # a value, or an operator and operand: the same in both styles
    try:
        return unary_tests(text)
    except NotUnaryTests:
        return text


def output_entry(text: str) -> str:
    """FEEL's true, false and null in an output entry are Python's True, False and None."""
    return _LITERALS.get(text.strip(), text)


def translate_decision(decision: etree._Element, ns: str) -> None:
    """Rewrite the decision's S-FEEL input entries and FEEL output literals in place."""
    for tag, translate in (("inputEntry", input_entry), ("outputEntry", output_entry)):
        for node in decision.iter(f"{{{ns}}}{tag}"):
            text_node = node.find(f"{{{ns}}}text")
            text = (text_node.text or "").strip() if text_node is not None else ""
            if text_node is not None and text and text != "-":
                text_node.text = translate(text)
