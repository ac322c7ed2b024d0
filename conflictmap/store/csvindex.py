"""Where each row of a CSV file lies, in bytes: so one row can be read or replaced without parsing the rest.

A claims file of 300,000 rows is 66 MB; parsing it with :mod:`csv` to change one row takes seconds, and
writing every row back risks changing how untouched rows are quoted. Instead the file's record
boundaries are found with numpy (a newline ends a record when it is outside quotes: the number of ``"``
before it is even), each record's key is read from its first field, and a write splices the new record's
bytes in place of the old. Every other byte of the file stays as it was, by construction.

The index belongs to one state of the file (its inode, size and mtime); the writer that changes the file
shifts the offsets itself, anyone else finds a different stamp and rebuilds.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import schema

QUOTE, NEWLINE, COMMA = ord('"'), ord("\n"), ord(",")


def stamp(path: Path) -> tuple[int, int, int]:
    st = os.stat(path)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _boundaries(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Offsets of the newlines that end records, and of the commas that end fields: those with an even number
    of quote characters before them (outside quotes; a doubled quote inside a field counts twice)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    quotes = np.flatnonzero(buf == QUOTE)
    newlines = np.flatnonzero(buf == NEWLINE)
    commas = np.flatnonzero(buf == COMMA)
    return (newlines[np.searchsorted(quotes, newlines) % 2 == 0],
            commas[np.searchsorted(quotes, commas) % 2 == 0])


def parse_record(raw: bytes, encoding: str = "utf-8") -> list[str]:
    rows = list(csv.reader(io.StringIO(raw.decode(encoding), newline="")))
    return rows[0] if rows else []


@dataclass
class CsvIndex:
    """Record offsets and keys of one CSV table file (UTF-8; the store falls back to a full parse otherwise)."""

    path: Path
    stamp: tuple
    header: list[str]
    starts: np.ndarray  # first byte of each data record
    ends: np.ndarray  # one past its line end
    keys: list[str]
    newline: str
    ends_with_newline: bool
    positions: dict[str, int] = field(default_factory=dict)
    quoting: int = csv.QUOTE_MINIMAL

    @classmethod
    def build(cls, path: Path, table: schema.Table) -> CsvIndex | None:
        """The index of ``path``, or None when the file is not plain UTF-8 CSV keyed by its first column."""
        st = stamp(path)
        data = path.read_bytes()
        if data.startswith(b"\xef\xbb\xbf"):
            return None
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        newlines, commas = _boundaries(data)
        starts = np.concatenate([[0], newlines + 1]).astype(np.int64)
        ends = np.concatenate([newlines + 1, [len(data)]]).astype(np.int64)
        # Blank lines are not records (the loader skips them); only a line of at most "\r\n" can be one.
        short = np.flatnonzero((ends - starts) <= 2)
        blank = {int(i) for i in short if not data[starts[i]:ends[i]].strip(b"\r\n")}
        body = [i for i in range(len(starts)) if i not in blank] if blank else list(range(len(starts)))
        if not body:
            return None
        header_raw = data[starts[body[0]]:ends[body[0]]]
        header = [h.strip() for h in parse_record(header_raw)]
        if len(table.key_columns) != 1 or not header or header[0] != table.key:
            return None
        if any(c not in header for c in table.column_names):  # a full rewrite adds the missing column
            return None
        rec = np.array(body[1:], dtype=np.int64)
        starts, ends = starts[rec], ends[rec]
        first_comma = commas[np.minimum(np.searchsorted(commas, starts), max(len(commas) - 1, 0))] \
            if len(commas) else ends
        field_end = np.where((first_comma >= starts) & (first_comma < ends), first_comma, ends)
        keys = [data[s:fe].decode("utf-8").strip() for s, fe in zip(starts.tolist(), field_end.tolist(), strict=True)]
        for i in np.flatnonzero(np.frombuffer(data, dtype=np.uint8)[starts] == QUOTE) if len(starts) else []:
            rec_fields = parse_record(data[starts[i]:ends[i]])  # a quoted key: parse that record properly
            keys[i] = rec_fields[0].strip() if rec_fields else ""
        newline = "\r\n" if len(newlines) and newlines[0] > 0 and data[newlines[0] - 1] == ord("\r") else "\n"
        index = cls(path, st, header, starts, ends, keys, newline, data.endswith(b"\n"))
        # A file whose header quotes every field (a spreadsheet's export) gets its new rows quoted the same way.
        if header_raw.rstrip(b"\r\n") == index.serialise(parse_record(header_raw), True, csv.QUOTE_ALL).rstrip(b"\r\n"):
            index.quoting = csv.QUOTE_ALL
        index.positions = {k: i for i, k in reversed(list(enumerate(keys)))}  # the first wins, as in loading
        return index

    def record(self, data: bytes, i: int) -> list[str]:
        fields = parse_record(data[self.starts[i]:self.ends[i]])
        return fields + [""] * (len(self.header) - len(fields))

    def serialise(self, fields: list[str], last: bool, quoting: int | None = None) -> bytes:
        buf = io.StringIO()
        csv.writer(buf, lineterminator=self.newline, quoting=self.quoting if quoting is None else quoting
                   ).writerow(fields)
        text = buf.getvalue()
        if last and not self.ends_with_newline:
            text = text[: -len(self.newline)]
        return text.encode("utf-8")

    def splice(self, data: bytes, i: int | None, new: bytes | None, key: str) -> bytes:
        """The file's bytes with record ``i`` replaced by ``new`` (``new`` None: removed; ``i`` None: appended),
        and this index moved to match them."""
        if i is None:  # append
            head = data if data.endswith(b"\n") or not data else data + self.newline.encode()
            out = head + new
            self.starts = np.append(self.starts, len(head))
            self.ends = np.append(self.ends, len(out))
            self.keys.append(key)
            self.positions.setdefault(key, len(self.keys) - 1)
            self.ends_with_newline = out.endswith(b"\n")
            return out
        s, e = int(self.starts[i]), int(self.ends[i])
        if new is None:
            out = data[:s] + data[e:]
            delta = -(e - s)
            self.starts = np.delete(self.starts, i)
            self.ends = np.delete(self.ends, i)
            del self.keys[i]
            self.starts[i:] += delta
            self.ends[i:] += delta
            self.positions = {k: n for n, k in reversed(list(enumerate(self.keys)))}
        else:
            out = data[:s] + new + data[e:]
            delta = len(new) - (e - s)
            self.ends[i] += delta
            self.starts[i + 1:] += delta
            self.ends[i + 1:] += delta
        return out
