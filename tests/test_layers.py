"""The package's layers, enforced: nothing imports upward, nothing imports in a circle, the core stays small.

Bottom up (README, "Layout"). A module may import from its own layer or any layer below; deferred imports
inside functions count. A new module must be given a layer here, which is the point: someone decides
where it belongs.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("file safety, threads, memory", ("files", "threads", "memory")),
    ("definitions", ("schema", "i18n")),
    ("model", ("model",)),
    ("rules: text and claims", ("text", "claims")),
    ("reading and the store", ("csvparse", "validate", "importers", "load", "store", "editing")),
    ("selection", ("select", "viewstate")),
    ("geography", ("geo", "geocode")),
    ("rendering, map layers, export, stories, extraction", ("maplayers", "render", "export", "stories", "docs",
                                                            "assets", "extract")),
    ("interfaces", ("cli", "__main__")),
]
LAYER_OF = {name: i for i, (_, names) in enumerate(LAYERS) for name in names}
MAX_LINES = 600


def module_files(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py under ``package`` (``pkg/__init__.py`` is ``pkg``)."""
    out = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of ``known`` that ``name`` imports, at top level or inside functions."""
    is_pkg = path.name == "__init__.py"
    here = name.split(".") if is_pkg else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[: len(here) - node.level + 1] if node.level else []
            mod = ".".join([*base, *([node.module] if node.module else [])])
            # "from pkg import sub" depends on the submodule; "from pkg import name" on pkg itself.
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t and t != name:
                found.add(t)
    return found


def graph(package: Path) -> dict[str, set[str]]:
    files = module_files(package)
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    return LAYER_OF[part]


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    return sorted(f"{a} (layer {layer(a) + 1}) imports {b} (layer {layer(b) + 1})"
                  for a, deps in edges.items() if a != "conflictmap" for b in deps
                  if b != "conflictmap" and layer(b) > layer(a))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


CORE = graph(REPO / "conflictmap")


def test_every_core_module_has_a_layer():
    missing = sorted({m.split(".")[1] for m in CORE if "." in m} - set(LAYER_OF))
    assert missing == [], f"give these a layer in tests/test_layers.py (and the README): {missing}"


def test_no_core_module_imports_from_a_higher_layer():
    assert upward_imports(CORE) == []


def test_no_import_cycles_in_the_core_or_the_streamlit_layer():
    assert cycles(CORE) == []
    assert cycles(graph(REPO / "ui")) == []


def test_the_checks_catch_an_upward_import_and_a_cycle():
    bad = {"conflictmap.files": {"conflictmap.load"}, "conflictmap.load": {"conflictmap.files"}}
    assert upward_imports(bad) == ["conflictmap.files (layer 1) imports conflictmap.load (layer 5)"]
    assert cycles(bad) == [["conflictmap.files", "conflictmap.load"]]
    deferred = REPO / "tests" / "data" / "deferred_import_example.py"
    assert imports_of("conflictmap.files", deferred, {"conflictmap.files", "conflictmap.load"}) == {
        "conflictmap.load"}, "an import inside a function must count"


def test_the_core_never_imports_streamlit():
    offenders = []
    for name, path in module_files(REPO / "conflictmap").items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{name}: {n}" for n in names if n.split(".")[0] in ("streamlit", "streamlit_folium")]
    assert offenders == []


@pytest.mark.parametrize("name, path", sorted(module_files(REPO / "conflictmap").items()))
def test_no_core_module_is_too_long_to_hold(name, path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it by job"


@pytest.mark.parametrize("module, forbidden", [
    ("conflictmap.geocode", ("folium", "jinja2", "streamlit")),
    ("conflictmap.load", ("folium", "streamlit")),
    ("conflictmap.files", ("pandas", "folium")),
])
def test_importing_a_low_module_does_not_load_the_map_stack(module, forbidden):
    code = (f"import sys, {module}; print(','.join(m for m in {forbidden!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"importing {module} loaded {out.stdout.strip()}"
