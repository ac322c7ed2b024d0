"""The dataset, shared by every session, and what the page may show about where it came from."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import streamlit as st

from conflictmap import schema
from conflictmap.load import DataError, Dataset, default_data_dir, load_dataset
from conflictmap.store import Store, StoreError, database_url, open_store

from .i18n import t
from .text import md_escape

log = logging.getLogger("conflictmap.app")


def _data_signature(data_dir: Path) -> tuple:
    """What must change for the cached dataset to reload: each table's mtime, or the imported file's."""
    if data_dir.is_file():
        st_ = data_dir.stat()
        return ((data_dir.name, st_.st_size, st_.st_mtime_ns),)
    sig = []
    for table in schema.TABLES.values():
        p = data_dir / table.path
        sig.append((table.path, p.stat().st_mtime_ns if p.exists() else None))
    return tuple(sig)


@st.cache_resource(show_spinner="Loading events…")
def _load(data_dir: str, signature: tuple) -> Dataset:
    return load_dataset(Path(data_dir))


class _Live:
    """One store and the dataset read from it, shared by every session and kept current.

    After a save the dataset is brought up to date with :meth:`Store.refresh` (only the changed rows are
    validated and patched in; the other tables are kept), on the next run of any session. For the CSV
    directory the files' modification times are watched as well: a file edited by hand (not through the
    store, so not in the history) makes the whole dataset reload, as before.
    """

    def __init__(self, where: str):
        self.where = where
        self.store: Store = open_store(where)
        self.lock = threading.Lock()
        self.data: Dataset | None = None
        self.version = 0
        self.signature: tuple = ()

    def current(self) -> Dataset:
        with self.lock:
            csv_dir = getattr(self.store, "dir", None)
            if self.data is None:
                self.data, self.version = self.store.read_versioned()
                self.signature = _data_signature(csv_dir) if csv_dir is not None else ()
                return self.data
            latest = self.store.last_change_id()
            if latest != self.version:
                started = time.perf_counter()
                self.data, self.version = self.store.refresh(self.data, self.version)
                log.info("dataset refreshed to change #%s in %.3f s", self.version, time.perf_counter() - started)
                if csv_dir is not None:
                    self.signature = _data_signature(csv_dir)
            elif csv_dir is not None and _data_signature(csv_dir) != self.signature:
                self.data, self.version = self.store.read_versioned()  # edited by hand, outside the store
                self.signature = _data_signature(csv_dir)
            return self.data


@st.cache_resource(show_spinner="Loading events…")
def _live(where: str) -> _Live:
    live = _Live(where)
    live.current()
    return live


def _where() -> str | Path:
    """The database URL when ``CONFLICTMAP_DATABASE_URL`` is set, else the data directory (or imported file)."""
    return database_url() or default_data_dir()


def live_store() -> Store | None:
    """The store the app reads and writes (None when the data is an imported file, which is read-only)."""
    where = _where()
    if isinstance(where, Path) and where.is_file():
        return None
    return _live(str(where)).store


def dataset() -> Dataset:
    """The current dataset (shared, read-only: never mutate it): from PostgreSQL when
    ``CONFLICTMAP_DATABASE_URL`` is set, else the data directory; up to date with every save."""
    where = _where()
    try:
        if isinstance(where, Path) and where.is_file():
            return _load(str(where), _data_signature(where))
        return _live(str(where)).current()
    except (DataError, StoreError) as exc:
        shown = md_escape(where) if isinstance(where, Path) else t("data.database")
        at = t("data.at", where=shown) if edit_mode() == "local" else ""
        st.error(t("data.cannot_load", at=at, error=md_escape(exc)))
        st.stop()


@st.cache_resource
def map_assets_local() -> bool:
    """Point folium at the locally installed Leaflet/plugins once per process; False means CDN fallback."""
    from conflictmap import assets

    return assets.use_local_assets()


EDIT_MODES = ("off", "local", "login")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def edit_mode() -> str:
    """Who may write and see server details: ``CONFLICTMAP_EDIT`` = off | local | login.

    Unset, it is ``local`` when the server listens on loopback only (``bash run.sh``: the person at
    the machine), and ``off`` otherwise: a hosted app shows visitors no server paths.
    """
    mode = os.environ.get("CONFLICTMAP_EDIT", "").strip().lower()
    if mode in EDIT_MODES:
        return mode
    if mode:
        log.warning("CONFLICTMAP_EDIT=%r is not one of %s; editing is off", mode, ", ".join(EDIT_MODES))
        return "off"
    return "local" if (st.get_option("server.address") or "") in _LOOPBACK else "off"


def editor() -> str | None:
    """Who may write now, as the history records them; None means nobody (no edit control is shown).

    ``local``: "local", the person at the machine. ``login``: the signed-in identity when it is listed in
    ``CONFLICTMAP_EDITORS`` (see ``ui/auth.py``), else None. ``off``: None.
    """
    mode = edit_mode()
    if mode == "local":
        return "local"
    if mode == "login":
        from .auth import signed_in_editor

        return signed_in_editor()
    return None


def data_dir_caption(data: Dataset) -> None:
    """The footer: counts for everyone; the data directory only for someone editing at the machine."""
    where = t("data.where", path=md_escape(data.data_dir)) if edit_mode() == "local" and data.data_dir else ""
    counts = t("data.counts", events=len(data.events), claims=len(data.claims))
    rejected = t("data.rejected", n=len(data.errors)) if data.errors else ""
    st.caption(where + counts + rejected)


def offline_default() -> str:
    """'offline' unless CONFLICTMAP_BASEMAP names an online basemap."""
    return os.environ.get("CONFLICTMAP_BASEMAP", "offline")
