"""The package's structure: no import cycles between modules (imports inside functions included), none between the
subpackages either, and a public API that is what ``__all__`` says."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import limits

PACKAGE = Path(limits.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the ``limits`` modules it imports, anywhere in its body (parent packages' implicit imports aside)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        edges = set()
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:  # relative import: resolve against this module's package
                    base = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in files else module for a in node.names]
            edges |= {t for t in targets if t in files and t != name}
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycle_between_modules():
    graph = _import_graph()
    assert len(graph) > 40  # the walk saw the package
    assert _cycles(graph) == []


def test_no_import_cycle_between_subpackages():
    graph = _import_graph()
    packages: dict[str, set[str]] = {}
    for module, edges in graph.items():
        top = ".".join(module.split(".")[:2])
        packages.setdefault(top, set()).update(".".join(e.split(".")[:2]) for e in edges)
    for top, edges in packages.items():
        edges.discard(top)
    packages.pop("limits", None)  # the top-level package re-exports the API: it is the only importer of limits.api
    assert _cycles(packages) == []


def test_only_the_cli_and_the_top_level_use_the_api():
    users = {m for m, edges in _import_graph().items() if "limits.api" in edges}
    assert users <= {"limits"} | {m for m in users if m.startswith("limits.cli")}


def test_statistics_know_nothing_of_physics():
    for module, edges in _import_graph().items():
        if module.startswith("limits.stats"):
            assert not {e for e in edges if e.split(".")[1] in ("physics", "analysis", "workspace", "scan", "api")}, \
                module


def test_public_api_is_complete_and_documented():
    for name in limits.__all__:
        obj = getattr(limits, name)
        if callable(obj):
            assert obj.__doc__, name
    assert "scan" in limits.__all__ and "ScanResult" in limits.__all__ and issubclass(limits.InputError,
                                                                                     limits.LimitsError)


@pytest.mark.parametrize("module", sorted(_module_name(p) for p in PACKAGE.rglob("*.py")
                                          if p.name != "__main__.py"))
def test_every_module_imports_on_its_own(module):
    importlib.import_module(module)


def test_the_layout_page_lists_every_module():
    """docs/layout.md is where a reader finds which module makes a number: every module must be on it."""
    page = (PACKAGE.parent / "docs" / "layout.md").read_text(encoding="utf-8")
    tree = page.split("```", 3)[3]  # the second fenced block, the package tree
    missing = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.name != "__init__.py" and f" {p.name} " not in tree and "_build" not in p.parts]
    assert not missing, f"add to docs/layout.md: {missing}"
