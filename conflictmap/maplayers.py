"""Map layers: a base map that never changes, and event layers that do.

streamlit-folium keys the map on the base map's JavaScript, so :func:`base_map`
must come out identical on every rerun (no events in it); the selection goes
into :func:`event_layers`, passed as ``feature_group_to_add`` so a slider move
swaps only those layers and the user's pan and zoom survive.

Events are not one folium object each (1.3 ms and ~1 kB of HTML apiece): one
:class:`EventLayer` carries compact column arrays (ids, coordinates, status,
dates) and a few lines of JavaScript draw them on a canvas. Every string that
reaches the page goes through :func:`conflictmap.text.escape` and is embedded
as JSON with ``</`` broken up, so data can never close the script or run.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from .claims import STATUS_COLOURS, STATUS_HELP, STATUS_LABELS
from .schema import STATUSES
from .text import escape

SYRIA_CENTER = (35.0, 38.5)
SYRIA_ZOOM = 6
FIT_MAX_ZOOM = 12  # "Fit all" on one event, or events in one town, stops at town level
SYRIA_BOUNDS = ((32.3, 35.6), (37.4, 42.4))  # (south, west), (north, east)

BASEMAPS = {
    "offline": ("Offline borders (Natural Earth)", None, None),
    "osm": ("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "carto": ("Carto light", "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
              '&copy; <a href="https://carto.com/attributions">CARTO</a>'),
    "satellite": ("Satellite (Esri World Imagery)",
                  "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"),
}
BASEMAP_URL = "/app/static/vendor/basemap/countries.geojson"
# The event and grid layers' drawing code: a committed file (not an installed asset), served by Streamlit's
# static serving; the query string changes with its contents, so a browser never runs a stale copy.
LAYERS_JS_FILE = Path(__file__).resolve().parent.parent / "static" / "conflictmap-layers.js"
LAYERS_JS = "/app/static/conflictmap-layers.js?v=" + hashlib.sha256(
    LAYERS_JS_FILE.read_bytes()).hexdigest()[:12]

# Above this many events drawn, titles are left out of the payload: the browser gets
# ids, coordinates, status and dates only (about 40 bytes each), the tooltip shows the
# id, day and status, and the title and claims come from the server on click. At or
# below it (a story, one town, the seed articles) titles ride along for hover, at a
# bounded cost of a few KB.
TITLE_LIMIT = 30
# Above this many events in view, the map shows grid cells with counts instead.
POINT_LIMIT = 4000


def json_for_script(obj: object) -> str:
    """JSON safe inside a <script> element, and free of raw markup.

    ``< > &`` (so no ``</script>`` or tag), backtick and ``$`` (so nothing can
    look like a template literal) and U+2028/9 are written as ``\\uXXXX``
    escapes: the parsed value is unchanged, the page bytes carry no raw markup.
    """
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch in "<>&`$\u2028\u2029":
        s = s.replace(ch, f"\\u{ord(ch):04x}")
    return s


MAP_CSS = ("<style>.leaflet-container{background:#dfe8ee}.cm-arrow{color:#222;font-size:16px;line-height:16px;"
           "text-shadow:0 0 2px #fff}"
           ".cm-view button{display:block;width:100%;height:30px;padding:0 9px;border:0;border-bottom:1px solid #ccc;"
           "background:#fff;color:#222;font:600 12px/30px sans-serif;cursor:pointer;white-space:nowrap}"
           ".cm-view button:last-child{border-bottom:0}.cm-view button:hover{background:#f4f4f4}"
           ".cm-view button:disabled{color:#aaa;cursor:default;background:#fff}</style>")


class ArrowHelper(MacroElement):
    """Defines ``window.cmArrows(group, points, colour)``: direction arrows at the middle of each
    segment of a path (routes, story paths).

    It lives in the map's own script, not the page head: streamlit-folium inserts the head with
    innerHTML, where inline scripts never run.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        window.cmArrows = function (group, pts, colour) {
          for (var k = 1; k < pts.length; k++) {
            var a = L.Projection.SphericalMercator.project(L.latLng(pts[k - 1]));
            var b = L.Projection.SphericalMercator.project(L.latLng(pts[k]));
            var deg = Math.atan2(-(b.y - a.y), b.x - a.x) * 180 / Math.PI;
            var mid = [(pts[k - 1][0] + pts[k][0]) / 2, (pts[k - 1][1] + pts[k][1]) / 2];
            L.marker(mid, {interactive: false, keyboard: false, icon: L.divIcon({className: 'cm-arrow',
              iconSize: [16, 16], html: '<div style="color:' + (colour || '#222') + ';transform:rotate(' + deg +
              'deg)">&#10148;</div>'})}).addTo(group);
          }
        };
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ArrowHelper"


