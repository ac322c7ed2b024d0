"""Import other people's data: ACLED exports and UCDP GED files.

One code path serves ``python -m conflictmap import FILE --out DIR``,
``CONFLICTMAP_DATA=FILE`` (:func:`conflictmap.load.load_dataset` on a file) and
the Import page (:func:`import_bytes`):

1. the format is recognised from the header (:func:`detect_format`);
2. pyarrow parses the file with every column as text;
3. the rows are mapped onto our tables column by column (``acled.py``,
   ``ucdp.py``; the mapping is documented in ``docs/import-mapping.md``), and
   rows that cannot be used are reported as :class:`~conflictmap.model.RowIssue`
   naming the import file, its spreadsheet row, the column and the value;
4. the tables go through the same :func:`~conflictmap.validate.validate_table` and
   :func:`~conflictmap.validate.assemble` as a data directory.

The assembled tables (after step 4: status, marker positions and sort order
included) are cached as Parquet next to the file (or under
``$CONFLICTMAP_CACHE``), keyed by the file's size and modification time and by
the mapping's version, so a warm load is a read. A directory of our own tables
is not an export: :func:`conflictmap.load.load_dataset` opens it.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import threading
import zipfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..csvparse import EarlyParse
from ..model import DataError, Dataset, RowIssue
from ..validate import assemble, place_lists, validate_table
from . import acled, ucdp
from ._common import (
    HEAD_BYTES,
    Converted,
    ImportFormatError,
    from_arrow,
    from_cp1256,
    in_background,
    iso_text,
    read_bytes,
    read_head,
    read_header,
    read_text_columns,
    string_buffers,
    to_arrow,
    tune_memory_for_one_import,
)

__all__ = [
    "IMPORTED_TABLES", "MAPPING_VERSION", "Converted", "DataError", "ImportFormatError", "cache_location",
    "check_out_dir", "convert_file", "detect_format", "import_bytes", "import_file", "import_for_writing",
    "tables_csv", "tables_zip", "tune_memory_for_one_import",
    "write_tables",
]

log = logging.getLogger("conflictmap.importers")

MAPPING_VERSION = 1
"""Bump when the mapping changes in a way the cache key would not notice."""

FORMATS = {"acled": acled, "ucdp": ucdp}
_OUR_EVENTS = ("event_id", "date_start", "place_ids")
_CACHE_FILES = ("events", "claims", "sources", "places")
IMPORTED_TABLES = (schema.SOURCES, schema.PLACES, schema.EVENTS, schema.CLAIMS)
"""The tables an import produces (in load order); other tables, e.g. stories, stay empty."""


def detect_format(columns: list[str], name: str = "the file") -> str:
    """``"acled"`` or ``"ucdp"`` from a header; :class:`ImportFormatError` naming what was expected otherwise."""
    cols = {c.strip().lower() for c in columns}
    for fmt, module in FORMATS.items():
        if all(c in cols for c in module.SIGNATURE):
            return fmt
    if all(c in cols for c in _OUR_EVENTS):
        raise ImportFormatError(f"{name} is a conflictmap events table: load the data directory that holds it "
                                f"(with claims.csv, sources.csv and geodata/places.csv), not the file")
    shown = ", ".join(columns[:40]) + (", ..." if len(columns) > 40 else "")
    raise ImportFormatError(
        f"cannot tell what {name} is from its header. Expected an ACLED export (columns "
        f"{', '.join(acled.REQUIRED)}) or a UCDP GED file (columns {', '.join(ucdp.REQUIRED)}), or a "
        f"conflictmap data directory. The header has: {shown or '(nothing)'}")


def convert_file(path: Path | str, *, name: str | None = None, early: EarlyParse | None = None) -> Converted:
    """Read an ACLED or UCDP file and map it onto our tables (as text, not yet validated).

    ``early``: this file's parse, already begun (``python -m conflictmap import``, see :mod:`conflictmap.csvparse`).
    """
    path = Path(path)
    name = name or path.name
    head = read_head(path)
    if not head.strip() and (path.stat().st_size <= HEAD_BYTES or not read_bytes(path).strip()):
        raise ImportFormatError(f"{name} is empty")

    def parse(head: bytes, source: Path | bytes, issues: list[RowIssue],
              early: EarlyParse | None = None) -> tuple[str, pd.DataFrame]:
        header = read_header(head)
        fmt = detect_format(header, name)
        if early is not None and early.width != len(header):
            early = None
        return fmt, read_text_columns(source, header, name, issues, early)

    encoding, issues = "utf-8", []
    try:
        fmt, df = parse(head, path, issues, early)  # pyarrow reads the file itself
    except UnicodeDecodeError:  # found by the header check or by pyarrow while parsing; no extra pass
        raw, encoding, issues = from_cp1256(read_bytes(path), name)
        fmt, df = parse(raw, raw, issues)
    conv = FORMATS[fmt].convert(df, name, encoding, issues)
    if conv.events.empty:  # a source row for nothing would only add a confusing error about its date
        conv.sources = conv.sources.iloc[0:0]
        conv.issues.append(RowIssue(name, 0, "", "", "no usable rows: nothing was imported", "warning"))
    return conv


def _validate(conv: Converted) -> tuple[dict[str, pd.DataFrame], list[RowIssue]]:
    # The events and the claims (the largest tables) are checked in threads of their own while the others are
    # checked here; each table reports into its own list, joined in the tables' order, so the report reads as
    # if done one by one.
    found = {t.name: [] for t in IMPORTED_TABLES}

    def check(table: schema.Table) -> pd.DataFrame:
        return validate_table(getattr(conv, table.name), table, conv.name, found[table.name],
                              keys_unique=table.name in conv.unique_keys)

    checking = {t.name: in_background(check, t) for t in (schema.EVENTS, schema.CLAIMS)}
    frames = {t.name: check(t) for t in IMPORTED_TABLES if t.name not in checking}
    frames |= {name: future.result() for name, future in checking.items()}
    issues = list(conv.issues)
    for t in IMPORTED_TABLES:
        issues.extend(found[t.name])
    return {t.name: frames[t.name] for t in IMPORTED_TABLES}, issues


def import_file(path: Path | str, *, name: str | None = None, cache: bool = True,
                cache_dir: Path | str | None = None) -> Dataset:
    """Load an ACLED export or a UCDP GED file as a :class:`Dataset` (:func:`conflictmap.load.load_dataset`
    opens any source, directories of our own tables included).

    ``name`` is how the file is called in reports, place provenance and the
    source row (default: its file name). With ``cache`` the typed tables are kept
    as Parquet (see :func:`cache_location`) and reused until the file changes.
    Unusable rows are in ``Dataset.issues``; :class:`ImportFormatError` (a
    :class:`~conflictmap.model.DataError`) when the file cannot be read at all.
    """
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path} is a directory of tables, not an export: open it with load_dataset")
    if not path.is_file():
        raise DataError(f"no such file: {path}")
    name = name or path.name
    where = cache_location(path, name=name, cache_dir=cache_dir) if cache else None
    cached = _read_cache(where) if where is not None else None
    if cached is not None:
        # The cache holds the assembled tables (status, anchors, sort order included): a warm load is a read.
        frames, issues = cached
        events = frames["events"]
        events.insert(events.columns.get_loc("lat"), "place_list", place_lists(events["place_ids"]))
        return Dataset(events=events, claims=frames["claims"], sources=frames["sources"], places=frames["places"],
                       issues=issues, data_dir=path)
    conv = convert_file(path, name=name)
    frames, issues = _validate(conv)
    data = assemble(frames["events"], frames["claims"], frames["sources"], frames["places"], list(issues), path)
    if where is not None:
        assembled = {"events": data.events.drop(columns=["place_list"]), "claims": data.claims,
                     "sources": data.sources, "places": data.places}
        _write_cache(where, assembled, data.issues, {"source": str(path.resolve()), "name": name,
                                                     "format": conv.format, "encoding": conv.encoding})
    return data


def import_for_writing(path: Path | str, *, name: str | None = None, early: EarlyParse | None = None) -> Dataset:
    """What ``python -m conflictmap import FILE --out DIR`` writes: :func:`import_file` without what only the
    app needs from an import, the Parquet cache and the derived columns of the events (marker positions,
    status; see :func:`~conflictmap.validate.assemble`). The same rows, in the same order, with the same
    issues; for a 200,000-row export about 2 CPU-seconds less.
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"no such file: {path}")
    name = name or path.name
    conv = convert_file(path, name=name, early=early)
    frames, issues = _validate(conv)
    return assemble(frames["events"], frames["claims"], frames["sources"], frames["places"], list(issues), path,
                    derive=False)


