"""st_folium glue: reading the map's returned value, moving the map, and the app's base map.

The map's own protocol quirks live here and in :mod:`ui.compat` (QuietOpen), not in the core.
"""

from __future__ import annotations

import folium
import streamlit as st

from conflictmap.maplayers import base_map

from .compat import QuietOpen
from .state import uninterrupted


def app_base_map(basemap: str, **kwargs) -> folium.Map:
    """:func:`conflictmap.maplayers.base_map` plus :class:`~ui.compat.QuietOpen`, for st_folium."""
    m = base_map(basemap, **kwargs)
    quiet = QuietOpen()
    quiet._id = "quiet"
    m.add_child(quiet)
    return m


def map_view(state: dict | None) -> tuple[tuple[tuple[float, float], tuple[float, float]], int] | None:
    """((south, west), (north, east)), zoom from st_folium's returned value, or None if it has no view yet."""
    if not state:
        return None
    b = state.get("bounds") or {}
    sw, ne = b.get("_southWest") or {}, b.get("_northEast") or {}
    if None in (sw.get("lat"), sw.get("lng"), ne.get("lat"), ne.get("lng"), state.get("zoom")):
        return None
    return ((sw["lat"], sw["lng"]), (ne["lat"], ne["lng"])), int(state["zoom"])


def view_args(center: tuple[float, float], zoom: int, moves: int) -> tuple[tuple[float, float], float]:
    """The ``center`` and ``zoom`` to hand st_folium for the ``moves``-th explicit move of the map.

    st_folium moves the map only when these differ from the ones it got last. A user who panned
    away and asks for the same place again ("Zoom to this event" twice, a shared link reopened)
    would see nothing happen. Every other move is nudged by 1e-7: a centimetre, and a zoom that
    Leaflet snaps back to the whole level.
    """
    nudge = 1e-7 * (moves % 2)
    return (center[0] + nudge, center[1]), zoom + nudge


@uninterrupted
def move_view(center: tuple[float, float], zoom: int) -> None:
    """Move the map to ``center``/``zoom`` in this run, even if it was sent there before and the user has
    panned away since (see :func:`view_args`). Also a widget callback ("Zoom to this event")."""
    st.session_state["view"] = (tuple(center), zoom)
    st.session_state["view_moves"] = st.session_state.get("view_moves", 0) + 1