class StoryPath(MacroElement):
    """The places a story moves through, in order, as a path with direction arrows."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var group = {{ this._parent.get_name() }};
          var pts = {{ this.points_json }};
          L.polyline(pts, {color: '#5b2a86', weight: 3, opacity: 0.8, dashArray: '2 8', interactive: false})
            .addTo(group);
          window.cmArrows(group, pts, '#5b2a86');
        })();
        {% endmacro %}
    """)

    def __init__(self, points: list[tuple[float, float]]) -> None:
        super().__init__()
        self._name = "StoryPath"
        self.points_json = json_for_script([[round(a, 4), round(b, 4)] for a, b in points])


class Legend(MacroElement):
    """The status legend and the symbol key. Built from constants only, never from data."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div class="cm-legend" style="position:absolute; z-index:9999; bottom:{{ this.bottom }}px; left:10px;
             background:rgba(255,255,255,.92); padding:6px 9px; border-radius:6px; font:12px/1.45 sans-serif;
             box-shadow:0 1px 4px rgba(0,0,0,.3); pointer-events:none;
             transform:scale({{ this.scale }}); transform-origin:bottom left">
          <b>Status (from the claims)</b><br>
          {% for key, label, colour, help in this.rows %}
          <span title="{{ help }}"><span style="display:inline-block;width:10px;height:10px;border-radius:50%;
            background:{{ colour }};border:1px solid #333;margin-right:5px"></span>{{ label }}</span><br>
          {% endfor %}
          <span style="display:inline-block;width:12px;height:12px;border-radius:50%;border:1px dashed #555;
            background:rgba(0,0,0,.06);margin-right:3px;vertical-align:middle"></span> approximate place<br>
          <span style="display:inline-block;width:16px;border-top:2px dashed #555;margin-right:3px;
            vertical-align:middle"></span> between two places<br>
          <span style="margin-right:3px">&#10148;</span> route, in order
        </div>
        {% endmacro %}
    """)

    def __init__(self, scale: float = 1.0, bottom: int = 56) -> None:  # above the two-line scale bar
        super().__init__()
        self._name = "Legend"
        self.scale = float(scale)
        self.bottom = int(bottom)
        self.rows = [(s, STATUS_LABELS[s], STATUS_COLOURS[s], STATUS_HELP[s]) for s in STATUSES]


