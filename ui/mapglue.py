"""st_folium glue: reading the map's returned value, moving the map, the app's base map, and drawing it cheaply.

The map's own protocol quirks live here and in :mod:`ui.compat` (QuietOpen), not in the core.

Why :func:`map_component` and not ``st_folium`` itself (issue 16, "the page must be cheap"): on every
script run ``st_folium`` renders the whole base map again through folium's Jinja templates, and
branca compiles every rendered piece (the event layer's data too) as a new Jinja template. The
base map never changes for a given basemap, legend scale and language, so what st_folium derives
from it (the map's script, header, html, asset links, the component's key) is worked out once per
process (:func:`_base_args`); each run only turns the event layer into its script, without the
template compile, and hands the component the same arguments st_folium would.
``tests/test_mapglue.py`` checks the arguments are identical to st_folium's, for several layers.
st_folium 0.27's private helpers used (pinned in requirements.txt): ``_component_func``,
``_get_html``, ``_get_header``, ``_get_map_string``, ``generate_leaflet_string``,
``generate_js_hash``, ``get_full_id``.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from textwrap import dedent

import folium
import numpy as np
import pandas as pd
import streamlit as st
import streamlit_folium as _sf
from folium.map import ElementAddToElement

from conflictmap.geo import country_only, outside_bounds
from conflictmap.maplayers import base_map
from conflictmap.render import event_panel_html
from conflictmap.select import apply_filters

from .compat import QuietOpen
from .state import uninterrupted


def app_base_map(basemap: str, **kwargs) -> folium.Map:
    """:func:`conflictmap.maplayers.base_map` plus :class:`~ui.compat.QuietOpen`, for st_folium."""
    m = base_map(basemap, **kwargs)
    quiet = QuietOpen()
    quiet._id = "quiet"
    m.add_child(quiet)
    return m


@dataclass(frozen=True)
class _Base:
    """What st_folium derives from a base map, for :func:`map_component`."""

    script: str
    header: str
    html: str
    id: str
    bounds: list
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


def _walk(el):
    if isinstance(el, folium.elements.JSCSSMixin):
        yield el
    for child in getattr(el, "_children", {}).values():
        yield from _walk(child)


def _asset_urls() -> tuple:
    """folium's asset URLs now: ``conflictmap.assets`` switches them process-wide (local copies or the CDN),
    and a base map built before a switch must not be reused after it."""
    return tuple(map(tuple, folium.Map.default_js)), tuple(map(tuple, folium.Map.default_css))


@lru_cache(maxsize=32)
def _base_args(basemap: str, legend_scale: float, lang: str, assets: tuple) -> _Base:
    """The base map rendered as st_folium 0.27 renders it, once per (basemap, legend scale, language, the
    asset URLs: see :func:`_asset_urls`)."""
    m = app_base_map(basemap, legend_scale=legend_scale, lang=lang)
    m.get_root().render()
    m.render()
    html, header = _sf._get_html(m), _sf._get_header(m)
    script = _sf._get_map_string(m)
    try:
        bounds = m.get_bounds()
    except AttributeError:
        bounds = [[None, None], [None, None]]
    css = [href for el in _walk(m) for _, href in getattr(el, "default_css", [])]
    js = [src for el in _walk(m) for _, src in getattr(el, "default_js", [])]
    return _Base(script, header, html, _sf.get_full_id(m), bounds, m.options.get("zoom"),
                 tuple(dict.fromkeys(css)), tuple(dict.fromkeys(js)))


@lru_cache(maxsize=64)
def _hash_key(script: str, key: str | None) -> str:
    return _sf.generate_js_hash(script, key, False)


class _Parent:
    """Stands in for the map as the feature group's parent: only its name reaches the script."""

    def __init__(self, full_id: str) -> None:
        self._name, self._id = full_id.split("_", 1)
        self._name = self._name.capitalize()
        self._parent = None

    def get_name(self) -> str:
        return f"{self._name.lower()}_{self._id}"


