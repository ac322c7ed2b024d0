"""The one-shot `import` process keeps the memory it frees (conflictmap.memory): mimalloc told so before pyarrow
loads, or Arrow on glibc's malloc where that was too late. Any other process is left alone."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

PROBE = """
import os, sys
from conflictmap import memory
memory.prepare_import_process(sys.argv[1:])
import pyarrow as pa
memory.tune_memory_for_one_import()
print(pa.default_memory_pool().backend_name, os.environ.get("MIMALLOC_PURGE_DELAY"))
"""


def probe(argv: list[str], **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MIMALLOC_")}
    r = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=REPO, timeout=60,
                       env={**clean, **env})
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_an_import_process_keeps_arrow_on_mimalloc_told_to_keep_its_pages():
    assert probe(["import", "x.csv"]) == "mimalloc -1"


def test_a_user_setting_for_mimalloc_is_kept_and_arrow_moves_to_malloc():
    # mimalloc purging freed pages made an import spend seconds in the kernel: then malloc (tuned) is better.
    assert probe(["import", "x.csv"], MIMALLOC_PURGE_DELAY="10") == "system 10"


def test_other_commands_are_left_alone():
    assert probe(["validate"]) == "system None"  # tune_memory_for_one_import is only called by `import`


def test_in_a_process_that_loaded_pyarrow_first_arrow_moves_to_malloc():
    pa = pytest.importorskip("pyarrow")
    from conflictmap import memory

    before = pa.default_memory_pool()
    try:
        memory.prepare_import_process(["import", "x.csv"])  # too late: pyarrow is loaded
        assert "MIMALLOC_PURGE_DELAY" not in os.environ or os.environ["MIMALLOC_PURGE_DELAY"] != "-1"
        memory.tune_memory_for_one_import()
        assert pa.default_memory_pool().backend_name == "system"
    finally:
        pa.set_memory_pool(before)
