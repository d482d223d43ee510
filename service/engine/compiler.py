"""Compiling a checked syntax tree into closures; anything not handled here is forbidden.

Constant parts are computed at compile time, so an expression that always fails (``9**9**9``,
``'a' * 10**10``, ``1/0``) is refused when its diagram is deployed, before any case runs it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import Any

from .guards import (
    _BINOPS,
    _COMPARE,
    _METHOD_NAMES,
    _PURE,
    _UNARY,
    BUILTINS,
    MAX_LEN,
    SAFE_METHODS,
    ForbiddenExpression,
    Node,
    _bounded_len,
    _describe,
    _Frame,
)


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
            allowed = SAFE_METHODS.get(type(obj)) or set()
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
