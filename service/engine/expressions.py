"""The safe evaluator for every expression and script in a BPMN or DMN file.

SpiffWorkflow would hand these texts to Python's ``eval``/``exec``. We never do: a text is parsed,
checked against a whitelist of syntax, and compiled into closures whose operators are guarded
(sizes of numbers, strings and lists are bounded; loops do not exist; comprehensions are
counted). Functions are only those the host passes in by name. Attribute access is refused,
except a few read-only methods of ``str`` and ``dict``.
"""

from __future__ import annotations

import ast
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MAX_SOURCE = 4000  # characters in one expression or script
MAX_LEN = 100_000  # items in a string or list built by an expression
MAX_INT_BITS = 4096  # roughly 1,200 decimal digits
MAX_ITERATIONS = 10_000  # comprehension steps in one evaluation
MAX_SECONDS = 0.5  # wall time for one evaluation
TOO_DEEP = "too deeply nested to check; split it into simpler expressions"

SAFE_METHODS = {
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


class _Compiler:
    """Turns a checked AST into closures. Anything not handled here is forbidden."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.called: set[str] = set()
        self.constants: dict[int, Any] = {}  # id(closure) -> its value, for closures that read nothing

    def refuse(self, reason: str) -> ForbiddenExpression:
        return ForbiddenExpression(self.source, reason)

    def constant(self, value: Any) -> Node:
        node: Node = lambda f: value  # noqa: E731 - a closure is the compiled form of every node
        self.constants[id(node)] = value
        return node

    def fold(self, compute: Callable[..., Any], *parts: Node) -> Node | None:
        """Compute now what reads no data, so ``9**9**9`` or ``1/0`` is refused before any case exists."""
        if not all(id(p) in self.constants for p in parts):
            return None
        try:
            value = compute(*(self.constants[id(p)] for p in parts))
            _bounded_len(value)
        except Exception as exc:  # noqa: BLE001 - any failure of a constant part is a refusal
            raise self.refuse(f"always fails: {_describe(exc)}") from None
        return self.constant(value)

    def expr(self, node: ast.AST) -> Node:  # noqa: C901 - one dispatch table, flat
        handler = getattr(self, "_" + type(node).__name__, None)
        if handler is None:
            raise self.refuse(f"{type(node).__name__} is not allowed")
        result: Node = handler(node)
        return result

    def _Constant(self, node: ast.Constant) -> Node:
        value = node.value
        if not isinstance(value, (str, int, float, bool, type(None))):
            raise self.refuse(f"constant {value!r} is not allowed")
        if isinstance(value, str) and len(value) > MAX_LEN:
            raise self.refuse("string constant too long")
        return self.constant(value)

    def _Name(self, node: ast.Name) -> Node:
        name = node.id
        self._check_name(name)

        def load(f: _Frame) -> Any:
            if name in f.locals:
                return f.locals[name]
            try:
                return f.names[name]
            except KeyError:
                if name in f.functions:
                    raise ValueError(f"{name} is a function; call it as {name}(...)") from None
                raise ValueError(f"name '{name}' is not defined") from None

        return load

    def _check_name(self, name: str) -> None:
        if name.startswith("_"):
            raise self.refuse(f"name '{name}' is not allowed (names may not start with '_')")

    def _BoolOp(self, node: ast.BoolOp) -> Node:
        values = [self.expr(v) for v in node.values]
        if isinstance(node.op, ast.And):

            def and_(f: _Frame) -> Any:
                result = None
                for v in values:
                    result = v(f)
                    if not result:
                        return result
                return result

            return and_

        def or_(f: _Frame) -> Any:
            result = None
            for v in values:
                result = v(f)
                if result:
                    return result
            return result

        return or_

    def _BinOp(self, node: ast.BinOp) -> Node:
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise self.refuse(f"operator {type(node.op).__name__} is not allowed")
        left, right = self.expr(node.left), self.expr(node.right)
        return self.fold(op, left, right) or (lambda f: op(left(f), right(f)))

    def _UnaryOp(self, node: ast.UnaryOp) -> Node:
        op = _UNARY.get(type(node.op))
        if op is None:
            raise self.refuse(f"operator {type(node.op).__name__} is not allowed")
        operand = self.expr(node.operand)
        return self.fold(op, operand) or (lambda f: op(operand(f)))

    def _Compare(self, node: ast.Compare) -> Node:
        left = self.expr(node.left)
        ops = []
        for op_node in node.ops:
            op = _COMPARE.get(type(op_node))
            if op is None:
                raise self.refuse(f"comparison {type(op_node).__name__} is not allowed")
            ops.append(op)
        rights = [self.expr(c) for c in node.comparators]
        pairs = list(zip(ops, rights, strict=True))

        def compare(f: _Frame) -> bool:
            a = left(f)
            for op, right in pairs:
                b = right(f)
                if not op(a, b):
                    return False
                a = b
            return True

        return compare

    def _IfExp(self, node: ast.IfExp) -> Node:
        test, body, orelse = self.expr(node.test), self.expr(node.body), self.expr(node.orelse)
        return lambda f: body(f) if test(f) else orelse(f)

    def _Call(self, node: ast.Call) -> Node:
        if node.keywords:
            raise self.refuse("keyword arguments are not allowed")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse("*arguments are not allowed")
        args = [self.expr(a) for a in node.args]
        if isinstance(node.func, ast.Attribute):
            return self._method_call(node.func, args)
        if not isinstance(node.func, ast.Name):
            raise self.refuse("only named functions may be called")
        name = node.func.id
        self._check_name(name)
        self.called.add(name)
        if name in _PURE:
            folded = self.fold(lambda *values: BUILTINS[name](*values), *args)
            if folded is not None:
                return folded

        def call(f: _Frame) -> Any:
            fn = f.functions.get(name) or BUILTINS.get(name)
            if fn is None:
                raise ValueError(f"unknown function '{name}'")
            f.tick()
            result = fn(*[a(f) for a in args])
            _bounded_len(result)
            return result

        return call

    def _method_call(self, attr: ast.Attribute, args: list[Node]) -> Node:
        method = attr.attr
        if method not in _METHOD_NAMES:
            raise self.refuse(f"attribute '.{method}' is not allowed")
        target = self.expr(attr.value)

        def call(f: _Frame) -> Any:
            obj = target(f)
            allowed = SAFE_METHODS.get(type(obj), set())
            if method not in allowed:
                raise ValueError(f"'.{method}' is not allowed on {type(obj).__name__}")
            result = getattr(obj, method)(*[a(f) for a in args])
            if isinstance(obj, dict) and method in ("keys", "values", "items"):
                result = list(result)
            return result

        return call

    def _Attribute(self, node: ast.Attribute) -> Node:
        raise self.refuse(f"attribute access '.{node.attr}' is not allowed")

    def _Subscript(self, node: ast.Subscript) -> Node:
        value = self.expr(node.value)
        if isinstance(node.slice, ast.Slice):
            lower, upper, step = (
                self.expr(part) if part is not None else (lambda f: None)
                for part in (node.slice.lower, node.slice.upper, node.slice.step)
            )
            return lambda f: value(f)[lower(f) : upper(f) : step(f)]
        index = self.expr(node.slice)
        return lambda f: value(f)[index(f)]

    def _List(self, node: ast.List) -> Node:
        items = [self.expr(e) for e in node.elts]
        if self.fold(lambda *values: list(values), *items) is not None:
            values = [self.constants[id(i)] for i in items]
            node_: Node = lambda f: list(values)  # noqa: E731 - a fresh list each time: data may keep it
            self.constants[id(node_)] = values
            return node_
        return lambda f: [i(f) for i in items]

    def _Tuple(self, node: ast.Tuple) -> Node:
        items = [self.expr(e) for e in node.elts]
        return self.fold(lambda *values: tuple(values), *items) or (lambda f: tuple(i(f) for i in items))

    def _Dict(self, node: ast.Dict) -> Node:
        if any(k is None for k in node.keys):
            raise self.refuse("**unpacking is not allowed")
        pairs = [(self.expr(k), self.expr(v)) for k, v in zip(node.keys, node.values, strict=True) if k]
        return lambda f: {k(f): v(f) for k, v in pairs}

    def _ListComp(self, node: ast.ListComp) -> Node:
        return self._comprehension(node, list)

    def _GeneratorExp(self, node: ast.GeneratorExp) -> Node:
        return self._comprehension(node, list)

    def _comprehension(self, node: ast.ListComp | ast.GeneratorExp, build: Callable[[Iterable[Any]], Any]) -> Node:
        if len(node.generators) != 1:
            raise self.refuse("only one 'for' per comprehension is allowed")
        gen = node.generators[0]
        if gen.is_async:
            raise self.refuse("async comprehensions are not allowed")
        targets = self._targets(gen.target)
        source = self.expr(gen.iter)
        conditions = [self.expr(c) for c in gen.ifs]
        element = self.expr(node.elt)

        def comprehend(f: _Frame) -> Any:
            saved = dict(f.locals)
            out = []
            try:
                for item in source(f):
                    f.tick()
                    self._bind(f, targets, item)
                    if all(c(f) for c in conditions):
                        out.append(element(f))
            finally:
                f.locals = saved
            return build(out)

        return comprehend

    def _targets(self, target: ast.AST) -> list[str]:
        if isinstance(target, ast.Name):
            self._check_name(target.id)
            return [target.id]
        if isinstance(target, ast.Tuple) and all(isinstance(e, ast.Name) for e in target.elts):
            names = [e.id for e in target.elts if isinstance(e, ast.Name)]
            for n in names:
                self._check_name(n)
            return names
        raise self.refuse("a comprehension may only bind plain names")

    @staticmethod
    def _bind(f: _Frame, targets: list[str], item: Any) -> None:
        if len(targets) == 1:
            f.locals[targets[0]] = item
        else:
            for name, value in zip(targets, item, strict=True):
                f.locals[name] = value


Statement = Callable[[_Frame, dict[str, Any]], None]


class _ScriptCompiler(_Compiler):
    """Scripts: assignments, ``if``/``else``, ``pass`` and bare calls. No loops, no definitions."""

    def statements(self, body: list[ast.stmt]) -> list[Statement]:
        return [self.statement(s) for s in body]

    def statement(self, node: ast.stmt) -> Statement:
        if isinstance(node, ast.Assign):
            if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                raise self.refuse("assign to one plain name at a time (x = ...)")
            return self._assign(node.targets[0].id, self.expr(node.value))
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
            op = _BINOPS.get(type(node.op))
            if op is None:
                raise self.refuse(f"operator {type(node.op).__name__} is not allowed")
            name, value = node.target.id, self.expr(node.value)
            load = self._Name(ast.Name(id=name))
            return self._assign(name, lambda f: op(load(f), value(f)))
        if isinstance(node, ast.If):
            return self._if(node)
        if isinstance(node, ast.Pass):
            return lambda f, out: None
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            call = self.expr(node.value)
            return lambda f, out: call(f) and None
        raise self.refuse(f"statement {type(node).__name__} is not allowed in a script")

    def _assign(self, name: str, value: Node) -> Statement:
        self._check_name(name)

        def assign(f: _Frame, out: dict[str, Any]) -> None:
            if name in f.functions or name in BUILTINS:
                raise ValueError(f"'{name}' is a function and cannot be assigned")
            result = value(f)
            out[name] = result
            f.names[name] = result  # type: ignore[index]  # names is the script's own dict

        return assign

    def _if(self, node: ast.If) -> Statement:
        test = self.expr(node.test)
        body, orelse = self.statements(node.body), self.statements(node.orelse)

        def run_if(f: _Frame, out: dict[str, Any]) -> None:
            for stmt in body if test(f) else orelse:
                stmt(f, out)

        return run_if


@dataclass(frozen=True)
class Compiled:
    """A checked expression or script, ready to run many times."""

    source: str
    functions_called: frozenset[str]
    run: Callable[[_Frame], Any]


def _parse(source: str, mode: str) -> ast.AST:
    if not isinstance(source, str) or not source.strip():
        raise ForbiddenExpression(str(source), "empty expression")
    if len(source) > MAX_SOURCE:
        raise ForbiddenExpression(source[:80], f"longer than {MAX_SOURCE} characters")
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


def _describe(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"key {exc.args[0]!r} not found"
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    return str(exc) or type(exc).__name__


def evaluate(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None) -> Any:
    """Evaluate an expression over ``names`` with the whitelisted ``functions``."""
    return _run(compile_expression(source), names, functions or {})


def execute(source: str, names: Mapping[str, Any], functions: Mapping[str, Callable[..., Any]] | None = None) -> dict[str, Any]:
    """Run a script over a copy of ``names``; returns the variables it assigned."""
    result: dict[str, Any] = _run(compile_script(source), dict(names), functions or {})
    return result
