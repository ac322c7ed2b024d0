"""The base map: a folium map with no events on it, identical on every rerun.

streamlit-folium keys the map on the base map's JavaScript, so :func:`base_map` must come out
identical for identical arguments; the events go into :mod:`~conflictmap.maplayers.payload`'s
layers. Every string that reaches the page goes through :func:`conflictmap.text.escape` or
:func:`conflictmap.text.json_for_script`.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import folium
from branca.element import MacroElement
from jinja2 import Template

from ..claims import STATUS_COLOURS, STATUS_HELP
from ..geo import FIT_MAX_ZOOM, SYRIA_CENTER, SYRIA_ZOOM
from ..i18n import t
from ..schema import STATUSES
from ..text import json_for_script

# key -> (tile URL or None for the offline borders, attribution). Their names for readers are the catalogue's
# "basemap.<key>" (conflictmap.i18n), in the reader's language.
BASEMAPS = {
    "offline": (None, None),
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'),
    "carto": ("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
              '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors '
              '&copy; <a href="https://carto.com/attributions">CARTO</a>'),
    "satellite": ("https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
                  "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics, and the GIS User Community"),
}
BASEMAP_URL = "/app/static/vendor/basemap/countries.geojson"
# The event and grid layers' drawing code: a committed file (not an installed asset), served by Streamlit's
# static serving; the query string changes with its contents, so a browser never runs a stale copy.
LAYERS_JS_FILE = Path(__file__).resolve().parents[2] / "static" / "conflictmap-layers.js"


@cache
def layers_js_url() -> str:
    """The drawing script's URL on the app's own origin, versioned by its contents (read once, when first used)."""
    return "/app/static/conflictmap-layers.js?v=" + hashlib.sha256(LAYERS_JS_FILE.read_bytes()).hexdigest()[:12]


# In the app the map fills its iframe, whose height the page sets (ui/layout.py); st_folium's own fixed
# pixel height on #map_div is overridden. In a standalone file there is no #map_div.
MAP_CSS = ("<style>#map_div{height:100vh!important}body{margin:0;overflow:hidden}"
           ".leaflet-container{background:#dfe8ee}"
           ".cm-legend summary{cursor:pointer;font-weight:600;list-style:none}"
           ".cm-legend summary::-webkit-details-marker{display:none}"
           ".cm-legend summary::before{content:'\\25B8 '}.cm-legend[open] summary::before{content:'\\25BE '}"
           ".cm-stack{font:700 11px/18px sans-serif;color:#fff;background:#333;border-radius:9px;text-align:center;"
           "border:1px solid #fff}"
           # The name sits under a small dot, clear of the ring that events at the same place fan out on.
           ".cm-town i{position:absolute;left:-2px;top:-2px;width:4px;height:4px;border-radius:50%;background:#6b5d4f}"
           ".cm-town div{position:absolute;transform:translate(-50%,6px);white-space:nowrap;"
           "font:600 11px/1.15 sans-serif;color:#4a4036;text-align:center;text-shadow:0 0 3px #fff,0 0 3px #fff}"
           ".cm-arrow{color:#222;font-size:16px;line-height:16px;"
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
    """The status legend and the symbol key, collapsible (a <details>): closed by default on a map
    narrower than 1100 px, so it never sits over markers on a laptop. Built from constants only."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <details class="cm-legend" dir="{{ this.dir }}" style="position:absolute; z-index:9999;
             bottom:{{ this.bottom }}px; {{ this.side }}:10px; max-width:260px;
             background:rgba(255,255,255,.92); padding:4px 9px; border-radius:6px; font:12px/1.45 sans-serif;
             box-shadow:0 1px 4px rgba(0,0,0,.3);
             transform:scale({{ this.scale }}); transform-origin:bottom {{ this.side }}">
          <summary>{{ this.toggle }}</summary>
          <b>{{ this.title }}</b><br>
          {% for key, label, colour, help in this.rows %}
          <span title="{{ help }}"><span style="display:inline-block;width:10px;height:10px;border-radius:50%;
            background:{{ colour }};border:1px solid #333;margin:0 5px"></span>{{ label }}</span><br>
          {% endfor %}
          <span style="display:inline-block;width:12px;height:12px;border-radius:50%;border:1px dashed #555;
            background:rgba(0,0,0,.06);margin:0 3px;vertical-align:middle"></span> {{ this.approximate }}<br>
          <span style="display:inline-block;width:16px;border-top:2px dashed #555;margin:0 3px;
            vertical-align:middle"></span> {{ this.between }}<br>
          <span style="margin:0 3px">&#10148;</span> {{ this.route }}<br>
          <span class="cm-stack" style="display:inline-block;width:18px;margin:0 3px">3</span> {{ this.stack }}
        </details>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var box = map.getContainer().querySelector('.cm-legend');
          if (!box) { box = document.querySelector('.cm-legend'); }
          if (box) {
            box.open = map.getSize().x >= 1100;
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
          }
        })();
        {% endmacro %}
    """)

    def __init__(self, scale: float = 1.0, bottom: int = 56, lang: str = "en") -> None:  # above the scale bar
        super().__init__()
        self._name = "Legend"
        self.scale = float(scale)
        self.bottom = int(bottom)
        self.dir = "rtl" if lang == "ar" else "ltr"
        self.side = "left"
        self.rows = [(s, t(f"status.{s}", lang), STATUS_COLOURS[s], STATUS_HELP[s]) for s in STATUSES]
        for k in ("toggle", "title", "approximate", "between", "route", "stack"):
            setattr(self, k, t(f"legend.{k}", lang))


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
            button({{ this.syria_json }}, {{ this.syria_help_json }}, function () {
              map.setView({{ this.center_json }}, {{ this.zoom }});
            });
            var fit = button({{ this.fit_json }}, {{ this.fit_help_json }}, function () {
              // A margin that grows with the map (a full-screen map has room), and room for a fanned-out ring.
              var size = map.getSize(), pad = L.point(Math.max(30, size.x * 0.07), Math.max(30, size.y * 0.07));
              if (window.cmFit) { map.fitBounds(window.cmFit, {padding: pad, maxZoom: {{ this.max_zoom }}}); }
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

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._name = "ViewControl"
        for k in ("syria", "syria_help", "fit", "fit_help"):
            setattr(self, f"{k}_json", json_for_script(t(f"view.{k}", lang)))
        self.center_json = json_for_script(list(SYRIA_CENTER))
        self.zoom = int(SYRIA_ZOOM)
        self.max_zoom = FIT_MAX_ZOOM


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
             legend: bool = True, view_buttons: bool = True, layers_js: str | None = "app",
             lang: str = "en", towns: bool = True, context: bool = True) -> folium.Map:
    """The map with no events on it. Identical output for identical arguments.

    ``layers_js`` is the URL of the script the event layers call: ``"app"`` (default) for the app's
    own copy (:func:`layers_js_url`), None when the caller embeds it or draws no event layers.

    ``basemap_data`` embeds the offline borders instead of fetching them (for a
    standalone file); ``legend_scale`` enlarges the legend for a projector;
    ``lang`` is the legend's language;
    ``view_buttons`` adds "Syria" and "Fit all" (:class:`ViewControl`) for a map of events;
    ``context`` adds governorate lines and rivers to the offline basemap (:mod:`.basemap`).
    """
    m = folium.Map(location=SYRIA_CENTER, zoom_start=SYRIA_ZOOM, tiles=None, max_zoom=18, min_zoom=2, maxZoom=18,
                   prefer_canvas=True, control_scale=True, height=height)
    m._id = "cm"  # a stable name keeps the script (and so the map's identity) stable
    # Only Leaflet itself: folium's other defaults (jQuery, Bootstrap 5 JS and CSS, Font Awesome, awesome-markers,
    # Glyphicons; ~600 KB) serve widgets this map never uses, and parsing them delayed every page open.
    m.default_js = [(n, u) for n, u in m.default_js if n == "leaflet"]
    if layers_js:
        m.default_js.append(("conflictmap_layers", layers_js_url() if layers_js == "app" else layers_js))
    m.default_css = [(n, u) for n, u in m.default_css if n == "leaflet_css"]
    url, attribution = BASEMAPS.get(basemap, BASEMAPS["offline"])
    m.get_root().header.add_child(folium.Element(MAP_CSS))
    arrows = ArrowHelper()
    arrows._id = "arrows"
    m.add_child(arrows)
    if view_buttons:
        view = ViewControl(lang)
        view._id = "view"
        m.add_child(view)
    if url is None:
        bm = BasemapLayer(basemap_url, data=basemap_data)
        bm._id = "basemap"
        m.add_child(bm)
        if context:  # governorate lines and rivers (maplayers.basemap); embedded when the borders are
            from .basemap import CONTEXT_CSS, ContextLayer
            m.get_root().header.add_child(folium.Element(CONTEXT_CSS))
            cl = ContextLayer(lang, embed=basemap_data is not None)
            cl._id = "context"
            m.add_child(cl)
        if towns:
            from .towns import TownsLayer  # GeoNames towns: context for the offline borders
            tl = TownsLayer(lang)
            tl._id = "towns"
            m.add_child(tl)
    else:
        tiles = folium.TileLayer(tiles=url, attr=attribution, name=t(f"basemap.{basemap}", lang), max_zoom=18)
        tiles._id = "tiles"
        tiles.add_to(m)
    if legend:
        key = Legend(legend_scale, legend_bottom, lang)
        key._id = "legend"
        m.add_child(key)
    return m
