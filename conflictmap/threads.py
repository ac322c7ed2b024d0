"""The second core: one step run beside another, in a thread of its own.

Most of the heavy work (an import's parse, mapping and writing; the sort of 200,000 events) is Arrow kernels,
which release the interpreter lock, so two independent steps side by side take less wall time than one after
the other. Nothing here imports from the rest of the package.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor


def in_background(fn, /, *args, **kwargs) -> Future:
    """Run ``fn`` in a thread of its own; ``.result()`` gives its value (or raises its exception).

    A fresh single-worker pool each time, so that a step started in the background may start another without
    waiting for a worker (no deadlock).
    """
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="conflictmap-background")
    try:
        return pool.submit(fn, *args, **kwargs)
    finally:
        pool.shutdown(wait=False)