def feature_group_script(fg: folium.FeatureGroup, map_id: str = "map_cm", idx: int = 0) -> str:
    """``fg`` as the script st_folium sends as ``feature_group`` (its ``_get_feature_group_string``), built
    without rendering: folium's render only adds the layer's ``addTo`` and compiles every element's
    output as a Jinja template, which st_folium never uses for a feature group."""
    fg._id = f"feature_group_{idx}"
    fg._parent = _Parent(map_id)
    if fg.show:  # what folium.map.Layer.render adds
        fg.add_child(ElementAddToElement(element_name=fg.get_name(), element_parent_name=map_id),
                     name=fg.get_name() + "_add")
    out = _sf.generate_leaflet_string(fg, base_id=f"feature_group_{idx}")
    out = dedent(out.replace(map_id, "map_div"))
    return out + dedent(f"""
        map_div.addLayer(feature_group_feature_group_{idx});
        window.feature_group = window.feature_group || [];
        window.feature_group.push(feature_group_feature_group_{idx});
        """)


def map_component(basemap: str, *, legend_scale: float, lang: str, feature_group: folium.FeatureGroup | str,
                  center, zoom, key: str, height: int, returned_objects: list[str]):
    """``st_folium(app_base_map(...), feature_group_to_add=..., use_container_width=True, ...)``, cheaply.

    ``feature_group`` is the layer, or its script from :func:`feature_group_script` (cached by the caller).
    """
    base = _base_args(basemap, float(legend_scale), lang, _asset_urls())
    fg = feature_group if isinstance(feature_group, str) else feature_group_script(feature_group, base.id)
    hash_key = _hash_key(base.script, key)
    defaults = {"last_clicked": None, "last_object_clicked": None, "last_object_clicked_count": None,
                "last_object_clicked_tooltip": None, "last_object_clicked_popup": None, "all_drawings": None,
                "last_active_drawing": None,
                "bounds": {"_southWest": {"lat": base.bounds[0][0], "lng": base.bounds[0][1]},
                           "_northEast": {"lat": base.bounds[1][0], "lng": base.bounds[1][1]}},
                "zoom": base.zoom, "last_circle_radius": None, "last_circle_polygon": None,
                "selected_layers": None, "selected_tags": None, "last_geocoder_result": None}
    defaults = {k: v for k, v in defaults.items() if k in returned_objects}

    @uninterrupted
    def on_change() -> None:  # as st_folium's: the value under the caller's key
        st.session_state[key] = st.session_state.get(hash_key, {})

    return _sf._component_func(
        script=base.script, header=base.header, html=base.html, id=base.id, key=hash_key, height=height,
        width=None, returned_objects=returned_objects, default=defaults, zoom=zoom, center=center,
        feature_group=fg, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(base.css_links), js_links=list(base.js_links), on_change=on_change, wrap_longitude=False)


class LayerCache:
    """A small LRU of layer scripts per dataset: the same selection, view and pick draw the same script.

    Kept on the dataset (``Dataset.cached``), so an edit (a new dataset object after ``Store.refresh``) or
    a reload starts an empty cache: a script never outlives the data it was built from.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.items: OrderedDict[Hashable, object] = OrderedDict()
        self.lock = threading.Lock()
        self.building: dict[Hashable, threading.Lock] = {}

    def _hit(self, key: Hashable) -> tuple[bool, object]:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return True, self.items[key]
            return False, self.building.setdefault(key, threading.Lock())

    def get(self, key: Hashable, build: Callable[[], object]):
        found, value = self._hit(key)
        if found:
            return value
        # One build per key: an audience moving to the same window at once waits for one session's build
        # instead of each doing it (ten at once made the slider's p95 seconds at 200,000 events).
        # Other keys are never blocked.
        with value:
            found, again = self._hit(key)
            if found:
                return again
            try:
                value = build()
                with self.lock:
                    self.items[key] = value
                    while len(self.items) > self.size:
                        self.items.popitem(last=False)
            finally:
                with self.lock:
                    self.building.pop(key, None)
        return value


def layer_cache(data, name: str, size: int = 64) -> LayerCache:
    """The dataset's :class:`LayerCache` called ``name``."""
    return data.cached(f"mapglue:{name}", lambda: LayerCache(size))


# What the map's layers and notices read of an event (maplayers.payload, geo.in_view/outside_bounds/fit_bounds).
MAP_COLUMNS = ("event_id", "lat", "lon", "status", "date_start", "place_relation", "place_list", "geo_precision",
               "coord_precision_m", "title_en")


