"""Our four tables as CSV, built in Arrow on two threads: the bytes of ``DataFrame.to_csv`` (minimal quoting),
for ``python -m conflictmap import``, the Import page's downloads and its "save as a data directory".

Every typed column goes back to the text the loader reads (:func:`_column_text`), each column is quoted where a
value needs it (:func:`_csv_field`), and each table's lines are joined and written piece by piece, in a thread of
its own (:func:`_build_tables`); :func:`write_tables` fills a new directory whole or not at all.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import zipfile
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..csvparse import string_buffers
from ..model import Dataset
from ._common import _large, from_arrow, iso_text, to_arrow

IMPORTED_TABLES = (schema.SOURCES, schema.PLACES, schema.EVENTS, schema.CLAIMS)
"""The tables an import produces (in load order); other tables, e.g. stories, stay empty."""


def _column_text(s: pd.Series, col: schema.Column) -> pd.Series:
    if col.kind == "date":
        return iso_text(s)
    if col.kind == "int":
        return s.astype("Int64").astype("string").fillna("").astype(str)
    if col.kind == "float":
        return _float_text(s.astype("float64"))
    if col.kind == "bool":
        flags = pa.array(s.astype(bool).to_numpy())
        return from_arrow(pc.if_else(flags, _large("true"), _large("false")), s.index)
    return s.fillna("").astype(str)


def _float_text(s: pd.Series) -> pd.Series:
    """``str(float)`` of each value ("" for NaN), as Python writes it, mostly without Python.

    Arrow writes the same shortest digits, but ``36`` for ``36.0``, and its own choice of exponent
    notation. Python uses exponents below 1e-4 and from 1e16 on; those values, and any that Arrow
    wrote with an exponent (big ones, from about 1e14), are written by Python: no coordinate is.
    """
    values = s.to_numpy()
    text = pc.cast(pa.array(values), pa.large_string())
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(values) & (np.trunc(values) == values)  # Arrow writes these without a "."
    if whole.any():  # (coordinates: none) any that Arrow wrote with an exponent are rewritten below anyway
        text = pc.if_else(pa.array(whole), pc.binary_join_element_wise(text, _large(".0"), _large("")), text)
    size = np.abs(values)
    odd = (~np.isfinite(values) | ((size < 1e-4) & (values != 0)) | (size >= 1e16)
           | pc.match_substring(text, "e").to_numpy(zero_copy_only=False))
    if odd.any():
        where = np.flatnonzero(odd)
        text = pc.replace_with_mask(text, pa.array(odd), pa.array([str(v) for v in values[where]], pa.large_string()))
    return from_arrow(text, s.index).where(s.notna(), "")


# A field is quoted when it holds the delimiter, the quote or a line break, as the csv module does;
# a lone "\r" is quoted too (csv.writer with lineterminator "\n" leaves it bare, and readers that
# accept "\r" as a line ending would then split the row).
_NEEDS_QUOTES = r'[,"\n\r]'


_QUOTE_CHUNK = 1 << 20  # bytes looked at at once: small enough to stay in cache, large enough to vectorise


def _bytes_needing_quotes(data: np.ndarray) -> np.ndarray:
    """Positions in ``data`` (UTF-8 bytes) of a comma, a quote or a line break.

    Four comparisons per byte, a chunk at a time, where a chunk has any: faster than a 256-entry lookup table
    indexed by every byte, and no temporary array as large as the column (the pages of which the kernel would have to
    fault in and hand back).
    """
    hits = []
    for start in range(0, len(data), _QUOTE_CHUNK):
        chunk = data[start:start + _QUOTE_CHUNK]
        raw = chunk.tobytes()  # a chunk without any (most, in most columns) is passed over by memchr: 5x faster
        if b"," not in raw and b'"' not in raw and b"\n" not in raw and b"\r" not in raw:
            continue
        found = (chunk == 44) | (chunk == 34) | (chunk == 10) | (chunk == 13)  # , " \n \r
        hits.append(np.flatnonzero(found) + start)
    return np.concatenate(hits) if hits else np.zeros(0, dtype=np.int64)


def _csv_field(arr: pa.Array) -> pa.Array:
    """Quote (and double the quotes of) only the values that need it."""
    if arr.null_count:
        needs = pc.match_substring_regex(arr, _NEEDS_QUOTES)
        if not pc.any(needs).as_py():
            return arr
        some = arr.filter(needs)
        return pc.replace_with_mask(arr, needs, _quoted(some, pc.any(pc.match_substring(some, '"')).as_py()))
    # The four bytes never occur inside a multi-byte UTF-8 character: find them in the raw bytes, then
    # the values they belong to.
    offsets, data = string_buffers(arr)
    hits = _bytes_needing_quotes(data[offsets[0]:offsets[-1]]) + offsets[0]
    if not len(hits):
        return arr
    quotes = bool((data[hits] == 34).any())
    mask = np.zeros(len(arr), dtype=bool)
    mask[np.searchsorted(offsets, hits, side="right") - 1] = True
    if mask.all():  # every value (long notes: most of them): no picking out and putting back
        return _quoted(arr, quotes)
    needs = pa.array(mask)
    return pc.replace_with_mask(arr, needs, _quoted(arr.filter(needs), quotes))


def _quoted(arr: pa.Array, quotes: bool) -> pa.Array:
    """Each value in double quotes; its own quotes doubled (when ``quotes``: some value has one)."""
    if quotes:
        arr = pc.replace_substring(arr, '"', '""')
    return pc.binary_join_element_wise(_large('"'), arr, _large('"'), _large(""))


def _csv_parts(columns: dict[str, pd.Series], kinds: list[str] | None = None) -> list[bytes | pa.Buffer]:
    """UTF-8 CSV (header, then one line per row, ``\n`` after each) from text columns, built in Arrow;
    ``kinds``: each column's (:func:`_csv_lines`), by default all free text.

    The bytes of ``DataFrame.to_csv(index=False, lineterminator="\n")`` (minimal quoting, quotes
    doubled; a lone "\r" quoted too), without its per-row Python: for a 200,000-event import
    about 1.5 s instead of 10 s. Returned as the header and the body, which are written one after the
    other: joining them would copy the body (150 MB for 200,000 ACLED events) once more.
    """
    header = _csv_header(list(columns))
    rows = len(next(iter(columns.values()))) if columns else 0
    if not rows:
        return [header]
    return [header, _csv_lines([to_arrow(s) for s in columns.values()], kinds or ["text"] * len(columns))]


def _csv_header(names: list[str]) -> bytes:
    return (",".join(_csv_field(pa.array(names, pa.large_string())).to_pylist()) + "\n").encode("utf-8")


def _csv_body(fields: list[pa.Array]) -> pa.Buffer:
    """The lines of a CSV body from its columns' fields (:func:`_csv_field`), as one buffer."""
    # Each line ends in "\n" (added to the last field: cheaper than to the whole line), so the values
    # buffer of the joined array is the whole body, in order.
    fields = [*fields[:-1], pc.binary_join_element_wise(fields[-1], _large(""), _large("\n"))]
    lines = pc.binary_join_element_wise(*fields, _large(","))
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64, count=len(lines) + 1, offset=8 * lines.offset)
    return lines.buffers()[2].slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


