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

import json
from pathlib import Path

import folium
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from .claims import STATUS_COLOURS, STATUS_HELP, STATUS_LABELS
from .schema import STATUSES
from .text import escape

SYRIA_CENTER = (35.0, 38.5)
SYRIA_ZOOM = 6
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

# Above this many events, per-event tooltips (titles) are left out: the browser
# gets ids, coordinates, status and dates only, and details come on click.
TOOLTIP_LIMIT = 2000


def json_for_script(obj: object) -> str:
    """JSON safe to place inside a <script> element (no '</', no U+2028/9)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return s.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


class Legend(MacroElement):
    """The status legend and the symbol key. Built from constants only, never from data."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div class="cm-legend" style="position:absolute; z-index:9999; bottom:18px; left:10px;
             background:rgba(255,255,255,.92); padding:6px 9px; border-radius:6px; font:12px/1.45 sans-serif;
             box-shadow:0 1px 4px rgba(0,0,0,.3); pointer-events:none">
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

    def __init__(self) -> None:
        super().__init__()
        self._name = "Legend"
        self.rows = [(s, STATUS_LABELS[s], STATUS_COLOURS[s], STATUS_HELP[s]) for s in STATUSES]


class BasemapLayer(MacroElement):
    """Natural Earth country borders fetched from the app's own static files (offline)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          fetch({{ this.url_json }}).then(function (r) { return r.ok ? r.json() : null; })
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

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "BasemapLayer"
        self.url_json = json_for_script(url)


def base_map(basemap: str = "offline", *, basemap_url: str = BASEMAP_URL, height: str = "100%") -> folium.Map:
    """The map with no events on it. Identical output for identical arguments."""
    m = folium.Map(location=SYRIA_CENTER, zoom_start=SYRIA_ZOOM, tiles=None, max_zoom=18, min_zoom=2, maxZoom=18,
                   prefer_canvas=True, control_scale=True, height=height)
    m._id = "cm"  # a stable name keeps the script (and so the map's identity) stable
    name, url, attribution = BASEMAPS.get(basemap, BASEMAPS["offline"])
    m.get_root().header.add_child(folium.Element(
        "<style>.leaflet-container{background:#dfe8ee}.cm-arrow{color:#222;font-size:16px;line-height:16px;"
        "text-shadow:0 0 2px #fff}</style>"))
    if url is None:
        bm = BasemapLayer(basemap_url)
        bm._id = "basemap"
        m.add_child(bm)
    else:
        tiles = folium.TileLayer(tiles=url, attr=attribution, name=name, max_zoom=18)
        tiles._id = "tiles"
        tiles.add_to(m)
    legend = Legend()
    legend._id = "legend"
    m.add_child(legend)
    return m


class EventLayer(MacroElement):
    """All selected events in one element: markers, halos, between-lines and routes.

    Per event the browser receives its id, anchor coordinate, status, start day
    and (for multi-place events) the place coordinates; titles only when fewer
    than ``TOOLTIP_LIMIT`` events are drawn. Clicking a marker or line sets
    ``layer.feature.properties.id``, which st_folium returns as
    ``last_active_drawing``.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var group = {{ this._parent.get_name() }};
          var D = {{ this.data_json }};
          var colours = {{ this.colours_json }};
          function tag(layer, i) { layer.feature = {type: 'Feature', properties: {id: D.id[i]}}; return layer; }
          function tip(layer, i) { if (D.title) { layer.bindTooltip(D.title[i], {direction: 'top', sticky: true}); } }
          for (var i = 0; i < D.id.length; i++) {
            var c = colours[D.s[i]];
            var sel = D.id[i] === D.selected;
            if (D.halo[i] > 0) {
              L.circle([D.lat[i], D.lon[i]], {radius: D.halo[i], color: c, weight: 1, dashArray: '4 4',
                fillColor: c, fillOpacity: 0.10, opacity: 0.7, interactive: false}).addTo(group);
            }
            var pts = D.path[i];
            if (pts) {
              var line = tag(L.polyline(pts, {color: c, weight: sel ? 5 : 3, opacity: 0.85,
                                              dashArray: D.rel[i] === 'between' ? '6 6' : null}), i);
              tip(line, i);
              line.addTo(group);
              if (D.rel[i] === 'route') {
                for (var k = 1; k < pts.length; k++) {
                  var a = L.Projection.SphericalMercator.project(L.latLng(pts[k - 1]));
                  var b = L.Projection.SphericalMercator.project(L.latLng(pts[k]));
                  var deg = Math.atan2(-(b.y - a.y), b.x - a.x) * 180 / Math.PI;
                  var mid = [(pts[k - 1][0] + pts[k][0]) / 2, (pts[k - 1][1] + pts[k][1]) / 2];
                  L.marker(mid, {interactive: false, keyboard: false, icon: L.divIcon({className: 'cm-arrow',
                    iconSize: [16, 16], html: '<div style="transform:rotate(' + deg + 'deg)">&#10148;</div>'})
                  }).addTo(group);
                }
              }
            }
            var m = tag(L.circleMarker([D.lat[i], D.lon[i]], {radius: sel ? 11 : 7, color: sel ? '#000' : '#222',
              weight: sel ? 3 : 1, fillColor: c, fillOpacity: 0.9, className: 'cm-event'}), i);
            tip(m, i);
            m.addTo(group);
          }
          window.cmEventCount = D.id.length;
        })();
        {% endmacro %}
    """)

    def __init__(self, data: dict) -> None:
        super().__init__()
        self._name = "EventLayer"
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


def layer_data(events: pd.DataFrame, places: pd.DataFrame, *, selected_id: str | None = None) -> dict:
    """The compact, column-oriented payload :class:`EventLayer` draws."""
    mapped = events[events["lat"].notna() & events["lon"].notna()]
    coords = places.set_index("place_id")[["lat", "lon"]]
    lookup = {pid: (round(la, 5), round(lo, 5)) for pid, la, lo in coords.itertuples() if pd.notna(la) and pd.notna(lo)}
    status_index = {s: i for i, s in enumerate(STATUSES)}

    def path(ids: list[str], relation: str) -> list | None:
        if relation not in ("between", "route") or len(ids) < 2:
            return None
        pts = [lookup[p] for p in ids if p in lookup]
        return pts if len(pts) >= 2 else None

    data = {
        "id": mapped["event_id"].map(escape).tolist(),
        "lat": mapped["lat"].round(5).tolist(),
        "lon": mapped["lon"].round(5).tolist(),
        "s": mapped["status"].map(status_index).fillna(status_index["no_claims"]).astype(int).tolist(),
        "d": mapped["date_start"].dt.strftime("%Y-%m-%d").tolist(),
        "halo": halo_radius_m(mapped).tolist(),
        "rel": mapped["place_relation"].tolist(),
        "path": [path(ids, rel) for ids, rel in zip(mapped["place_list"], mapped["place_relation"], strict=True)],
        "selected": escape(selected_id) if selected_id else None,
    }
    if len(mapped) <= TOOLTIP_LIMIT:
        data["title"] = [f"{escape(t)} · {d}" for t, d in zip(mapped["title_en"], data["d"], strict=True)]
    return data


def event_layers(events: pd.DataFrame, places: pd.DataFrame, *, selected_id: str | None = None) -> folium.FeatureGroup:
    """The selection as one FeatureGroup, for ``st_folium(feature_group_to_add=...)`` or a plain map."""
    fg = folium.FeatureGroup(name="Events", control=False)
    fg._id = "events"
    fg.add_child(EventLayer(layer_data(events, places, selected_id=selected_id)))
    return fg


def outside_bounds(events: pd.DataFrame, bounds=SYRIA_BOUNDS) -> pd.DataFrame:
    """Events whose marker lies outside ``bounds`` (e.g. Moscow, off the map of Syria)."""
    (s, w), (n, e) = bounds
    inside = events["lat"].between(s, n) & events["lon"].between(w, e)
    return events[events["lat"].notna() & ~inside]


def bounds_center_zoom(lats: list[float], lons: list[float]) -> tuple[tuple[float, float], int]:
    """A centre and zoom that fit the given points (st_folium ignores fitBounds)."""
    import math

    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    span = max(n - s, (e - w) * 0.75, 0.05)
    zoom = int(max(2, min(12, math.floor(math.log2(360 / span)) - 1)))
    return ((s + n) / 2, (w + e) / 2), zoom


def standalone_map(events: pd.DataFrame, places: pd.DataFrame, *, basemap_url: str = BASEMAP_URL,
                   basemap: str = "offline") -> folium.Map:
    """A plain folium map with the events on it, for saving as HTML outside Streamlit."""
    m = base_map(basemap, basemap_url=basemap_url)
    event_layers(events, places).add_to(m)
    return m


def save_html(m: folium.Map, path: Path) -> None:
    m.save(str(path))
