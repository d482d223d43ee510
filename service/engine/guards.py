"""The sandbox's limits and guarded operators: what an expression may build, and how big.

Every operator a compiled expression uses comes from here: sizes of numbers, strings and lists are
bounded, ``%`` formatting is refused, and the builtins a diagram may call are a short, pure list.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Mapping
from typing import Any

MAX_SOURCE = 4000  # characters in one expression or script
MAX_LEN = 100_000  # items in a string or list built by an expression
MAX_INT_BITS = 4096  # roughly 1,200 decimal digits
MAX_ITERATIONS = 10_000  # comprehension steps in one evaluation
MAX_SECONDS = 0.5  # wall time for one evaluation
TOO_DEEP = "too deeply nested to check; split it into simpler expressions"

SAFE_METHODS: dict[type, set[str]] = {
    str: {"lower", "upper", "strip", "startswith", "endswith"},
    dict: {"get", "keys", "values", "items"},
}
_METHOD_NAMES = set().union(*SAFE_METHODS.values())


class ExpressionError(Exception):
    """An expression was refused or failed; ``reason`` is readable by a process designer."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{reason}: {source!r}")
        self.source = source
        self.reason = reason


class ForbiddenExpression(ExpressionError):
    """The text uses syntax, names or functions outside the whitelist."""


class EvaluationFailed(ExpressionError):
    """The text is allowed but failed when evaluated (undefined name, wrong type, too large)."""


def _bounded_len(value: Any) -> None:
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_LEN:
        raise ValueError(f"result longer than {MAX_LEN}")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise ValueError("number too large")


def _add(a: Any, b: Any) -> Any:
    result = a + b
    _bounded_len(result)
    return result


def _mult(a: Any, b: Any) -> Any:
    for seq, times in ((a, b), (b, a)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * max(times, 0) > MAX_LEN:
            raise ValueError(f"result longer than {MAX_LEN}")
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise ValueError("number too large")
    return a * b


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and max(a.bit_length(), 1) * b > MAX_INT_BITS:
        raise ValueError("number too large")
    if isinstance(b, (int, float)) and abs(b) > MAX_INT_BITS:
        raise ValueError("exponent too large")
    result = a**b
    if isinstance(result, complex):
        raise ValueError("complex result")
    return result


def _mod(a: Any, b: Any) -> Any:
    if isinstance(a, (str, bytes)):
        raise ValueError("string formatting with % is not allowed")
    return a % b


_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: _mult,
    ast.Div: lambda a, b: a / b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: _mod,
    ast.Pow: _pow,
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.Not: lambda a: not a,
    ast.USub: lambda a: -a,
    ast.UAdd: lambda a: +a,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
}


def _safe_round(value: Any, ndigits: int | None = None) -> Any:
    return round(value, ndigits) if ndigits is not None else round(value)


_PURE = {"len", "abs", "int", "float", "str", "bool", "round", "min", "max"}  # folded when their arguments are constant
BUILTINS: dict[str, Callable[..., Any]] = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "round": _safe_round,
    "int": int,
    "float": float,
    "str": str,
    "bool": bool,
    "sum": sum,
    "sorted": sorted,
    "any": any,
    "all": all,
}


class _Frame:
    """The state of one evaluation: names visible, functions callable, budget left."""

    __slots__ = ("names", "functions", "locals", "steps", "deadline")

    def __init__(self, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
        self.names = names
        self.functions = functions
        self.locals: dict[str, Any] = {}
        self.steps = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_ITERATIONS:
            raise ValueError(f"more than {MAX_ITERATIONS} steps")
        if self.steps % 256 == 0 and time.monotonic() > self.deadline:
            raise ValueError(f"took longer than {MAX_SECONDS} s")


Node = Callable[[_Frame], Any]


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"key {exc.args[0]!r} not found"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return str(exc) or type(exc).__name__
