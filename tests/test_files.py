"""write_new_file: the bytes of a large file go past the page cache where they can, and are the same either way."""

from __future__ import annotations

import errno
import os
import random
from pathlib import Path

import pyarrow as pa
import pytest

from conflictmap import files


@pytest.fixture
def small_blocks(monkeypatch):
    """Direct writing from the first byte, through a 16 KB buffer: every path of the copy is exercised."""
    monkeypatch.setattr(files, "DIRECT_FROM", 0)
    monkeypatch.setattr(files, "_DIRECT_CHUNK", 4 * files._DIRECT_ALIGN)


def parts_of(total: int, seed: int) -> list:
    rnd = random.Random(seed)
    data = rnd.randbytes(total)
    cuts = sorted(rnd.sample(range(1, total), 5)) if total > 6 else []
    pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    # Arrow buffers (what the import writes) and plain bytes, mixed
    return data, [pa.py_buffer(p) if i % 2 else p for i, p in enumerate(pieces)]


@pytest.mark.parametrize("total", [1, 4095, 4096, 4097, 16384, 16385, 3 * 16384 + 123, 100_003])
def test_the_file_holds_exactly_the_parts(tmp_path, small_blocks, total):
    data, parts = parts_of(total, total)
    files.write_new_file(tmp_path / "t.csv", parts)
    assert (tmp_path / "t.csv").read_bytes() == data


def test_the_file_gets_the_usual_permissions(tmp_path, small_blocks):
    umask = os.umask(0o022)
    try:
        files.write_new_file(tmp_path / "t.csv", [b"x" * 50_000])
    finally:
        os.umask(umask)
    assert (tmp_path / "t.csv").stat().st_mode & 0o777 == 0o644


def refuse_direct_open(monkeypatch) -> None:
    real_open = os.open

    def refusing(path, flags, *args):
        if flags & getattr(os, "O_DIRECT", 0):
            raise OSError(errno.EINVAL, "O_DIRECT not supported here")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refusing)


def test_a_file_system_without_direct_writes_gets_a_normal_write(tmp_path, small_blocks, monkeypatch):
    refuse_direct_open(monkeypatch)
    data, parts = parts_of(70_000, 1)
    files.write_new_file(tmp_path / "t.csv", parts)
    assert (tmp_path / "t.csv").read_bytes() == data


def refuse_write(monkeypatch, call: int, code: int, message: str) -> list[int]:
    """Make the ``call``-th ``os.write`` fail with ``code``; returns the sizes of the writes asked for."""
    real_write, calls = os.write, []

    def write(fd, data):
        calls.append(len(data))
        if len(calls) == call:
            raise OSError(code, message)
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    return calls


def test_a_device_wanting_other_alignment_gets_a_normal_write(tmp_path, small_blocks, monkeypatch):
    calls = refuse_write(monkeypatch, 1, errno.EINVAL, "misaligned")
    data, parts = parts_of(70_000, 2)
    files.write_new_file(tmp_path / "t.csv", parts)
    assert (tmp_path / "t.csv").read_bytes() == data and calls[0] == 4 * files._DIRECT_ALIGN


def test_a_failure_after_the_first_block_is_raised_not_hidden(tmp_path, small_blocks, monkeypatch):
    refuse_write(monkeypatch, 2, errno.ENOSPC, "No space left on device")
    with pytest.raises(OSError, match="No space left"):
        files.write_new_file(tmp_path / "t.csv", parts_of(70_000, 3)[1])


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a tmpfs at /dev/shm (Linux)")
def test_tmpfs_which_refuses_direct_writes_still_gets_the_file(small_blocks, tmp_path):
    target = Path("/dev/shm") / f"conflictmap-test-{os.getpid()}.csv"
    try:
        data, parts = parts_of(50_000, 4)
        files.write_new_file(target, parts)
        assert target.read_bytes() == data
    finally:
        target.unlink(missing_ok=True)


@pytest.mark.parametrize("direct", [True, False])
def test_parts_from_a_generator_are_let_go_of_once_written(tmp_path, small_blocks, monkeypatch, direct):
    # The import builds a 150 MB table piece by piece: the writer must not hold every piece until the end.
    np = pytest.importorskip("numpy")
    import weakref

    if not direct:
        refuse_direct_open(monkeypatch)
    alive_at_the_end, written = [], []
    refs = []

    def pieces():
        for i in range(50):
            part = np.full(5000, i % 251, dtype=np.uint8)
            refs.append(weakref.ref(part))
            written.append(part.tobytes())
            yield part
            del part
        alive_at_the_end.extend(i for i, r in enumerate(refs[:-1]) if r() is not None)

    files.write_new_file(tmp_path / "t.csv", pieces())
    assert (tmp_path / "t.csv").read_bytes() == b"".join(written)
    assert len(alive_at_the_end) <= 5, f"pieces still held when the last was written: {alive_at_the_end}"
