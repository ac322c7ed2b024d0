"""An export's columns as text, parsed by pyarrow, without pandas: so that ``python -m conflictmap import FILE``
can start parsing FILE before pandas and the rest of the package are imported.

Starting Python and importing pandas takes about 0.5 s on one core, and pyarrow parses on the other without
the interpreter lock: ``__main__`` calls :func:`start_early` first, and the import takes the parse over with
:func:`take_early` (:func:`conflictmap.importers.convert_file`), only for the very file, unchanged since. The
parse is :func:`parse_text_table` either way (on one thread here): same table, same errors, raised at the same point.

This module imports nothing of pandas, and of the package only :mod:`conflictmap.memory`. The parse, the
whitespace stripped from every value included, is done here, before pandas is there.
"""

from __future__ import annotations

import csv
import threading
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .memory import tune_memory_for_one_import

BOM = b"\xef\xbb\xbf"
HEAD_BYTES = 1 << 16


def read_head(path: Path) -> bytes:
    """The file's first bytes (64 KB), without a UTF-8 byte-order mark: its header, or the whole of a small file.

    The rest is parsed straight from the file (:func:`parse_text_table`): no copy of a 124 MB export in memory.
    """
    with path.open("rb") as f:
        head = f.read(HEAD_BYTES)
        if b"\n" not in head:  # a header longer than that: read on to its end
            head += f.readline()
    return head[3:] if head.startswith(BOM) else head


def read_header(raw: bytes) -> list[str]:
    """The header row (the first line of ``raw``), lower-cased and stripped (older ACLED exports use upper case).

    Raises UnicodeDecodeError when it is not UTF-8.
    """
    end = raw.find(b"\n")
    first = (raw if end < 0 else raw[:end]).decode("utf-8").rstrip("\r")
    row = next(csv.reader([first]), [])
    return [c.strip().lower() for c in row]


def parse_text_table(source: bytes | Path, width: int, *, threads: bool = True) -> tuple[pa.Table, list[int]]:
    """Every column of ``source`` (its bytes, or a file pyarrow reads itself, skipping a UTF-8 byte-order mark)
    as text, named ``c0``, ``c1`` ...; and the numbers of the rows with the wrong number of fields (skipped).

    ``threads``: parse on every core (pyarrow's pool); without, on one. The same table either way.

    Every value is stripped of whitespace at both ends, as ``str.strip()`` (see :func:`_strip`). Raises
    ``pa.ArrowInvalid`` when the bytes are not UTF-8 or not CSV.
    """
    generated = [f"c{i}" for i in range(width)]
    invalid: list[int] = []

    def on_invalid(row) -> str:
        invalid.append(row.number or 0)
        return "skip"

    table = pacsv.read_csv(
        str(source) if isinstance(source, Path) else pa.BufferReader(source),
        # Threads: on an idle 2-core machine the parse of a 124 MB export took 0.28 s instead of 0.39 s
        # (more CPU, 0.55 s, for less wall time; under load the single thread had been better). The early
        # parse (EarlyParse) runs beside the pandas import, which holds the other core: one thread there.
        # 16 MB blocks, not 1 MB: a sixteenth of the chunks per column for the steps that walk them one by
        # one in Python (the whitespace check made 3,700 calls for a 124 MB export, ~0.3 CPU-s).
        read_options=pacsv.ReadOptions(column_names=generated, skip_rows=1, use_threads=threads,
                                       block_size=16 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False,
                                         invalid_row_handler=on_invalid),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(generated, pa.string()),
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    return pa.table([_strip(column) for column in table.columns], names=generated), invalid


def string_buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, UTF-8 bytes) of a ``string``/``large_string`` array without nulls, as numpy views (no copy).

    Value ``i`` is ``data[offsets[i]:offsets[i + 1]]``.
    """
    wide = pa.types.is_large_string(arr.type)
    _, off_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(off_buf, dtype=np.int64 if wide else np.int32, count=arr.offset + len(arr) + 1)
    offsets = offsets[arr.offset:]
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    return offsets, data


# Bytes a value can start or end with when it has whitespace there: ASCII whitespace (as str.isspace, with
# the separators 0x1c-0x1f), and any byte of a non-ASCII character (some of which are whitespace).
_EDGE_SPACE = np.zeros(256, dtype=bool)
_EDGE_SPACE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True
_EDGE_SPACE[0x80:] = True


def _may_need_strip(arr: pa.Array) -> bool:
    """False only when no value can start or end with whitespace (looks at two bytes per value).

    An empty value's "first byte" is the next value's first, and its "last" the one before's last: bytes
    looked at anyway, so no index needs filtering first.
    """
    if arr.null_count or not len(arr):
        return bool(arr.null_count)
    offsets, data = string_buffers(arr)
    start, end = int(offsets[0]), int(offsets[-1])
    if start == end:
        return False
    firsts = data[np.minimum(offsets[:-1], end - 1)]
    lasts = data[np.maximum(offsets[1:] - 1, start)]
    return bool(_EDGE_SPACE[firsts].any() or _EDGE_SPACE[lasts].any())


def _strip(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``str.strip()`` as pandas does it (``utf8_trim_whitespace``), skipped for a column whose values cannot
    start or end with whitespace: two bytes per value are cheaper to look at than trimming every value."""
    if not any(_may_need_strip(chunk) for chunk in column.chunks):
        return column
    return pc.utf8_trim_whitespace(column)


class EarlyParse:
    """:func:`parse_text_table` of a file, run in a thread; :meth:`result` waits for it."""

    def __init__(self, path: Path, width: int) -> None:
        self.path, self.width = path, width
        self._out: dict = {}
        self._thread = threading.Thread(target=self._run, name="conflictmap-early-parse", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._out["table"] = parse_text_table(self.path, self.width, threads=False)
        except BaseException as exc:  # raised by result(), where the parse would have raised it
            self._out["error"] = exc

    def result(self) -> tuple[pa.Table, list[int]]:
        """The parse, or its error raised; once: the object lets go of the table, so that it is freed with the
        import's own references."""
        self._thread.join()
        out, self._out = self._out, {}
        if "error" in out:
            raise out["error"]
        return out["table"]


_started: dict[tuple[str, int, int], EarlyParse] = {}


def _key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_size, st.st_mtime_ns


def start_early(argv: list[str]) -> None:
    """For ``import FILE ...``: tune memory and begin parsing FILE (a UTF-8 file) in a thread. Anything else,
    or anything unexpected, starts nothing; the import then parses the file itself, as always."""
    if len(argv) < 2 or argv[0] != "import" or argv[1].startswith("-"):
        return
    try:
        path = Path(argv[1])
        if not path.is_file():
            return
        width = len(read_header(read_head(path)))
        if not width:
            return
        tune_memory_for_one_import()  # the command does this anyway; the parse should allocate the same way
        _started[_key(path)] = EarlyParse(path, width)
    except (OSError, UnicodeDecodeError):  # the import reports these itself
        return


def take_early(path: Path) -> EarlyParse | None:
    """The parse :func:`start_early` began of ``path``, if it did and the file is unchanged since."""
    try:
        return _started.pop(_key(Path(path)), None)
    except OSError:
        return None


def abandon_early() -> None:
    """Wait for any parse begun and not taken (the command failed before reading the file): the process should
    not end while pyarrow's threads are parsing."""
    while _started:
        _started.popitem()[1]._thread.join()
