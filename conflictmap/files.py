"""File safety, the lowest layer: whole-or-nothing writes and tolerant text reads.

Nothing here imports from the rest of the package. Every file the tool writes goes through
:func:`atomic_write` (a file) or :func:`swap_dir` (a directory), so a crash midway leaves
whatever was there before.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