_PIECE_ROWS = 16_384
"""Lines built at once when a table is written: about 12 MB of an ACLED import's events.csv."""
_AHEAD = 3
"""Pieces of a table built ahead of the one being written."""


def _column_arrow(s: pd.Series, col: schema.Column) -> pa.Array:
    """One column of a table as the text the loader reads (:func:`_column_text`), as one Arrow array."""
    return to_arrow(_column_text(s, col))


_NEVER_QUOTED = frozenset({"date", "int", "float", "bool"})
"""Kinds whose text (:func:`_column_text`: ``2018-06-04``, ``-12``, ``1e-05``, ``true``) never needs quotes."""


def _csv_lines(texts: list[pa.Array], kinds: list[str]) -> pa.Buffer:
    """The lines of a table from its columns' text (:func:`_column_arrow`) and kinds: each field quoted where it
    needs it, never looked at where its kind cannot (:data:`_NEVER_QUOTED`)."""
    return _csv_body([t if kind in _NEVER_QUOTED else _csv_field(t) for t, kind in zip(texts, kinds, strict=True)])


def _csv_piece(texts: list[pa.Array], kinds: list[str], start: int) -> pa.Buffer:
    """Lines ``start`` to ``start + _PIECE_ROWS`` of a table (:func:`_csv_lines`)."""
    return _csv_lines([t.slice(start, _PIECE_ROWS) for t in texts], kinds)