@dataclass(frozen=True)
class MapSelection:
    """The selection as the map sees it: drawn (``mapped``, the map's columns only), listed beside the map
    (``imprecise``: country level), outside the frame (``off_map``) and without coordinates (``unplaced``)."""

    mapped: pd.DataFrame
    imprecise: pd.DataFrame
    off_map: pd.DataFrame
    unplaced: int


def _country_level(data) -> np.ndarray:
    """:func:`conflictmap.geo.country_only` of every event, once per dataset (a Python test per event)."""
    return data.cached("mapglue:country_only",
                       lambda: country_only(data.events, data.places).to_numpy(dtype=bool, na_value=False))


def selected_events(data, filters) -> pd.DataFrame:
    """``apply_filters(data, filters)``, kept for the last few filters of each dataset (read-only, shared):
    an audience on one window, or a session rerunning for a click, selects once. A date window's selection
    is mostly a slice of the dataset (``select._rows``), so keeping a few costs little memory."""
    return layer_cache(data, "rows", 3).get(filters, lambda: apply_filters(data, filters))


def event_row(data, event_id: str | None) -> pd.DataFrame:
    """The dataset's row of ``event_id`` as a one-row frame (empty if none): through an id -> position index
    built once per dataset, not a comparison of every event id on every run."""
    if not event_id:
        return data.events.iloc[:0]
    where = data.cached("mapglue:event_positions",
                        lambda: {e: i for i, e in enumerate(data.events["event_id"])})
    pos = where.get(event_id)
    return data.events.iloc[:0] if pos is None else data.events.iloc[pos:pos + 1]


def event_panel(data, event_id: str, *, highlight_claim: str | None, lang: str, editor: bool) -> str:
    """:func:`conflictmap.render.event_panel_html`, kept per dataset under all its arguments: the panel stays
    open while the visitor moves the window or pans (every such run drew it again), and an audience opens the
    same event's ledger. At 200,000 events one build scans every event and claim."""
    return layer_cache(data, "panel", 32).get(
        (event_id, highlight_claim, lang, bool(editor)),
        lambda: event_panel_html(data, event_id, highlight_claim=highlight_claim, lang=lang, editor=editor))


def _settle_heap() -> bool:
    """Move everything alive now (the dataset, the imported modules) out of the garbage collector's sight.

    Streamlit collects all generations after every script run (``runner.postScriptGC``, on by default, keeps
    memory bounded); with 200,000 events that full collection walked millions of long-lived objects, 0.09
    CPU-seconds per run. Frozen objects are still freed by reference counting; the collection before the
    freeze (after an unfreeze, so a replaced dataset's cycles go too) keeps garbage out of it. Once per dataset.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True


def map_selection(data, filters, selection: pd.DataFrame) -> MapSelection:
    """:class:`MapSelection` of ``selection`` (``apply_filters(data, filters)``), kept per dataset and filters:
    a slider move back, another visitor with the same window, a click that changes nothing in the selection
    cost nothing. The frames are read-only (shared by every session)."""
    def build() -> MapSelection:
        only = _country_level(data)
        if len(selection) and len(selection) != len(data.events):
            only = only[data.events.index.get_indexer(selection.index)]
        elif not len(selection):
            only = only[:0]
        imprecise = selection[only] if only.any() else selection.iloc[:0]
        placed = selection["lat"].notna().to_numpy() & ~only
        cols = [c for c in MAP_COLUMNS if c in selection.columns]
        mapped = selection if placed.all() else selection[cols].iloc[np.flatnonzero(placed)]
        return MapSelection(mapped, imprecise, outside_bounds(mapped), len(selection) - len(mapped) - len(imprecise))
    data.cached("mapglue:heap_settled", _settle_heap)
    return layer_cache(data, "selection", 4).get(filters, build)


def map_layer(data, key: Hashable, build: Callable[[], tuple[folium.FeatureGroup, object]]) -> tuple[str, object]:
    """``build()`` returns a layer and a value that goes with it; this returns the layer's script
    (:func:`feature_group_script`) and that value, kept per dataset under ``key``. Everything the layer
    depends on besides the dataset (filters, picked event, view, story, language) must be in ``key``."""
    def script() -> tuple[str, object]:
        fg, extra = build()
        return feature_group_script(fg), extra
    return layer_cache(data, "layer", 64).get(key, script)


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
