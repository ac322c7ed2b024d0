"""The events on the map: one compact element per selection, drawn by ``static/conflictmap-layers.js``.

Events are not one folium object each (1.3 ms and ~1 kB of HTML apiece): one :class:`EventLayer`
carries compact column arrays (ids, coordinates, status, dates) and the drawing script puts them on a
canvas. Above ``POINT_LIMIT`` events in view, :class:`GridLayer` draws counts per grid cell instead.
The selection is passed to st_folium as ``feature_group_to_add``, so a slider move swaps only this
layer and the user's pan and zoom survive.
"""

from __future__ import annotations

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from ..claims import STATUS_COLOURS, STATUS_LABELS
from ..geo import SYRIA_ZOOM, cell_size_deg, country_only, fit_bounds, in_view
from ..schema import STATUSES
from ..text import escape, json_for_script
from .elements import BASEMAP_URL, LAYERS_JS_FILE, StoryPath, base_map

# Above this many events drawn, titles are left out of the payload: the browser gets
# ids, coordinates, status and dates only (about 40 bytes each), the tooltip shows the
# id, day and status, and the title and claims come from the server on click. At or
# below it (a story, one town, the seed articles) titles ride along for hover, at a
# bounded cost of a few KB.
TITLE_LIMIT = 30
# Above this many events in view, the map shows grid cells with counts instead.
POINT_LIMIT = 4000


RELATIONS = ("at", "near", "between", "route")
EPOCH = pd.Timestamp("1970-01-01")


class EventLayer(MacroElement):
    """All selected events in one element: markers, halos, between-lines and routes.

    Per event the browser receives its id, anchor coordinate, status, start day,
    halo radius and relation code (about 40 bytes); multi-place events add their
    path. The drawing code is ``static/conflictmap-layers.js``, loaded once by
    :func:`base_map` (``LAYERS_JS``), so a rerun sends only data. Titles travel
    only for small selections (``TITLE_LIMIT``): the details come from the server
    when an event is clicked. Clicking a marker or line sets ``layer.feature.properties.id``, which st_folium returns as
    ``last_active_drawing``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.cmDrawEvents({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.colours_json }},
                            {{ this.labels_json }});
        {% endmacro %}
    """)

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "EventLayer"
        self.data_json = json_for_script(data)
        self.colours_json = json_for_script([STATUS_COLOURS[s] for s in STATUSES])
        self.labels_json = json_for_script([STATUS_LABELS[s] for s in STATUSES])


class GridLayer(MacroElement):
    """Many events aggregated into grid cells: one circle per cell, sized by count,
    coloured by the cell's most common status. Clicking a cell zooms into it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.cmDrawGrid({{ this._parent.get_name() }}, {{ this.data_json }}, {{ this.colours_json }});
        {% endmacro %}
    """)

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "GridLayer"
        self.data_json = json_for_script(data)
        self.colours_json = json_for_script([STATUS_COLOURS[s] for s in STATUSES])


def halo_radius_m(events: pd.DataFrame) -> pd.Series:
    """Metres of uncertainty to draw around each marker; 0 for a precise point.

    The loosest of the gazetteer's coordinate precision and the event's
    geo_precision (2: near the place, ~10 km; 3: only the region, ~40 km).
    """
    by_geo = events["geo_precision"].map({1: 0, 2: 10_000, 3: 40_000}).fillna(0)
    coord = events["coord_precision_m"].astype("Float64").fillna(0).astype(float)
    radius = pd.concat([by_geo.astype(float), coord], axis=1).max(axis=1)
    return radius.where(radius > 1000, 0).round().astype(int)


def _status_codes(status: pd.Series) -> np.ndarray:
    """Each status as its index in STATUSES (unknown or empty: "no_claims"), for the drawing script."""
    codes, uniques = pd.factorize(status)  # a handful of distinct values: 5x faster than a Categorical at 200k
    fallback = STATUSES.index("no_claims")
    lut = np.array([STATUSES.index(u) if u in STATUSES else fallback for u in uniques] + [fallback], dtype=int)
    return lut[codes]  # code -1 (missing) picks the trailing fallback


