"""The geocoder's memory: every answer an online service gave, kept on disk.

Public geocoders ask that no query is sent twice (Nominatim's usage policy
requires caching), and an interrupted run must not lose what it already paid
for in requests and seconds. So every new answer, including "no result", is
written to ``geodata/geocode-cache.json`` at once, atomically, before the next
request goes out. Errors (timeouts, HTTP 5xx) are never cached: they say
nothing about the place.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from pathlib import Path

from ..files import atomic_write

log = logging.getLogger(__name__)

CACHE_FILENAME = "geocode-cache.json"
CACHE_VERSION = 1


class GeocodeCache:
    """Answers keyed by (service, query, language, …); a file, or memory only when ``path`` is None.

    Thread-safe: Streamlit sessions share one process, and a rerun may race
    the CLI's writes only through the atomic rename, never a half-written file.
    """

    def __init__(self, path: Path | str | None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only  # a dry run reads the file and remembers new answers in memory only
        self._lock = threading.Lock()
        self._entries: dict[str, dict] = {}
        self._unreadable: bytes | None = None
        if self.path is not None and self.path.exists():
            self._entries = self._read(self.path)

    def _read(self, path: Path) -> dict[str, dict]:
        raw = path.read_bytes()
        try:
            doc = json.loads(raw.decode("utf-8"))
            entries = doc["entries"]
            if not isinstance(entries, dict):
                raise TypeError(f"'entries' is a {type(entries).__name__}, not an object")
            return entries
        except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as exc:
            # Keep the bytes: they are written aside before the file is first replaced.
            log.warning("geocode cache %s is unreadable (%s); starting an empty cache", path, exc)
            self._unreadable = raw
            return {}

    @staticmethod
    def key(service: str, query: str, *, language: str = "", **params: object) -> str:
        """One string per distinct request: the same query to another service or in another language differs."""
        return json.dumps({"service": service, "query": query, "language": language, **params},
                          ensure_ascii=False, sort_keys=True)

    def get(self, key: str) -> list[dict] | None:
        """The cached results (possibly ``[]``, a remembered "no result"), or None when never asked."""
        with self._lock:
            entry = self._entries.get(key)
            return None if entry is None else list(entry["results"])

    def put(self, key: str, results: list[dict]) -> None:
        """Remember an answer and write the whole cache file atomically, now."""
        with self._lock:
            self._entries[key] = {"results": results,
                                  "fetched": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
            self._save()

    def _save(self) -> None:
        if self.path is None or self.read_only:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self._unreadable is not None:
            atomic_write(self.path.with_name(self.path.name + ".unreadable"), self._unreadable)
            self._unreadable = None
        doc = {"version": CACHE_VERSION,
               "about": "Answers from online geocoders, kept so that no query is sent twice. "
                        "Safe to delete; written by conflictmap.geocode.",
               "entries": self._entries}
        atomic_write(self.path, json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n")

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries
