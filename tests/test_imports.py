"""No import circle between modules of ``service/``: every import counts, at the top of a module,
inside a function or under ``TYPE_CHECKING``, so a side effect in another domain has to be a
registered follower (``service/followers.py``), not an import that goes back."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import service

PACKAGE = Path(service.__file__).parent


def modules(root: Path) -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file under the package ``root``."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _targets(name: str, path: Path, node: ast.Import | ast.ImportFrom, known: dict[str, Path]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{node.module}" if node.module else package
    # ``from . import workflow`` imports the module; ``from .workflow import close`` imports its module
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]


def import_graph(root: Path) -> dict[str, set[str]]:
    """Which modules of the package each module imports (importing a package counts as its ``__init__``)."""
    known = modules(root)
    graph: dict[str, set[str]] = {}
    for name, path in known.items():
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                graph[name] |= {t for t in _targets(name, path, node, known) if t in known and t != name}
    return graph


def circle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle (``[a, b, ..., a]``), or ``[]`` when there is none."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return list(error.args[1])
    return []


def test_no_module_of_service_imports_in_a_circle() -> None:
    graph = import_graph(PACKAGE)
    assert "service.cases.workflow" in graph["service.followers"]  # the graph sees relative imports
    assert circle(graph) == []


def test_a_circle_is_found_however_the_import_is_written(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "cases").mkdir(parents=True)
    (package / "beneficiaries").mkdir()
    for init in (package, package / "cases", package / "beneficiaries"):
        (init / "__init__.py").write_text("")
    (package / "cases" / "workflow.py").write_text("def close():\n    from ..beneficiaries.service import follow\n")
    (package / "beneficiaries" / "service.py").write_text("from typing import TYPE_CHECKING\n"
                                                           "if TYPE_CHECKING:\n    from pkg.cases import workflow\n")
    (package / "beneficiaries" / "models.py").write_text("from . import service\n")
    found = circle(import_graph(package))
    assert found[0] == found[-1] and sorted(set(found)) == ["pkg.beneficiaries.service", "pkg.cases.workflow"]
