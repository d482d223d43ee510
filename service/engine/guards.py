"""The sandbox's limits and guarded operators: what an expression may build, and how much work it may do.

Sizes are counted the way the interpreter would pay for them: a value's *size* is its items, each
nested value's items counted again wherever it appears (``[[0] * 1000] * 1000`` is a million, not a
thousand). Every operator, call and literal of a compiled expression checks the size of what it is
given or builds, and ``*`` checks before it builds, so no builtin (``str``, ``max``, ``sorted``,
``==`` ...) ever sees a value larger than the limit: one long C-level call cannot escape the budget.
Steps (comprehension items, calls) are counted and the thread's CPU time is checked as they go.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

TOO_DEEP = "too deeply nested to check; split it into simpler expressions"
MAX_ROUND_DIGITS = 30


@dataclass(frozen=True)
class Limits:
    """What one evaluation may do; the service sets them from its settings at start-up (:func:`configure`)."""

    max_source: int = 4000  # characters in one expression or script
    max_size: int = 100_000  # items in one value, nested values counted each time they appear
    max_int_bits: int = 4096  # roughly 1,200 decimal digits
    max_steps: int = 10_000  # comprehension items and calls in one evaluation
    cpu_seconds: float = 0.5  # CPU time of one evaluation


LIMITS = Limits()


def configure(limits: Limits) -> None:
    """Use these limits for every evaluation from now on (deploy checks, what-if, cases)."""
    global LIMITS  # noqa: PLW0603 - one process-wide setting, read on every evaluation
    LIMITS = limits


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


class Overrun(ValueError):
    """An evaluation went over a limit of work (size, steps, CPU time): never retried, always reported."""


_SCALARS = (bool, float, type(None))


def size_of(value: Any, limit: int) -> int:
    """Items in ``value``, nested ones counted wherever they appear; stops counting once past ``limit``.

    The walk itself never does more than ``limit`` steps, however many times a list repeats itself.
    """
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            total += 1 + len(item)
        elif kind is int:
            total += 1 + item.bit_length() // 64
        elif kind is list or kind is tuple:
            total += 1 + len(item)
            if total > limit:
                return total
            stack.extend(item)
        elif kind is dict:
            total += 1 + 2 * len(item)
            if total > limit:
                return total
            stack.extend(item.keys())
            stack.extend(item.values())
        else:
            total += 1
        if total > limit:
            return total
    return total


class _Frame:
    """The state of one evaluation: names visible, functions callable, budget left."""

    __slots__ = ("names", "functions", "locals", "steps", "deadline", "limits")

    def __init__(self, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> None:
        self.names = names
        self.functions = functions
        self.locals: dict[str, Any] = {}
        self.steps = 0
        self.limits = LIMITS
        self.deadline = 0.0  # set at the first check: an evaluation too small to reach one never reads the clock

    def tick(self) -> None:
        self.steps += 1
        if self.steps > self.limits.max_steps:
            raise Overrun(f"more than {self.limits.max_steps} steps")
        if self.steps % 128 == 0:
            self.check_time()

    def check_time(self) -> None:
        """The thread's CPU time against the budget. The clock is read only here (it costs a system call),
        every 128 steps and after every large value; the work before the first check is that small."""
        now = time.thread_time()
        if not self.deadline:
            self.deadline = now + self.limits.cpu_seconds
        elif now > self.deadline:
            raise Overrun(f"took more than {self.limits.cpu_seconds} s of CPU time")

    def bound(self, value: Any) -> Any:
        """``value`` if it is within the size limits; the check costs at most the limit's items."""
        kind = type(value)
        if kind in _SCALARS:
            return value
        if kind is int:
            if value.bit_length() > self.limits.max_int_bits:
                raise Overrun("number too large")
            return value
        if kind is str and len(value) <= 64:
            return value
        limit = self.limits.max_size
        size = size_of(value, limit)
        if size > limit:
            raise Overrun(f"value larger than {limit} items")
        if size > 1000:
            self.check_time()
        return value

    def size(self, value: Any) -> int:
        return size_of(value, self.limits.max_size)


Node = Callable[[_Frame], Any]


def _add(f: _Frame, a: Any, b: Any) -> Any:
    return f.bound(a + b)  # at most the two sizes together: cheap to build, then checked


def _mult(f: _Frame, a: Any, b: Any) -> Any:
    for seq, times in ((a, b), (b, a)):
        if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and f.size(seq) * max(times, 0) > f.limits.max_size:
            raise Overrun(f"result larger than {f.limits.max_size} items")
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > f.limits.max_int_bits:
        raise Overrun("number too large")
    return f.bound(a * b)


def _pow(f: _Frame, a: Any, b: Any) -> Any:
    bits = f.limits.max_int_bits
    if isinstance(a, int) and isinstance(b, int) and b > 0 and max(a.bit_length(), 1) * b > bits:
        raise Overrun("number too large")
    if isinstance(b, (int, float)) and abs(b) > bits:
        raise Overrun("exponent too large")
    result = a**b
    if isinstance(result, complex):
        raise ValueError("complex result")
    return result


def _mod(f: _Frame, a: Any, b: Any) -> Any:
    if isinstance(a, (str, bytes)):
        raise ValueError("string formatting with % is not allowed")
    return a % b


_BINOPS: dict[type[ast.operator], Callable[[_Frame, Any, Any], Any]] = {
    ast.Add: _add,
    ast.Sub: lambda f, a, b: a - b,
    ast.Mult: _mult,
    ast.Div: lambda f, a, b: a / b,
    ast.FloorDiv: lambda f, a, b: a // b,
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


def _safe_round(value: Any, ndigits: Any = None) -> Any:
    if ndigits is None:
        return round(value)
    if type(ndigits) is not int or abs(ndigits) > MAX_ROUND_DIGITS:
        raise ValueError(f"round() takes at most {MAX_ROUND_DIGITS} digits")
    return round(value, ndigits)


def _safe_sum(values: Any, start: Any = 0) -> Any:
    """Numbers only: adding up lists or strings would copy them again at every item."""
    items = list(values)
    if any(type(v) not in (int, float, bool) for v in [*items, start]):
        raise ValueError("sum() adds numbers only")
    return sum(items, start)


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
    "sum": _safe_sum,
    "sorted": sorted,
    "any": any,
    "all": all,
}


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"key {exc.args[0]!r} not found"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return str(exc) or type(exc).__name__
