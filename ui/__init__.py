"""The Streamlit layer: everything pages/ needs between widgets and the core, one module per job.

The core (``conflictmap/``) never imports streamlit; this package is where the caching and widget
state live: ``compat`` (every private Streamlit/st_folium API, fenced), ``data`` (the shared dataset,
edit mode), ``state`` (callbacks applied whole, values kept across pages), ``filters`` (the sidebar),
``urlstate`` (the shareable link), ``stories``, ``mapglue`` (st_folium), ``downloads``, ``text``,
``edit`` (the edit forms, deletes, history), ``edit_stories``, ``edit_map`` (places by a map click),
``edit_places`` (the Places page's geocoding save).
Pages import ``ui`` and use the names below. Rerun consequences worth knowing:

* The dataset is held with ``st.cache_resource``: one shared, read-only copy
  for every session (``st.cache_data`` would pickle a copy per rerun). It is
  read through the store (PostgreSQL or the CSV directory); after a save the
  next run patches the change in (``Store.refresh``), and a CSV file edited by
  hand (its modification time changed, nothing in the history) reloads it.
* Every widget callback is wrapped in :func:`uninterrupted`: Streamlit may
  abandon a callback half-way when another interaction arrives, and the
  button press behind it would be lost.
* The sidebar filters are rendered by each page that uses them. Streamlit
  forgets a widget's value when a page without it runs, so every filter value
  is mirrored into a plain session key (``_keep_<key>``) on change (:func:`keep`) and
  restored before the widget is drawn: the selection survives page switches. The map
  page's own controls (language, basemap) use the same pair through :func:`recall`.
"""

from __future__ import annotations

import streamlit as st

from conflictmap.render import event_panel_html
from conflictmap.text import escape

from .compat import leave_legacy_pages_mode
from .data import data_dir_caption, dataset, edit_mode, editor, live_store, map_assets_local, offline_default
from .downloads import download_buttons
from .edit import edit_controls
from .edit_map import click_objects as map_click_objects
from .edit_map import new_event_here
from .filters import CURRENT_PAGE, FILTER_KEYS, current_filters, sidebar_filters
from .mapglue import (
    app_base_map,
    event_panel,
    event_row,
    map_component,
    map_layer,
    map_selection,
    map_view,
    move_view,
    selected_events,
    view_args,
)
from .state import keep, recall, uninterrupted
from .stories import go_to_step, leave_story
from .text import PRESENTATION_CSS, event_titles, md_escape
from .urlstate import apply_url_state, current_view_state, query_dict, sync_url

__all__ = [
    "CURRENT_PAGE",
    "FILTER_KEYS",
    "PRESENTATION_CSS",
    "app_base_map",
    "apply_url_state",
    "current_filters",
    "current_view_state",
    "data_dir_caption",
    "dataset",
    "download_buttons",
    "edit_controls",
    "edit_mode",
    "editor",
    "escape",
    "event_panel",
    "event_panel_html",
    "event_row",
    "event_titles",
    "go_to_step",
    "keep",
    "leave_story",
    "live_store",
    "map_assets_local",
    "map_click_objects",
    "map_component",
    "map_layer",
    "map_selection",
    "map_view",
    "md_escape",
    "move_view",
    "new_event_here",
    "offline_default",
    "query_dict",
    "recall",
    "require_entrypoint",
    "selected_events",
    "sidebar_filters",
    "sync_url",
    "uninterrupted",
    "view_args",
]


def require_entrypoint() -> None:
    """Make sure this page runs inside app.py's navigation; call it first in every page.

    A page file run alone (Streamlit's legacy ``pages/`` mode, :func:`ui.compat.leave_legacy_pages_mode`)
    reruns through app.py, which then opens the requested page.
    """
    if leave_legacy_pages_mode():
        st.rerun()