def import_bytes(content: bytes, name: str) -> Dataset:
    """:func:`import_file` on uploaded bytes (no Parquet cache); ``name`` is how reports call the file.

    The bytes go to a temporary file with a fixed name: an upload's own name (``..``, ``a/b``, ``.``)
    never becomes part of a path. Cache the result on a hash of the bytes, never on a file object whose
    read position changes.
    """
    name = Path(str(name)).name
    if name in ("", ".", ".."):
        name = "upload.csv"
    with tempfile.TemporaryDirectory(prefix="conflictmap-import-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(content)
        data = import_file(path, name=name, cache=False)
    data.data_dir = None
    return data


# --- the Parquet cache -----------------------------------------------------------------------

def _fingerprint() -> str:
    """The schema and the importers' own code: change either and old caches no longer match."""
    h = hashlib.sha256(str(MAPPING_VERSION).encode())
    for t in schema.TABLES.values():
        h.update(repr([(c.name, c.kind, c.choices) for c in t.columns]).encode())
    for module in ("_common.py", "acled.py", "ucdp.py", "__init__.py"):
        h.update((Path(__file__).parent / module).read_bytes())
    # The cache holds assembled tables, whose derived columns come from these.
    for module in ("load.py", "claims.py"):
        h.update((Path(__file__).parent.parent / module).read_bytes())
    return h.hexdigest()


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name)[:80] or "import"


