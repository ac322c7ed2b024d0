"""The dataset, shared by every session, and what the page may show about where it came from."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from conflictmap import schema
from conflictmap.load import DataError, Dataset, default_data_dir, load_dataset

from .text import md_escape

log = logging.getLogger("conflictmap.app")


def _data_signature(data_dir: Path) -> tuple:
    """What must change for the cached dataset to reload: each table's mtime, or the imported file's."""
    if data_dir.is_file():
        st_ = data_dir.stat()
        return ((data_dir.name, st_.st_size, st_.st_mtime_ns),)
    sig = []
    for t in schema.TABLES.values():
        p = data_dir / t.path
        sig.append((t.path, p.stat().st_mtime_ns if p.exists() else None))
    return tuple(sig)


@st.cache_resource(show_spinner="Loading events…")
def _load(data_dir: str, signature: tuple) -> Dataset:
    return load_dataset(Path(data_dir))


def dataset() -> Dataset:
    """The current data directory's dataset (shared, read-only: never mutate it)."""
    data_dir = default_data_dir()
    try:
        return _load(str(data_dir), _data_signature(data_dir))
    except DataError as exc:
        where = f" in {md_escape(data_dir)}" if edit_mode() == "local" else ""
        st.error(f"The data{where} cannot be loaded: {md_escape(exc)}")
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
    where = f"Data: {md_escape(data.data_dir)} · " if edit_mode() == "local" and data.data_dir else ""
    counts = f"{len(data.events)} events, {len(data.claims)} claims"
    rejected = f" · {len(data.errors)} rows rejected (see Data quality)" if data.errors else ""
    st.caption(where + counts + rejected)


def offline_default() -> str:
    """'offline' unless CONFLICTMAP_BASEMAP names an online basemap."""
    return os.environ.get("CONFLICTMAP_BASEMAP", "offline")
