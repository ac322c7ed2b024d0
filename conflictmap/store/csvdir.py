"""The CSV directory backend: the repository's files stay the files, git-friendly as they are.

Layout, beside the tables:

- ``history.jsonl``: the history, one JSON object per change, appended (``O_APPEND`` + fsync) and
  never rewritten. It belongs to the data and can be committed with it.
- ``.conflictmap/lock``: taken with ``fcntl.flock`` for every write, so writers in any process queue up.
- ``.conflictmap/revisions.json``: each row's revision. A revision is the number of recorded changes
  to that row (0 for a row nobody edited through the store), so this file is only a cache of what the
  history says; it carries the id of the last change it includes and is rebuilt from the history when
  that does not match (a crash between the two writes, a deleted cache, a history pulled from git).
  Keeping revisions out of the CSV files keeps the files exactly as people and git know them.

A write, under the lock: re-read the table, check the row's revision, validate the new row as loading
does, rewrite the table with :func:`conflictmap.files.atomic_write`, then append the change to the
history. If the append fails the table is put back, so a change is in both or in neither (short of a
power cut between the two fsyncs). Only the edited table is rewritten; the others are not touched, and
an unchanged table's rows are written back byte for byte as they were (same quoting, same line ends).
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import schema
from ..files import atomic_write, read_table_text
from ..load import load_dataset
from ..model import Dataset
from .base import (
    KEY_SEPARATOR,
    Change,
    EditConflict,
    HistoryQuery,
    InvalidRow,
    NotFound,
    Row,
    StillReferenced,
    Store,
    matches,
    normalise_values,
    now_utc,
    table_def,
)
from .csvindex import CsvIndex, stamp
from .rules import REFERRERS, check_row, split_list

META_DIR = ".conflictmap"
HISTORY_FILE = "history.jsonl"


@dataclass
class TableFile:
    """One CSV table as text rows, with what it takes to write it back the same way."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    newline: str = "\n"
    bom: bool = False

    @classmethod
    def read(cls, path: Path, table: schema.Table) -> TableFile:
        if not path.exists():
            return cls(path, list(table.column_names), [])
        raw = path.read_bytes()
        text, _encoding = read_table_text(path)  # a cp1256 file is written back as UTF-8, the project's format
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = [h.strip() for h in rows[0]] if rows else list(table.column_names)
        for c in table.column_names:  # a column the file lacks gets one, as the loader fills it with blanks
            if c not in header:
                header.append(c)
        body = [r + [""] * (len(header) - len(r)) for r in rows[1:] if r]
        newline = "\r\n" if b"\r\n" in raw[:65536] else "\n"
        return cls(path, header, body, newline, raw.startswith(b"\xef\xbb\xbf"))

    def text(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator=self.newline)
        w.writerow(self.header)
        w.writerows(self.rows)
        return ("\ufeff" if self.bom else "") + buf.getvalue()

    def key_of(self, row: list[str], table: schema.Table) -> str:
        idx = [self.header.index(k) for k in table.key_columns]
        return KEY_SEPARATOR.join(row[i].strip() for i in idx)

    def find(self, table: schema.Table, row_id: str) -> int | None:
        idx = [self.header.index(k) for k in table.key_columns]
        for n, r in enumerate(self.rows):
            if KEY_SEPARATOR.join(r[i].strip() for i in idx) == row_id:
                return n
        return None

    def values(self, n: int, table: schema.Table) -> dict[str, str]:
        r = self.rows[n]
        return {c: r[self.header.index(c)] for c in table.column_names}

    def as_row(self, values: dict[str, str], old: list[str] | None = None) -> list[str]:
        out = list(old) if old is not None else [""] * len(self.header)
        for c, v in values.items():
            out[self.header.index(c)] = v
        return out