def cache_location(path: Path | str, *, name: str | None = None, cache_dir: Path | str | None = None) -> Path:
    """Where the Parquet cache for ``path`` lives: ``<root>/<name>-<hash>/``.

    ``root`` is ``cache_dir``, else ``$CONFLICTMAP_CACHE``, else
    ``.conflictmap-cache`` next to the file. The hash covers the file's
    resolved path, size and ``st_mtime_ns``, ``name`` and the mapping version,
    so editing or replacing the file selects a fresh directory.
    """
    path = Path(path)
    name = name or path.name
    st = path.stat()
    key = "\x1f".join([_fingerprint(), str(path.resolve()), name, str(st.st_size), str(st.st_mtime_ns)])
    root = Path(cache_dir or os.environ.get("CONFLICTMAP_CACHE") or path.parent / ".conflictmap-cache")
    return root.expanduser() / f"{_safe_name(name)}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"


def _read_cache(where: Path) -> tuple[dict[str, pd.DataFrame], list[RowIssue]] | None:
    if not (where / "manifest.json").is_file():
        return None
    try:
        frames = {t: pd.read_parquet(where / f"{t}.parquet") for t in _CACHE_FILES}
        table = pd.read_parquet(where / "issues.parquet")
    except Exception as exc:  # a damaged cache is rebuilt, never fatal
        log.warning("ignoring unreadable import cache %s: %s", where, exc)
        return None
    columns = [table[c] for c in ("file", "row", "column", "value", "message", "severity")]
    issues = [RowIssue(f, int(r), c, v, m, s) for f, r, c, v, m, s in zip(*columns, strict=True)]
    return frames, issues


def _write_cache(where: Path, frames: dict[str, pd.DataFrame], issues: list[RowIssue], meta: dict) -> None:
    """Write the cache into a temporary directory and rename it into place: readers never see half of one."""
    root = where.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    except OSError as exc:
        log.warning("import cache not written (%s): %s", root, exc)
        return
    try:
        for t in _CACHE_FILES:
            frames[t].to_parquet(tmp / f"{t}.parquet")
        pd.DataFrame({
            "file": pd.Series([i.file for i in issues], dtype=str),
            "row": pd.Series([i.row for i in issues], dtype="int64"),
            "column": pd.Series([i.column for i in issues], dtype=str),
            "value": pd.Series([i.value for i in issues], dtype=str),
            "message": pd.Series([i.message for i in issues], dtype=str),
            "severity": pd.Series([i.severity for i in issues], dtype=str),
        }).to_parquet(tmp / "issues.parquet")
        (tmp / "manifest.json").write_text(json.dumps({**meta, "mapping_version": MAPPING_VERSION}, indent=1),
                                           encoding="utf-8")
        os.rename(tmp, where)
    except OSError as exc:  # read-only folder, or another process got there first
        shutil.rmtree(tmp, ignore_errors=True)
        if not where.is_dir():
            log.warning("import cache not written (%s): %s", where, exc)
        return
    _remove_stale(where, meta["source"])