def _build_tables(data: Dataset, tables: list[schema.Table], emit) -> None:
    """Build each table's CSV on two threads, and call ``emit(table, parts)`` once per table, each in a thread of
    its own: ``parts`` yields the header, then the lines in pieces of :data:`_PIECE_ROWS`.

    Every column of every table is a task of its own (the largest table's first, in bytes). Once a table's
    columns are done, its pieces (quoted fields joined into lines, Arrow kernels) are tasks too, built on the
    same two threads at most :data:`_AHEAD` pieces ahead of the one ``emit`` is writing: writing a file
    (kernel time) never holds up the next table, and no table's CSV is ever in memory whole (270 MB for a
    200,000-row ACLED import). Raises the first failure, after every task started has ended.
    """
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="conflictmap-columns")
    writers = ThreadPoolExecutor(max_workers=len(tables) or 1, thread_name_prefix="conflictmap-write")

    def parts(table: schema.Table, rows: int, header: bytes, columns: list[Future]) -> Iterator[bytes | pa.Buffer]:
        yield header
        texts, kinds = [f.result() for f in columns], [c.kind for c in table.columns]
        columns.clear()
        starts = iter(range(0, rows, _PIECE_ROWS))
        ahead = deque(pool.submit(_csv_piece, texts, kinds, start) for start in islice(starts, _AHEAD))
        while ahead:
            piece = ahead.popleft().result()
            start = next(starts, None)
            if start is not None:
                ahead.append(pool.submit(_csv_piece, texts, kinds, start))
            yield piece
            del piece  # let go of once written (files.write_new_file)

    outcomes: list[Future] = []
    try:
        for table in sorted(tables, key=lambda t: -getattr(data, t.name).memory_usage(index=False).sum()):
            frame = getattr(data, table.name)
            header = _csv_header(table.column_names)
            columns = [pool.submit(_column_arrow, frame[c.name], c) for c in table.columns] if len(frame) else []
            outcomes.append(writers.submit(emit, table, parts(table, len(frame), header, columns)))
        for outcome in outcomes:
            outcome.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        writers.shutdown(wait=True, cancel_futures=True)


def _csv_bytes(columns: dict[str, pd.Series]) -> bytes:
    """:func:`_csv_parts` as one ``bytes``."""
    return b"".join(_csv_parts(columns))


def _tables_to_write(data: Dataset) -> list[schema.Table]:
    """Always the four imported tables; an optional one (stories ...) only when it has rows."""
    out = []
    for table in schema.TABLES.values():
        frame = getattr(data, table.name, None)
        if frame is None or (table not in IMPORTED_TABLES and frame.empty):
            continue
        out.append(table)
    return out


def _table_parts(data: Dataset, table: schema.Table) -> list[bytes | pa.Buffer]:
    frame = getattr(data, table.name)
    return _csv_parts({c.name: _column_text(frame[c.name], c) for c in table.columns}, [c.kind for c in table.columns])


def _tables_parts(data: Dataset) -> dict[str, list[bytes | pa.Buffer]]:
    return {table.path: _table_parts(data, table) for table in _tables_to_write(data)}


def _tables_bytes(data: Dataset) -> dict[str, bytes]:
    return {path: b"".join(parts) for path, parts in _tables_parts(data).items()}


def tables_csv(data: Dataset) -> dict[str, str]:
    """Our tables as CSV text, keyed by their path in a data directory (``geodata/places.csv`` ...).

    Always events, claims, sources and places; an optional table (stories ...) only when it has rows.
    """
    return {path: raw.decode("utf-8") for path, raw in _tables_bytes(data).items()}


def tables_zip(data: Dataset) -> bytes:
    """The four tables in a zip, laid out as a data directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, raw in _tables_bytes(data).items():
            z.writestr(rel, raw)
    return buf.getvalue()


def check_out_dir(out_dir: Path | str, *, force: bool = False) -> None:
    """Raise :class:`FileExistsError` unless ``out_dir`` is new, empty, or ``force`` is given."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise FileExistsError(f"{out} is not empty; choose a new directory, or force replacing the tables in it")


def write_tables(data: Dataset, out_dir: Path | str, *, force: bool = False) -> list[Path]:
    """Write events.csv, claims.csv, sources.csv and geodata/places.csv into ``out_dir``.

    A new or empty directory is filled in a temporary sibling and renamed into
    place, so it appears complete or not at all. A non-empty one is refused
    unless ``force``; then each table is replaced atomically and other files are
    left alone.
    """
    from ..files import atomic_write, write_new_file

    out = Path(out_dir)
    check_out_dir(out, force=force)
    tables = _tables_to_write(data)
    replace = out.is_dir() and any(out.iterdir())

    def write(folder: Path, table: schema.Table, parts: Iterator[bytes | pa.Buffer]) -> None:
        (folder / table.path).parent.mkdir(parents=True, exist_ok=True)
        if replace:
            atomic_write(folder / table.path, b"".join(parts))
            return
        write_new_file(folder / table.path, parts)

    def write_all(folder: Path) -> None:
        _build_tables(data, tables, lambda table, parts: write(folder, table, parts))

    if replace:
        write_all(out)
        return [out / t.path for t in tables]
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.{secrets.token_hex(6)}.tmp"
    stage.mkdir()  # not mkdtemp: the data directory should get the usual permissions, not 0700
    try:
        write_all(stage)
        if out.is_dir():
            out.rmdir()
        os.rename(stage, out)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return [out / t.path for t in tables]