class CsvStore(Store):
    """The tables in a data directory (``events.csv`` ... ``geodata/places.csv``)."""

    kind = "csv"

    def __init__(self, data_dir: Path | str):
        self.dir = Path(data_dir)
        if not (self.dir / schema.EVENTS.path).exists():
            raise NotFound(f"{self.dir} has no {schema.EVENTS.path}: not a data directory")
        self.meta = self.dir / META_DIR
        self.history_path = self.dir / HISTORY_FILE
        self._ids_cache: dict[str, tuple[tuple, frozenset[str]]] = {}
        self._indexes: dict[str, CsvIndex] = {}
        # One store may serve several threads (the app's sessions): the byte indexes are shared state, moved
        # by a write before the file is replaced, so index use is serialised within the process too.
        self._mutex = threading.RLock()

    def __repr__(self) -> str:
        return f"CsvStore({str(self.dir)!r})"

    # --- reading ---------------------------------------------------------------------------
    def read(self) -> Dataset:
        return load_dataset(self.dir)

    def read_versioned(self) -> tuple[Dataset, int]:
        """As :meth:`Store.read_versioned`, and index the two big tables for the saves an editor will make
        (a few seconds at 200,000 events, paid here rather than on the first save)."""
        out = super().read_versioned()
        with self._mutex:
            for name in ("events", "claims"):
                self._index(schema.TABLES[name])
        return out

    def _file(self, table: schema.Table) -> TableFile:
        return TableFile.read(self.dir / table.path, table)

    def rows(self, table: str) -> list[dict[str, str]]:
        t = table_def(table)
        f = self._file(t)
        return [f.values(n, t) for n in range(len(f.rows))]

    def _index(self, t: schema.Table) -> CsvIndex | None:
        """The byte index of a table file, rebuilt when the file changed; None: use a full parse."""
        path = self.dir / t.path
        if not path.exists():
            return None
        hit = self._indexes.get(t.name)
        if hit is not None and hit.stamp == stamp(path):
            return hit
        index = CsvIndex.build(path, t)
        if index is None:
            self._indexes.pop(t.name, None)
        else:
            self._indexes[t.name] = index
        return index

    def _current(self, t: schema.Table, row_id: str):
        """(values or None, spreadsheet row number or None, index, file bytes) of a row, as stored now."""
        with self._mutex:
            return self._current_unlocked(t, row_id)

    def _current_unlocked(self, t: schema.Table, row_id: str):
        index = self._index(t)
        if index is None:
            f = self._file(t)
            n = f.find(t, row_id)
            return (f.values(n, t) if n is not None else None), (n + 2 if n is not None else None), None, f
        data = index.path.read_bytes()
        if stamp(index.path) != index.stamp:  # replaced between the two looks: read again
            return self._current_unlocked(t, row_id)
        i = index.positions.get(row_id)
        if i is None:
            return None, None, index, data
        fields = index.record(data, i)
        # Cells as written (the loader strips them when reading): an edit of one column rewrites the others
        # exactly, and a revert puts back the very bytes.
        values = {c: fields[index.header.index(c)] if c in index.header else "" for c in t.column_names}
        return values, i + 2, index, data

    def get(self, table: str, row_id: str) -> Row | None:
        t = table_def(table)
        values, position, _, _ = self._current(t, row_id)
        if values is None:
            return None
        return Row(values, self._revisions().get(t.name, {}).get(row_id, 0), position)

    def existing_ids(self, table: str, ids: set[str]) -> set[str]:
        return set(ids) & self._all_ids(table_def(table))

    def _all_ids(self, t: schema.Table) -> frozenset[str]:
        """Every key of a table, cached until the file changes: checking a claim's event must not parse
        200,000 events' text on every save."""
        with self._mutex:
            return self._all_ids_unlocked(t)

    def _all_ids_unlocked(self, t: schema.Table) -> frozenset[str]:
        path = self.dir / t.path
        if not path.exists():
            return frozenset()
        index = self._index(t)
        if index is not None:
            if index.stamp not in self._ids_cache.get(t.name, ((), frozenset()))[:1]:
                self._ids_cache[t.name] = (index.stamp, frozenset(index.keys))
            return self._ids_cache[t.name][1]
        hit = self._ids_cache.get(t.name)
        if hit and hit[0] == stamp(path):
            return hit[1]
        text, _ = read_table_text(path)
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                         usecols=lambda c: c.strip() in t.key_columns)
        df.columns = [c.strip() for c in df.columns]
        keys = df[t.key_columns[0]].str.strip()
        for k in t.key_columns[1:]:
            keys = keys + KEY_SEPARATOR + df[k].str.strip()
        found = frozenset(keys.tolist())
        self._ids_cache[t.name] = (stamp(path), found)
        return found

    def referrers(self, table: str, row_id: str) -> list[tuple[str, str]]:
        out = []
        for ref_table, column, is_list in REFERRERS[table]:
            t = schema.TABLES[ref_table]
            path = self.dir / t.path
            if not path.exists():
                continue
            text, _ = read_table_text(path)
            wanted = {*t.key_columns, column}
            df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                             usecols=lambda c, wanted=wanted: c.strip() in wanted)
            df.columns = [c.strip() for c in df.columns]
            if column not in df.columns:
                continue
            cells = df[column].str.strip()
            hits = cells.str.contains(row_id, regex=False) if is_list else cells == row_id
            for _, r in df[hits.to_numpy()].iterrows():
                if not is_list or row_id in split_list(r[column]):
                    out.append((ref_table, KEY_SEPARATOR.join(r[k].strip() for k in t.key_columns)))
        return out

    # --- history ---------------------------------------------------------------------------
    def _read_history(self) -> list[Change]:
        if not self.history_path.exists():
            return []
        out = []
        with self.history_path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    out.append(Change.from_dict(json.loads(line)))
        return out

    def _history(self, q: HistoryQuery) -> list[Change]:
        return [c for c in self._read_history() if matches(c, q)]

    def last_change_id(self) -> int:
        """Read from the end of the history file: the last line holds the newest id."""
        if not self.history_path.exists():
            return 0
        with self.history_path.open("rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            chunk = b""
            pos = size
            while pos > 0:
                step = min(65536, pos)
                pos -= step
                f.seek(pos)
                chunk = f.read(step) + chunk
                lines = [ln for ln in chunk.split(b"\n") if ln.strip()]
                if len(lines) >= 2 or (pos == 0 and lines):
                    return int(json.loads(lines[-1])["change_id"])
        return 0

    def _append_history(self, change: Change) -> None:
        line = (json.dumps(change.as_dict(), ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
        fd = os.open(self.history_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)

    # --- revisions -------------------------------------------------------------------------
    def _revisions(self) -> dict[str, dict[str, int]]:
        """Row revisions from the cache, rebuilt from the history when the cache is behind."""
        last = self.last_change_id()
        path = self.meta / "revisions.json"
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("last_change") == last:
                return cached["rows"]
        except (OSError, ValueError, KeyError):
            pass
        rows: dict[str, dict[str, int]] = {}
        for c in self._read_history():
            if c.op in ("create", "update", "delete"):
                rows.setdefault(c.table, {})[c.row_id] = c.revision
        return rows

    def _save_revisions(self, rows: dict[str, dict[str, int]], last: int) -> None:
        self.meta.mkdir(exist_ok=True)
        atomic_write(self.meta / "revisions.json", json.dumps({"last_change": last, "rows": rows}))

    @contextlib.contextmanager
    def _locked(self):
        self.meta.mkdir(exist_ok=True)
        fd = os.open(self.meta / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    # --- writing ---------------------------------------------------------------------------
    def _write(self, table, row_id, op, new, expected, who, reason, reverts=None) -> Change:
        t = table
        with self._mutex, self._locked():
            revisions = self._revisions()
            current_rev = revisions.get(t.name, {}).get(row_id, 0)
            current, position, index, stored = self._current(t, row_id)
            last_for_row = None

            def conflict(what: str = "") -> EditConflict:
                nonlocal last_for_row
                if last_for_row is None:
                    mine = self._history(HistoryQuery(table=t.name, row_id=row_id))
                    last_for_row = mine[-1] if mine else None
                yours = normalise_values(t, new, current) if new is not None else None
                return EditConflict(t.name, row_id, your_revision=expected,
                                    current_revision=current_rev if current is not None else None,
                                    yours=yours, current=current, last_change=last_for_row, what=what)

            if reverts is not None and current_rev != reverts.revision:
                raise self._stale_revert(t, reverts, Row(current, current_rev) if current else None)
            if op == "create":
                if current is not None:
                    raise conflict()
                new = normalise_values(t, new)
            else:
                if current is None:
                    if not any(c.row_id == row_id for c in self._history(HistoryQuery(table=t.name))):
                        raise NotFound(f"{t.name} has no row {row_id!r}")
                    raise conflict()
                if current_rev != expected:
                    raise conflict()
                if op == "update":
                    new = normalise_values(t, new, current)

            path = self.dir / t.path
            old_bytes = stored if index is not None else (path.read_bytes() if path.exists() else None)
            if op == "delete":
                refs = self.referrers(t.name, row_id)
                if refs:
                    raise StillReferenced(t.name, row_id, refs)
            else:
                if position is None:
                    position = (len(index.keys) if index is not None else len(stored.rows)) + 2
                errors = check_row(self, t, new, position)
                if errors:
                    raise InvalidRow(t.name, row_id, errors)
            if index is not None:
                i = index.positions.get(row_id)
                fields = index.record(stored, i) if i is not None else [""] * len(index.header)
                for c, v in (new or {}).items():
                    if c in index.header:
                        fields[index.header.index(c)] = v
                last = i is None or i == len(index.keys) - 1
                record = None if op == "delete" else index.serialise(fields, last)
                payload = index.splice(stored, i, record, row_id)
            else:
                f = stored
                n = f.find(t, row_id)
                if op == "delete":
                    del f.rows[n]
                elif n is None:
                    f.rows.append(f.as_row(new))
                else:
                    f.rows[n] = f.as_row(new, f.rows[n])
                payload = f.text()
            change = Change(change_id=self.last_change_id() + 1, at=now_utc(), who=who, table=t.name,
                            row_id=row_id, op=op, old=current, new=new, reason=reason, revision=current_rev + 1,
                            reverts=reverts.change_id if reverts is not None else None)
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                atomic_write(path, payload)
                if index is not None:
                    index.stamp = stamp(path)
                self._append_history(change)
            except BaseException:
                self._indexes.pop(t.name, None)
                if old_bytes is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, old_bytes)
                raise
            revisions.setdefault(t.name, {})[row_id] = change.revision
            with contextlib.suppress(OSError):  # only a cache: rebuilt from the history when stale
                self._save_revisions(revisions, change.change_id)
            return change
