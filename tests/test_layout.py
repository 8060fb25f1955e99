"""The package's structure: no import cycles between modules (imports inside functions included), none between the
subpackages either, and a public API that is what ``__all__`` says."""

from __future__ import annotations

import ast
import importlib
import json
import os
import subprocess
import sys
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


def test_the_cli_is_a_shell_over_the_api():
    """Issue 20: the command line imports only the package, its API and its errors (and itself): whatever a command
    does, Python can do through limits.api."""
    for module, edges in _import_graph().items():
        if module.startswith("limits.cli"):
            outside = {e for e in edges if not e.startswith("limits.cli")} - {"limits", "limits.api", "limits.errors"}
            assert not outside, (module, outside)


def test_the_api_defines_nothing():
    """limits/api.py gathers and re-exports: the functions and types live with the stage that makes them; the api only
    says where each name lives and imports it on first use."""
    tree = ast.parse((PACKAGE / "api.py").read_text(encoding="utf-8"))
    defined = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))]
    assigned = [t.id for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Name)]
    assert defined == ["__getattr__", "__dir__"] and assigned == ["_SOURCES", "_RENAMED", "_WHERE", "__all__"]


def test_the_api_lookup_agrees_with_its_type_checking_imports():
    """The lazy lookup (what runs) and the TYPE_CHECKING imports (what mypy and readers see) name the same places."""
    tree = ast.parse((PACKAGE / "api.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING")
    static = {alias.asname or alias.name: (node.module, alias.name)
              for node in block.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    assert static == dict(limits.api._WHERE)
    assert set(limits.api.__all__) == set(static) | {"__version__"}


def test_only_the_cli_and_the_top_level_use_the_api():
    users = {m for m, edges in _import_graph().items() if "limits.api" in edges}
    assert users <= {"limits"} | {m for m in users if m.startswith("limits.cli")}


def test_statistics_know_nothing_of_physics():
    for module, edges in _import_graph().items():
        if module.startswith("limits.stats"):
            stage = {e.split(".")[1] for e in edges}
            assert not stage & {"physics", "analysis", "workspace", "scanning", "api"}, module


def test_public_api_is_complete_and_documented():
    for name in limits.__all__:
        obj = getattr(limits, name)
        if callable(obj):
            assert obj.__doc__, name
    assert "scan" in limits.__all__ and "ScanResult" in limits.__all__ and issubclass(limits.InputError,
                                                                                     limits.LimitsError)


MODULES = sorted(_module_name(p) for p in PACKAGE.rglob("*.py") if p.name != "__main__.py")


def _third_party_imports() -> list[str]:
    """The non-``limits`` modules the package imports at module level (not inside functions: those are optional)."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and not node.level and node.module else [])
            found |= {n for n in names if n.split(".")[0] not in ("limits", "__future__")}
    return sorted(found)


# Run in a fresh interpreter that has never imported ``limits``: one forked child per module imports that module
# first and reports. The parent imports only the third-party modules the package imports (forking is cheap,
# re-importing scipy and matplotlib 80 times is not), so each child starts with no ``limits`` module loaded, and a
# module that relies on another having been imported before it fails here.
_ISOLATED_IMPORTS = r"""
import importlib, json, os, sys, traceback
separator = sys.argv.index("--")
for name in sys.argv[1:separator]:
    importlib.import_module(name)
assert not [m for m in sys.modules if m == "limits" or m.startswith("limits.")], "the parent imported limits"
results = {}
for name in sys.argv[separator + 1:]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            message = ""
        except BaseException:
            message = traceback.format_exc(limit=-3)
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        results[name] = fh.read().decode()
    os.waitpid(pid, 0)
print("RESULTS " + json.dumps(results))
"""


@pytest.fixture(scope="module")
def isolated_imports() -> dict[str, str]:
    """Module -> the traceback of importing it first in a fresh process ('' if it imported)."""
    env = {**os.environ, "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-c", _ISOLATED_IMPORTS, *_third_party_imports(), "--", *MODULES],
                          capture_output=True, text=True,
                          timeout=600, cwd=PACKAGE.parent, env=env, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULTS "))  # spey prints a banner at exit
    return json.loads(line[len("RESULTS "):])


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_on_its_own(isolated_imports, module):
    assert isolated_imports[module] == "", isolated_imports[module]


def test_every_public_name_is_exported_lazily():
    """``limits.__all__`` and the lazy table agree, and every name resolves to the object of its module."""
    assert set(limits.__all__) - {"__version__"} == set(limits.api._WHERE)
    for name, (module, attribute) in limits.api._WHERE.items():
        assert getattr(limits, name) is getattr(importlib.import_module(module), attribute), name


def test_importing_limits_loads_no_submodule():
    """``import limits`` is light: the public names are imported on first use (so the isolation test above is one:
    importing ``limits.errors`` does not drag in the whole package through ``limits/__init__``)."""
    code = "import limits, sys; print(sorted(m for m in sys.modules if m.startswith('limits')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "['limits', 'limits._version', 'limits.api']"


@pytest.mark.parametrize("statement", ["import limits.cli.app", "from limits import *",
                                       "import limits.plots.exclusion, limits.scanning.run, limits.publish.outputs"])
def test_start_up_imports_no_heavy_library(statement):
    """Issue 21: the command line (``limits --help``) and every module import light; matplotlib, scipy's
    submodules, pyhf, dask and jsonschema are imported where a computation uses them."""
    heavy = ("matplotlib", "scipy.special", "scipy.interpolate", "scipy.optimize", "scipy.stats", "pyhf", "dask",
             "distributed", "jsonschema")
    code = f"{statement}; import json, sys; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    loaded = [m for m in json.loads(done.stdout) if m.startswith(heavy)]
    assert not loaded, loaded


def test_the_layout_page_lists_every_module():
    """docs/layout.md is where a reader finds which module makes a number: every module must be on it."""
    page = (PACKAGE.parent / "docs" / "layout.md").read_text(encoding="utf-8")
    tree = page.split("```", 3)[3]  # the second fenced block, the package tree
    missing = [str(p.relative_to(PACKAGE)) for p in sorted(PACKAGE.rglob("*.py"))
               if p.name != "__init__.py" and f" {p.name} " not in tree and "_build" not in p.parts]
    assert not missing, f"add to docs/layout.md: {missing}"