def layer_data(events: pd.DataFrame, places: pd.DataFrame, *, selected_id: str | None = None) -> dict:
    """The compact, column-oriented payload :class:`EventLayer` draws."""
    mapped = events[events["lat"].notna() & events["lon"].notna()]
    multi = mapped.index[mapped["place_relation"].isin(["between", "route"]).to_numpy()]
    paths: dict[int, list] = {}
    if len(multi):
        # A country is no point to start a route from: the path runs between the precise places only.
        coords = places.loc[places["kind"] != "country"].set_index("place_id")[["lat", "lon"]].dropna()
        lookup = {pid: (round(la, 4), round(lo, 4)) for pid, la, lo in coords.itertuples()}
        for i, idx in enumerate(mapped.index):
            if idx in multi:
                pts = [lookup[p] for p in mapped.at[idx, "place_list"] if p in lookup]
                if len(pts) >= 2:
                    paths[i] = pts
    rel_codes = {r: i for i, r in enumerate(RELATIONS)}
    data = {
        "id": [escape(i) for i in mapped["event_id"]],
        "lat": mapped["lat"].round(4).tolist(),
        "lon": mapped["lon"].round(4).tolist(),
        "s": _status_codes(mapped["status"]).tolist(),
        "d": ((mapped["date_start"] - EPOCH) // pd.Timedelta(days=1)).astype(int).tolist(),
        "h": halo_radius_m(mapped).tolist(),
        "r": mapped["place_relation"].map(rel_codes).fillna(0).astype(int).tolist(),
        "p": paths,
        "selected": escape(selected_id) if selected_id else None,
    }
    if len(mapped) <= TITLE_LIMIT:
        data["title"] = [escape(t) for t in mapped["title_en"]]
    return data


def grid_data(events: pd.DataFrame, zoom: int) -> dict:
    """Aggregate mapped events into cells: count, mean position and most common status (ties: the first in
    STATUSES). Cells come in row-major order (south to north, then west to east); numpy throughout, since it
    runs on every script run of a large selection."""
    lat, lon = events["lat"].to_numpy(float), events["lon"].to_numpy(float)
    codes = _status_codes(events["status"])
    ok = ~(np.isnan(lat) | np.isnan(lon))
    if not ok.all():
        lat, lon, codes = lat[ok], lon[ok], codes[ok]
    if not len(lat):
        return {"lat": [], "lon": [], "n": [], "s": []}
    size = cell_size_deg(zoom)
    i, j = np.floor(lat / size).astype(np.int64), np.floor(lon / size).astype(np.int64)
    i, j = i - i.min(), j - j.min()
    _, cell = np.unique(i * (int(j.max()) + 1) + j, return_inverse=True)
    n = np.bincount(cell)
    per_status = np.bincount(cell * len(STATUSES) + codes, minlength=len(n) * len(STATUSES))
    return {"lat": np.round(np.bincount(cell, weights=lat) / n, 4).tolist(),
            "lon": np.round(np.bincount(cell, weights=lon) / n, 4).tolist(),
            "n": n.tolist(), "s": per_status.reshape(len(n), len(STATUSES)).argmax(axis=1).tolist()}


def event_layers(events: pd.DataFrame, places: pd.DataFrame, *, selected_id: str | None = None,
                 bounds=None, zoom: int | None = None,
                 story_path: list[tuple[float, float]] | None = None) -> folium.FeatureGroup:
    """The selection as one FeatureGroup, for ``st_folium(feature_group_to_add=...)`` or a plain map.

    Up to ``POINT_LIMIT`` events in view are drawn one by one; above that the
    view is aggregated into grid cells, and individual events appear as the
    user zooms in (pass the map's ``bounds`` and ``zoom``) or narrows the selection.
    """
    fg = folium.FeatureGroup(name="Events", control=False)
    fg._id = "events"
    visible = in_view(events, bounds)
    if len(visible) > POINT_LIMIT:
        data, layer = grid_data(visible, zoom if zoom is not None else SYRIA_ZOOM), GridLayer
    else:
        data, layer = layer_data(visible, places, selected_id=selected_id), EventLayer
    data["fit"] = fit_bounds(events)  # for the map's "Fit all" (ViewControl): every event, not only those in view
    fg.add_child(layer(data))
    if story_path and len(story_path) >= 2:
        fg.add_child(StoryPath(story_path))
    return fg


def standalone_map(events: pd.DataFrame, places: pd.DataFrame, *, basemap_url: str = BASEMAP_URL,
                   basemap: str = "offline") -> folium.Map:
    """A plain folium map with the events on it, for saving as HTML outside Streamlit (drawing code inlined)."""
    m = base_map(basemap, basemap_url=basemap_url, layers_js=None)
    code = LAYERS_JS_FILE.read_text(encoding="utf-8").replace("</", "<\\/")
    m.get_root().header.add_child(folium.Element(f"<script>{code}</script>"), name="conflictmap_layers")
    # As in the app: events known only at country level are not drawn as a dot (geo.country_only).
    event_layers(events[~country_only(events, places)], places).add_to(m)
    return m
