"""The safe evaluator for every expression and script in a BPMN or DMN file.

SpiffWorkflow would hand these texts to Python's ``eval``/``exec``. We never do: a text is parsed,
checked against a whitelist of syntax, and compiled into closures whose operators are guarded
(sizes of numbers, strings and lists are bounded; loops do not exist; comprehensions are
counted). Functions are only those the host passes in by name. Attribute access is refused,
except a few read-only methods of ``str`` and ``dict``.

This module is the entry point; the limits and guarded operators are in ``guards.py``, the
syntax-tree compiler in ``compiler.py``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import guards
from .compiler import _Compiler, _ScriptCompiler
from .guards import (
    BUILTINS,
    TOO_DEEP,
    EvaluationFailed,
    ExpressionError,
    ForbiddenExpression,
    _describe,
    _Frame,
)

__all__ = [
    "BUILTINS", "Compiled", "EvaluationFailed", "ExpressionError", "ForbiddenExpression", "check",
    "compile_expression", "compile_script", "evaluate", "execute", "free_names",
]


@dataclass(frozen=True)
class Compiled:
    """A checked expression or script, ready to run many times."""

    source: str
    functions_called: frozenset[str]
    run: Callable[[_Frame], Any]


def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str) or not source.strip():
        raise ForbiddenExpression(str(source), "empty expression")
    if len(source) > guards.LIMITS.max_source:
        raise ForbiddenExpression(source[:80], f"longer than {guards.LIMITS.max_source} characters")
    try:
        return ast.parse(source.strip(), mode=mode)
    except SyntaxError as exc:
        raise ForbiddenExpression(source, f"syntax error: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ForbiddenExpression(source[:80], TOO_DEEP) from None


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> Compiled:
    """Check and compile an expression; raises ForbiddenExpression with the reason."""
    tree = _parse(source, "eval")
    assert isinstance(tree, ast.Expression)
    compiler = _Compiler(source)
    try:
        node = compiler.expr(tree.body)
    except RecursionError:  # a chain like 1+1+...+1 nests as deep as it is long
        raise ForbiddenExpression(source[:80], TOO_DEEP) from None
    return Compiled(source, frozenset(compiler.called), node)


@lru_cache(maxsize=1024)
def compile_script(source: str) -> Compiled:
    """Check and compile a script (assignments, if/else, calls); raises ForbiddenExpression."""
    tree = _parse(source, "exec")
    assert isinstance(tree, ast.Module)
    compiler = _ScriptCompiler(source)
    try:
        statements = compiler.statements(tree.body)
    except RecursionError:
        raise ForbiddenExpression(source[:80], TOO_DEEP) from None

    def run(f: _Frame) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for stmt in statements:
            stmt(f, out)
        return out

    return Compiled(source, frozenset(compiler.called), run)


def check(source: str, known_functions: Iterable[str], *, script: bool = False) -> Compiled:
    """Compile and check that every called function is known: the deploy-time check."""
    compiled = compile_script(source) if script else compile_expression(source)
    unknown = sorted(compiled.functions_called - set(known_functions) - set(BUILTINS))
    if unknown:
        raise ForbiddenExpression(source, f"unknown function {', '.join(unknown)}")
    return compiled


def free_names(source: str) -> frozenset[str]:
    """The variables an expression or script reads (function names excluded): none means it needs no case data."""
    tree = _parse(source, "exec")
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    loaded = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    return frozenset(loaded - called - set(BUILTINS))


def _run(compiled: Compiled, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]]) -> Any:
    frame = _Frame(names, functions)
    try:
        return compiled.run(frame)
    except ExpressionError:
        raise
    except RecursionError:
        raise EvaluationFailed(compiled.source, "too deeply nested") from None
    except Exception as exc:  # noqa: BLE001 - every failure becomes a readable evaluation error
        raise EvaluationFailed(compiled.source, _describe(exc)) from None


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    """Evaluate an expression over ``names`` with the whitelisted ``functions``."""
    return _run(compile_expression(source), names, functions or {})


def execute(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None) -> dict[str, Any]:
    """Run a script over a copy of ``names``; returns the variables it assigned."""
    result: dict[str, Any] = _run(compile_script(source), dict(names), functions or {})
    return result