def _remove_stale(current: Path, source: str) -> None:
    """Drop older caches of the same source file (the file changed since they were written)."""
    pattern = re.compile(re.escape(current.name[:-17]) + r"-[0-9a-f]{16}")
    for other in current.parent.iterdir():
        if other == current or not pattern.fullmatch(other.name):
            continue
        try:
            manifest = json.loads((other / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("source") == source:
            shutil.rmtree(other, ignore_errors=True)


# --- writing our tables ---------------------------------------------------------------------------

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
    whole = pc.invert(pc.match_substring_regex(text, "[.en]"))  # "e": exponent; "n": nan, inf
    text = pc.if_else(whole, pc.binary_join_element_wise(text, _large(".0"), _large("")), text)
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


def _large(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


_QUOTE_CHUNK = 1 << 20  # bytes looked at at once: small enough to stay in cache, large enough to vectorise


def _bytes_needing_quotes(data: np.ndarray) -> np.ndarray:
    """Positions in ``data`` (UTF-8 bytes) of a comma, a quote or a line break.

    Four comparisons per byte, a chunk at a time: faster than a 256-entry lookup table indexed by every
    byte, and no temporary array as large as the column (the pages of which the kernel would have to
    fault in and hand back).
    """
    hits = []
    for start in range(0, len(data), _QUOTE_CHUNK):
        chunk = data[start:start + _QUOTE_CHUNK]
        found = (chunk == 44) | (chunk == 34) | (chunk == 10) | (chunk == 13)  # , " \n \r
        if found.any():
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


def _csv_parts(columns: dict[str, pd.Series]) -> list[bytes | pa.Buffer]:
    """UTF-8 CSV (header, then one line per row, ``\n`` after each) from text columns, built in Arrow.

    The bytes of ``DataFrame.to_csv(index=False, lineterminator="\n")`` (minimal quoting, quotes
    doubled; a lone "\r" quoted too), without its per-row Python: for a 200,000-event import
    about 1.5 s instead of 10 s. Returned as the header and the body, which are written one after the
    other: joining them would copy the body (150 MB for 200,000 ACLED events) once more.
    """
    header = _csv_header(list(columns))
    rows = len(next(iter(columns.values()))) if columns else 0
    if not rows:
        return [header]
    return [header, _csv_body([_csv_field(to_arrow(s)) for s in columns.values()])]


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


_BODY_ROWS = 100_000
"""Lines joined at once: a larger table's lines are joined in pieces of this many, side by side."""


def _csv_bodies(fields: list[pa.Array]) -> list[pa.Buffer]:
    """:func:`_csv_body` in pieces of :data:`_BODY_ROWS` lines, joined on two threads (Arrow kernels)."""
    rows = len(fields[0])
    pieces = [[f.slice(start, _BODY_ROWS) for f in fields] for start in range(0, rows, _BODY_ROWS)]
    if len(pieces) == 1:
        return [_csv_body(fields)]
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="conflictmap-lines") as pool:
        return list(pool.map(_csv_body, pieces))


def _column_field(s: pd.Series, col: schema.Column) -> pa.Array:
    """One column of a table as CSV fields: typed values to text (:func:`_column_text`), quoted where needed."""
    return _csv_field(to_arrow(_column_text(s, col)))


def _build_tables(data: Dataset, tables: list[schema.Table], emit) -> None:
    """Build each table's CSV on two threads and call ``emit(table, parts)`` once per table, in a thread.

    Every column of every table is a task of its own (the largest table's first, in bytes), and a table is
    joined into lines and emitted as soon as its last column is done, in a thread of its own: most of the work
    is Arrow kernels, which run side by side, and writing a file (kernel time) never holds up the columns of
    the next table. Raises the first failure, after every task started has ended.
    """
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="conflictmap-columns")
    writers = ThreadPoolExecutor(max_workers=len(tables) or 1, thread_name_prefix="conflictmap-write")
    lock = threading.Lock()
    outcomes: list[Future] = []

    def schedule(table: schema.Table) -> None:
        frame = getattr(data, table.name)
        header = _csv_header(table.column_names)
        if frame.empty:
            outcomes.append(writers.submit(emit, table, [header]))
            return
        outcome: Future = Future()
        outcomes.append(outcome)
        fields = [pool.submit(_column_field, frame[c.name], c) for c in table.columns]
        left = [len(fields)]

        def finish() -> None:
            try:
                columns = [f.result() for f in fields]
                fields.clear()  # each column's text is freed once joined, not kept until every table is written
                body = _csv_bodies(columns)
                del columns
                outcome.set_result(emit(table, [header, *body]))
            except BaseException as exc:  # handed to the caller through the future
                outcome.set_exception(exc)

        def column_done(_: Future) -> None:
            with lock:
                left[0] -= 1
                last = left[0] == 0
            if last:
                try:
                    writers.submit(finish)
                except RuntimeError as exc:  # the pool was shut down: the caller has already failed
                    outcome.set_exception(exc)

        for f in fields:
            f.add_done_callback(column_done)

    try:
        for table in sorted(tables, key=lambda t: -getattr(data, t.name).memory_usage(index=False).sum()):
            schedule(table)
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
    return _csv_parts({c.name: _column_text(frame[c.name], c) for c in table.columns})


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

    def write(folder: Path, table: schema.Table, parts: list[bytes | pa.Buffer]) -> None:
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
