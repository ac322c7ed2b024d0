"""File safety, the lowest layer: whole-or-nothing writes and tolerant text reads.

Nothing here imports from the rest of the package. Every file the tool writes goes through
:func:`atomic_write` (a file) or :func:`swap_dir` (a directory), so a crash midway leaves
whatever was there before; :func:`write_new_file` fills a new file in a folder that is renamed
into place afterwards.
"""

from __future__ import annotations

import errno
import mmap
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path


def atomic_write(path: Path | str, data: bytes | str, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private (0600); keep the mode the file had, or the usual default.
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


DIRECT_FROM = 16 << 20
"""Files at least this large are written past the page cache (see :func:`write_new_file`)."""
_DIRECT_CHUNK = 8 << 20
_DIRECT_ALIGN = 4096


def write_new_file(path: Path | str, parts: Iterable[bytes | memoryview]) -> None:
    """Create ``path`` from ``parts`` (anything with the buffer protocol, e.g. Arrow buffers), one after another.

    ``parts`` may be a generator: each part is let go of once it is written, so a caller that builds a large
    file piece by piece never holds all of it.

    For a file of :data:`DIRECT_FROM` bytes or more, the bytes go to the disk without passing through the
    page cache (``O_DIRECT``, through an aligned 8 MB buffer; the last, partial block normally), where the
    system and the file system allow it, and normally otherwise. On the 2-core VM this project is measured
    on, pages newly taken into the page cache cost the kernel about 4 ms per MB when the host had taken
    back the guest's free memory: writing the 270 MB of a 200,000-row import took 0.05-1.2 s that way,
    0.1-0.2 s past the cache (docs/performance.md). The file is not in the page cache afterwards; reading
    it back comes from the disk.
    """
    path = Path(path)
    views = (memoryview(p).cast("B") for p in parts)
    head, size = [], 0  # the first parts, until the file is known to be large
    for view in views:
        head.append(view)
        size += len(view)
        if size >= DIRECT_FROM:
            break
    replay = _write_direct(path, head, views) if size >= DIRECT_FROM else head
    if replay is None:
        return
    with path.open("wb") as f:
        for view in chain(replay, views):
            f.write(view)


def _write_direct(path: Path, head: list[memoryview], views: Iterator[memoryview]) -> list[memoryview] | None:
    """:func:`write_new_file` with ``O_DIRECT`` of ``head``, then ``views``: None when done. Where that is not
    supported nothing usable is written, and what was taken so far (``head`` and any of ``views``) is
    returned, to be written normally."""
    flag = getattr(os, "O_DIRECT", 0)
    if not flag:
        return head
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | flag, 0o666)
    except OSError as exc:
        if exc.errno in (errno.EINVAL, errno.EOPNOTSUPP):  # tmpfs and others refuse O_DIRECT
            return head
        raise
    buffer = mmap.mmap(-1, _DIRECT_CHUNK)  # page-aligned, as O_DIRECT requires of the memory
    block, filled, written = memoryview(buffer), 0, 0
    taken: list[memoryview] = []  # until the first block is on the disk, which the device may refuse

    def flush(size: int) -> None:
        nonlocal written
        done = 0
        while done < size:
            done += os.write(fd, block[done:size])
        written += size
        taken.clear()

    try:
        for view in chain(head, views):
            if not written:
                taken.append(view)
            pos = 0
            while pos < len(view):
                take = min(_DIRECT_CHUNK - filled, len(view) - pos)
                block[filled:filled + take] = view[pos:pos + take]
                filled, pos = filled + take, pos + take
                if filled == _DIRECT_CHUNK:
                    flush(filled)
                    filled = 0
            del view
        aligned = filled - filled % _DIRECT_ALIGN
        if aligned:
            flush(aligned)
        tail = bytes(block[aligned:filled])
    except OSError as exc:
        if written == 0 and exc.errno == errno.EINVAL:  # the device wants another alignment: write normally
            return taken
        raise
    finally:
        os.close(fd)
        try:
            block.release()
            buffer.close()
        except BufferError:  # a view of it is still held (by a traceback): it goes with that
            pass
    if tail:
        with path.open("ab") as f:
            f.write(tail)
    return None


def swap_dir(stage: Path, dest: Path) -> None:
    """Replace directory ``dest`` by ``stage`` with two renames; roll back if the second fails."""
    old = None
    if dest.exists() or dest.is_symlink():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
        os.rmdir(old)
        os.rename(dest, old)
    try:
        os.rename(stage, dest)
    except BaseException:
        if old is not None:
            os.rename(old, dest)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_table_text(path: Path) -> tuple[str, str]:
    """Return (text, encoding). UTF-8 (with or without BOM) first, then Windows Arabic."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1256"), "cp1256"
