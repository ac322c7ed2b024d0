"""Memory for a process that imports one file and exits (``python -m conflictmap import FILE``).

Columns of a 200,000-row export are tens of MB each, and every step of an import allocates new ones. By
default, pyarrow's allocator (mimalloc) gives freed pages back to the kernel and glibc's malloc hands large
blocks straight back (mmap/munmap, heap trimming), so each new column is faulted in again, page by page: a
third of an import's CPU time was the kernel's. Here both keep what they free, for the few seconds the process
lives. Not for a long-running server, whose memory would then never shrink after a big import.

- Arrow's memory (almost all of an import's) stays with mimalloc, told before pyarrow is loaded
  (:func:`prepare_import_process`, called by ``__main__``) to keep the pages it frees
  (``MIMALLOC_PURGE_DELAY=-1``) and not to ask for transparent huge pages (``MIMALLOC_ALLOW_THP=0``: on the
  2-core VM this is measured on, the kernel spent 2-3 s compacting memory for them). mimalloc reuses freed
  pages of any size, where glibc's heap grows around its holes: the process peaked at about 1.25 GB instead
  of 1.6 GB, with 0.15 s less system time.
- Where pyarrow was loaded before that could be said (the command run in-process, from tests), Arrow
  allocates through glibc's malloc instead, tuned as below.
- glibc's malloc (numpy's arrays, Python's objects) keeps freed blocks (:func:`tune_memory_for_one_import`).

This module imports nothing at its top: ``__main__`` calls it before anything loads pyarrow.
"""

from __future__ import annotations

import ctypes
import os
import sys

IMPORT_ALLOCATOR_ENV = {"MIMALLOC_PURGE_DELAY": "-1", "MIMALLOC_ALLOW_THP": "0"}
"""mimalloc's options for a one-import process; read by mimalloc when pyarrow is loaded."""

_prepared: list[bool] = []


def prepare_import_process(argv: list[str]) -> None:
    """For ``import ...``, before pyarrow is loaded: set mimalloc's options (:data:`IMPORT_ALLOCATOR_ENV`),
    unless the environment already sets them otherwise. Any other command is left as it is."""
    if argv[:1] != ["import"] or "pyarrow" in sys.modules:
        return
    for name, value in IMPORT_ALLOCATOR_ENV.items():
        os.environ.setdefault(name, value)
    _prepared.append(True)


def arrow_keeps_pages() -> bool:
    """Whether pyarrow was loaded with mimalloc told to keep freed pages (:func:`prepare_import_process`)."""
    return bool(_prepared) and all(os.environ.get(k) == v for k, v in IMPORT_ALLOCATOR_ENV.items())


def tune_memory_for_one_import() -> None:
    """Keep freed memory in this process (see the module's notes). Safe to call more than once."""
    import pyarrow as pa

    if not (arrow_keeps_pages() and pa.default_memory_pool().backend_name == "mimalloc"):
        pa.set_memory_pool(pa.system_memory_pool())
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return
    mallopt(-1, 1 << 30)   # M_TRIM_THRESHOLD: trim the heap only beyond 1 GB free at its top
    mallopt(-2, 64 << 20)  # M_TOP_PAD: grow the heap 64 MB at a time
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD: blocks up to 32 MB (glibc's maximum) come from the heap
    # M_ARENA_MAX: the import's threads (see conflictmap.threads) share that one heap. Each would otherwise get an
    # arena of its own, untuned, whose 64 MB heaps fault their pages in afresh: system time up again.
    mallopt(-8, 1)
