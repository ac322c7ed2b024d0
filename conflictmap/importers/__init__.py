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
import json
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .. import schema
from ..csvparse import HEAD_BYTES, EarlyParse, read_head, read_header
from ..memory import tune_memory_for_one_import
from ..model import DataError, Dataset, RowIssue
from ..threads import in_background
from ..validate import assemble, place_lists, validate_table
from . import acled, ucdp
from ._common import (
    Converted,
    ImportFormatError,
    from_cp1256,
    read_bytes,
    read_text_columns,
)
from .writing import IMPORTED_TABLES, check_out_dir, tables_csv, tables_zip, write_tables

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
    # The parse (csvparse.py), validation and the cross-table checks (validate.py) make the tables the cache
    # holds; their derived columns come from load.py and claims.py.
    for module in ("csvparse.py", "validate.py", "load.py", "claims.py"):
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