class ViewControl(MacroElement):
    """"Syria" and "Fit all" as buttons on the map itself, under the zoom buttons.

    They act in the browser, with no script run: the view changes at once, and a press can
    never be lost in one of Streamlit's rerun races (see ``ui.uninterrupted``). The map then
    reports its new view as after a pan, so the shareable link follows. "Fit all" fits the
    bounds the event layer last drew (``window.cmFit``: the whole selection, also when it is
    aggregated into cells); it is disabled while nothing is shown.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var Control = L.Control.extend({options: {position: 'topleft'}, onAdd: function () {
            var box = L.DomUtil.create('div', 'leaflet-bar cm-view');
            function button(label, title, act) {
              var b = L.DomUtil.create('button', '', box);
              b.type = 'button'; b.textContent = label; b.title = title;
              L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); act(); });
              return b;
            }
            button('Syria', 'Re-centre on Syria', function () {
              map.setView({{ this.center_json }}, {{ this.zoom }});
            });
            var fit = button('Fit all', 'Fit every shown event, including those outside Syria', function () {
              if (window.cmFit) { map.fitBounds(window.cmFit, {padding: [30, 30], maxZoom: {{ this.max_zoom }}}); }
            });
            fit.disabled = !window.cmFit;
            window.cmFitButton = fit;
            L.DomEvent.disableClickPropagation(box);
            return box;
          }});
          new Control().addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "ViewControl"
        self.center_json = json_for_script(list(SYRIA_CENTER))
        self.zoom = int(SYRIA_ZOOM)
        self.max_zoom = FIT_MAX_ZOOM


class QuietOpen(MacroElement):
    """The map does not report the view it opened with: the app chose that view and knows it.

    st_folium sends the map's state when the map is created, and again whenever it changes. That first
    value told the app nothing new, yet cost a whole script run, and it raced navigation: the browser
    sends a widget's message for the page it still shows, so a map that finished loading just after a
    click on another page's link took the user back to the map (or, when a filter's callback tripped on
    the stale message, showed an exception). Here the value st_folium is about to send is recorded as
    already sent (its ``previous_data``, computed as st_folium 0.27 computes it), so only a real change
    (a pan, a zoom, a click, a move the app asks for) is sent.

    Leaflet also reports the exact centre it was created with until the map is first resized (the
    iframe's first resize counts), then a centre computed from pixels, a few thousandths of a degree
    away: that alone made st_folium send a second value ~250 ms after opening. Dropping the cached
    centre at creation makes every report the pixel one. Outside st_folium (a saved HTML map), only
    that is done.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          map._lastCenter = null;
          var g = window.__GLOBAL_DATA__;
          if (!g || typeof window.initComponent !== 'function') { return; }
          var wrap = function (ll) { return ll && g.wrap_longitude ? map.wrapLatLng(ll) : ll; };
          var bounds = map.getBounds();
          var all = {  // st_folium's updateComponentValue, same keys in the same order
            last_clicked: wrap(g.lat_lng_clicked), last_object_clicked: wrap(g.last_object_clicked),
            last_object_clicked_count: g.last_object_clicked_count,
            last_object_clicked_tooltip: g.last_object_clicked_tooltip,
            last_object_clicked_popup: g.last_object_clicked_popup, all_drawings: g.all_drawings,
            last_active_drawing: g.last_active_drawing, last_geocoder_result: g.last_geocoder_result,
            bounds: bounds && g.wrap_longitude ? map.wrapLatLngBounds(bounds) : bounds, zoom: map.getZoom(),
            last_circle_radius: g.last_circle_radius, last_circle_polygon: g.last_circle_polygon,
            center: wrap(map.getCenter()), selected_layers: Object.values(g.selected_layers || {}),
            selected_tags: g.selected_tags
          };
          var keep = g.returned_objects;
          g.previous_data = keep ? Object.fromEntries(Object.entries(all).filter(function (kv) {
            return keep.indexOf(kv[0]) >= 0; })) : all;
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "QuietOpen"


class BasemapLayer(MacroElement):
    """Natural Earth country borders fetched from the app's own static files (offline)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var inline = {{ this.data_json }};
          (inline ? Promise.resolve(inline) : fetch({{ this.url_json }}).then(function (r) {
              return r.ok ? r.json() : null; }))
            .then(function (data) {
              if (!data) { return; }
              var pane = map.getPane('cm-basemap') || map.createPane('cm-basemap');
              pane.style.zIndex = 200;
              L.geoJSON(data, {pane: 'cm-basemap', interactive: false, style: function (f) {
                var syria = f.properties && f.properties.name === 'Syria';
                return {color: '#8a8a8a', weight: syria ? 1.6 : 0.8, fillColor: syria ? '#fbf8ef' : '#eeeeee',
                        fillOpacity: 1};
              }}).addTo(map);
            }).catch(function () {});
        })();
        {% endmacro %}
    """)

    def __init__(self, url: str, data: dict | None = None) -> None:
        super().__init__()
        self._name = "BasemapLayer"
        self.url_json = json_for_script(url)
        self.data_json = json_for_script(data)


def base_map(basemap: str = "offline", *, basemap_url: str = BASEMAP_URL, basemap_data: dict | None = None,
             height: str = "100%", legend_scale: float = 1.0, legend_bottom: int = 56,
             legend: bool = True, view_buttons: bool = True, layers_js: str | None = LAYERS_JS) -> folium.Map:
    """The map with no events on it. Identical output for identical arguments.

    ``layers_js`` is the URL of the script :class:`EventLayer` and :class:`GridLayer`
    call (None: the caller embeds it, or draws no event layers).

    ``basemap_data`` embeds the offline borders instead of fetching them (for a
    standalone file); ``legend_scale`` enlarges the legend for a projector;
    ``view_buttons`` adds "Syria" and "Fit all" (:class:`ViewControl`) for a map of events.
    """
    m = folium.Map(location=SYRIA_CENTER, zoom_start=SYRIA_ZOOM, tiles=None, max_zoom=18, min_zoom=2, maxZoom=18,
                   prefer_canvas=True, control_scale=True, height=height)
    m._id = "cm"  # a stable name keeps the script (and so the map's identity) stable
    # Only Leaflet itself: folium's other defaults (jQuery, Bootstrap 5 JS and CSS, Font Awesome, awesome-markers,
    # Glyphicons; ~600 KB) serve widgets this map never uses, and parsing them delayed every page open.
    m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
    if layers_js:
        m.default_js.append(("conflictmap_layers", layers_js))
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
    name, url, attribution = BASEMAPS.get(basemap, BASEMAPS["offline"])
    m.get_root().header.add_child(folium.Element(MAP_CSS))
    arrows = ArrowHelper()
    arrows._id = "arrows"
    m.add_child(arrows)
    quiet = QuietOpen()
    quiet._id = "quiet"
    m.add_child(quiet)
    if view_buttons:
        view = ViewControl()
        view._id = "view"
        m.add_child(view)
    if url is None:
        bm = BasemapLayer(basemap_url, data=basemap_data)
        bm._id = "basemap"
        m.add_child(bm)
    else:
        tiles = folium.TileLayer(tiles=url, attr=attribution, name=name, max_zoom=18)
        tiles._id = "tiles"
        tiles.add_to(m)
    if legend:
        key = Legend(legend_scale, legend_bottom)
        key._id = "legend"
        m.add_child(key)
    return m


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
        coords = places.set_index("place_id")[["lat", "lon"]].dropna()
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


