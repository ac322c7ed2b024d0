"""``geodata/places.csv`` as text: read it, change only the cells geocoding fills, write it back atomically.

Also reads the place ids ``events.csv`` refers to, since the places geocoding
must see are exactly those the loader sets aside.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .. import schema
from ..files import atomic_write, read_table_text
from .model import split_list


@dataclass
class PlacesFile:
    """places.csv as text, so writing it back changes only the cells geocoding fills.

    ``original`` keeps the bytes read, so callers can tell (and tests can
    prove) whether anything changed.
    """

    path: Path
    header: list[str]
    rows: list[dict[str, str]]
    original: bytes = b""
    newline: str = "\n"
    encoding: str = "utf-8"

    @classmethod
    def read(cls, path: Path | str) -> PlacesFile:
        """Read places.csv (UTF-8 or Windows Arabic); a missing file is an empty one with the schema's header."""
        path = Path(path)
        if not path.exists():
            return cls(path, list(schema.PLACES.column_names), [])
        text, encoding = read_table_text(path)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])] or list(schema.PLACES.column_names)
        rows = [{h: (v if isinstance(v, str) else "") for h, v in zip(header, r.values(), strict=False)}
                for r in reader]
        for column in schema.PLACES.column_names:  # a geocoded value needs somewhere to go
            if column not in header:
                header.append(column)
        newline = "\r\n" if "\r\n" in text[:4096] else "\n"
        return cls(path, header, rows, path.read_bytes(), newline, encoding)

    def text(self) -> str:
        """The file as it would be written: its header (plus any schema column it lacked), its line endings."""
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=self.header, lineterminator=self.newline, extrasaction="ignore")
        w.writeheader()
        for r in self.rows:
            w.writerow({h: r.get(h, "") for h in self.header})
        return buf.getvalue()

    def write(self) -> None:
        """Replace the file whole, or not at all."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, self.text(), encoding="utf-8")


def referenced_place_ids(events_path: Path | str) -> list[str]:
    """Place ids events.csv refers to, in order of first use, read raw.

    ``load_dataset`` sets aside events whose places are unknown, which are
    exactly the ones geocoding must see, so the file is read directly.
    """
    path = Path(events_path)
    if not path.exists():
        return []
    text, _ = read_table_text(path)
    seen: dict[str, None] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        for pid in split_list(row.get("place_ids") or ""):
            seen.setdefault(pid, None)
    return list(seen)


def name_from_place_id(place_id: str) -> str:
    """A searchable name from an id: ``baghouz-tahtani`` → ``Baghouz Tahtani``."""
    return " ".join(w.capitalize() for w in re.split(r"[-_\s]+", place_id) if w)