def cell_size_deg(zoom: int) -> float:
    """Grid cell edge for a zoom level: about 32 screen pixels."""
    return 360.0 / (2 ** zoom) / 8


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


def in_view(events: pd.DataFrame, bounds: tuple[tuple[float, float], tuple[float, float]] | None,
            pad: float = 0.25) -> pd.DataFrame:
    """Events inside the map's bounds, padded by ``pad`` of the span so small pans need no redraw."""
    if bounds is None:
        return events
    (s, w), (n, e) = bounds
    dlat, dlon = (n - s) * pad, (e - w) * pad
    lat, lon = events["lat"], events["lon"]
    keep = lat.between(s - dlat, n + dlat) & lon.between(w - dlon, e + dlon)
    return events[keep.to_numpy()]


def map_view(state: dict | None) -> tuple[tuple[tuple[float, float], tuple[float, float]], int] | None:
    """((south, west), (north, east)), zoom from st_folium's returned value, or None if it has no view yet."""
    if not state:
        return None
    b = state.get("bounds") or {}
    sw, ne = b.get("_southWest") or {}, b.get("_northEast") or {}
    if None in (sw.get("lat"), sw.get("lng"), ne.get("lat"), ne.get("lng"), state.get("zoom")):
        return None
    return ((sw["lat"], sw["lng"]), (ne["lat"], ne["lng"])), int(state["zoom"])


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


def outside_bounds(events: pd.DataFrame, bounds=SYRIA_BOUNDS) -> pd.DataFrame:
    """Events whose marker lies outside ``bounds`` (e.g. Moscow, off the map of Syria)."""
    (s, w), (n, e) = bounds
    lat, lon = events["lat"].to_numpy(float), events["lon"].to_numpy(float)
    with np.errstate(invalid="ignore"):
        off = ~np.isnan(lat) & ~((lat >= s) & (lat <= n) & (lon >= w) & (lon <= e))
    # Usually none: slicing is free, while a DataFrame take costs ~30 ms at 200,000 rows even for no rows.
    return events.iloc[np.flatnonzero(off)] if off.any() else events.iloc[:0]


def fit_bounds(events: pd.DataFrame) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every event with coordinates (None: none has any)."""
    lat, lon = events["lat"].to_numpy(float), events["lon"].to_numpy(float)
    placed = ~np.isnan(lat) & ~np.isnan(lon)
    if not placed.any():
        return None
    lat, lon = lat[placed], lon[placed]
    return [[round(float(lat.min()), 4), round(float(lon.min()), 4)],
            [round(float(lat.max()), 4), round(float(lon.max()), 4)]]


def view_args(center: tuple[float, float], zoom: int, moves: int) -> tuple[tuple[float, float], float]:
    """The ``center`` and ``zoom`` to hand st_folium for the ``moves``-th explicit move of the map.

    st_folium moves the map only when these differ from the ones it got last. A user who panned
    away and asks for the same place again ("Zoom to this event" twice, a shared link reopened)
    would see nothing happen. Every other move is nudged by 1e-7: a centimetre, and a zoom that
    Leaflet snaps back to the whole level.
    """
    nudge = 1e-7 * (moves % 2)
    return (center[0] + nudge, center[1]), zoom + nudge


def bounds_center_zoom(lats: list[float], lons: list[float]) -> tuple[tuple[float, float], int]:
    """A centre and zoom that fit the given points (st_folium ignores fitBounds)."""
    import math

    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    span = max(n - s, (e - w) * 0.75, 0.05)
    zoom = int(max(2, min(12, math.floor(math.log2(360 / span)) - 1)))
    return ((s + n) / 2, (w + e) / 2), zoom


def standalone_map(events: pd.DataFrame, places: pd.DataFrame, *, basemap_url: str = BASEMAP_URL,
                   basemap: str = "offline") -> folium.Map:
    """A plain folium map with the events on it, for saving as HTML outside Streamlit (drawing code inlined)."""
    m = base_map(basemap, basemap_url=basemap_url, layers_js=None)
    code = LAYERS_JS_FILE.read_text(encoding="utf-8").replace("</", "<\\/")
    m.get_root().header.add_child(folium.Element(f"<script>{code}</script>"), name="conflictmap_layers")
    event_layers(events, places).add_to(m)
    return m


def save_html(m: folium.Map, path: Path) -> None:
    m.save(str(path))
