"""Context on the offline basemap: governorate lines and rivers, named in Arabic and English.

The data are the install-time cuts of Natural Earth (``basemap/admin1.geojson`` and ``basemap/rivers.geojson``,
see ``conflictmap/assets/lock.toml``). The app fetches them from its own static files; a standalone file
embeds them. Where they are not installed (Streamlit Community Cloud, or before ``assets install``) the
layer draws nothing and the map stays as it was, with a warning logged once, as for the other assets.

Density: rivers and governorate lines at every zoom; governorate names from zoom 7 (Syria's) and 8 (the
neighbours') to 10, river names from zoom 7; a name that would cover a town's or another is left out.
The layer is built once per process per language and is identical on every rerun, as the base map must be.
"""

from __future__ import annotations

import json
import logging
from functools import cache

from branca.element import MacroElement
from jinja2 import Template

from ..text import json_for_script

log = logging.getLogger(__name__)

ADMIN1_FILE = "basemap/admin1.geojson"
RIVERS_FILE = "basemap/rivers.geojson"
URL_PREFIX = "/app/static/vendor/"

CONTEXT_CSS = (
    "<style>.cm-gov{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;text-align:center;"
    "font:italic 600 11px/1.15 sans-serif;letter-spacing:.04em;color:#7d6b8f;text-shadow:0 0 3px #fff,0 0 3px #fff}"
    ".cm-gov.cm-near{color:#9a9a9a;font-size:10px}"
    ".cm-river{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;text-align:center;"
    "font:italic 11px/1.15 serif;color:#2f6f9f;text-shadow:0 0 3px #fff,0 0 3px #fff}</style>")


@cache
def installed_context() -> tuple[bool, bool]:
    """Whether the governorates and the rivers are installed (looked up once; a warning when they are not)."""
    from ..assets import DEFAULT_STATIC_DIR, verify_install

    problems = set(verify_install(DEFAULT_STATIC_DIR))
    have = tuple(not any(p.endswith(f": {rel}") or f": {rel} " in p for p in problems)
                 for rel in (ADMIN1_FILE, RIVERS_FILE))
    if not all(have):
        log.warning("offline basemap: governorates or rivers are not installed in %s (run `python -m conflictmap "
                    "assets install`); the map is drawn without them", DEFAULT_STATIC_DIR)
    return have[0], have[1]


@cache
def context_data() -> tuple[dict | None, dict | None]:
    """The installed governorates and rivers as GeoJSON, for a file that embeds them (None where absent)."""
    from ..assets import DEFAULT_STATIC_DIR

    out = []
    for rel, ok in zip((ADMIN1_FILE, RIVERS_FILE), installed_context(), strict=True):
        out.append(json.loads((DEFAULT_STATIC_DIR / rel).read_text(encoding="utf-8")) if ok else None)
    return out[0], out[1]


class ContextLayer(MacroElement):
    """Governorate lines and rivers under the events, with their names by zoom (see the module's docstring)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var arFirst = {{ this.ar_first }};
          function pane(name, z) { var p = map.getPane(name) || map.createPane(name); p.style.zIndex = z;
                                   p.style.pointerEvents = 'none'; return name; }
          function load(inline, url) {
            if (inline) { return Promise.resolve(inline); }
            if (!url) { return Promise.resolve(null); }
            return fetch(url).then(function (r) { return r.ok ? r.json() : null; }).catch(function () { return null; });
          }
          function label(cls, en, ar) {
            var names = ar ? (arFirst ? [ar, en] : [en, ar]) : [en], box = document.createElement('div');
            names.forEach(function (n, k) {
              var s = document.createElement('span'); s.textContent = n;
              if (/[\\u0600-\\u06FF]/.test(n)) { s.dir = 'rtl'; s.lang = 'ar'; }
              if (k) { box.appendChild(document.createElement('br')); }
              box.appendChild(s);
            });
            return L.divIcon({className: '', iconSize: [0, 0], html: '<div class="' + cls + '">' + box.innerHTML +
                              '</div>'});
          }
          var labels = L.layerGroup(), govs = [], rivers = [];
          pane('cm-admin1', 205); pane('cm-rivers', 210); pane('cm-context-labels', 340);
          // Names by zoom, none over a town's (the towns layer shares its boxes: map._cmTownBoxes) or over
          // another: towns first, then rivers, then governorates.
          function draw() {
            var z = map.getZoom(), boxes = (map._cmTownBoxes || []).slice();
            labels.clearLayers();
            function place(item) {
              var p = map.latLngToLayerPoint(item.marker.getLatLng()), w = item.width / 2, h = item.lines * 7 + 2;
              var box = [p.x - w, p.y - h, p.x + w, p.y + h];
              if (boxes.some(function (b) {
                return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) { return; }
              boxes.push(box); labels.addLayer(item.marker);
            }
            if (z >= 7) { rivers.forEach(place); }
            govs.forEach(function (g) { if (z >= (g.syria ? 7 : 8) && z <= 10) { place(g); } });
          }
          function item(latlng, cls, en, ar) {
            return {marker: L.marker(latlng, {pane: 'cm-context-labels', interactive: false, keyboard: false,
                                              icon: label(cls, en, ar)}),
                    width: Math.max(en.length, (ar || '').length) * 6.8 + 8, lines: ar ? 2 : 1};
          }
          Promise.all([load({{ this.admin1_json }}, {{ this.admin1_url_json }}),
                       load({{ this.rivers_json }}, {{ this.rivers_url_json }})]).then(function (d) {
            var admin1 = d[0], water = d[1];
            if (admin1) {
              L.geoJSON(admin1, {pane: 'cm-admin1', interactive: false, style: function (f) {
                var sy = f.properties.country === 'SY';
                return {color: sy ? '#9b87ad' : '#b9b9b9', weight: sy ? 1.1 : 0.6, dashArray: sy ? '5 3' : '2 3',
                        fill: false};
              }}).addTo(map);
              admin1.features.forEach(function (f) {
                var p = f.properties;
                if (!p.iso || !p.label) { return; }
                var sy = p.country === 'SY', g = item([p.label[1], p.label[0]], sy ? 'cm-gov' : 'cm-gov cm-near',
                                                        p.en, p.ar);
                g.syria = sy; govs.push(g);
              });
            }
            if (water) {
              L.geoJSON(water, {pane: 'cm-rivers', interactive: false, style: function (f) {
                return f.properties.kind === 'lake' ? {color: '#7fb2d6', weight: 0.8, fillColor: '#b8d6ec',
                  fillOpacity: 1} : {color: '#6fa8d3', weight: 2, opacity: 0.9};
              }}).addTo(map);
              water.features.forEach(function (f) {
                var p = f.properties;
                if (p.label && p.en) {
                  rivers.push(item([p.label[1], p.label[0]], 'cm-river', p.en, p.ar));
                }
              });
            }
            labels.addTo(map); map.on('zoomend cmtowns', draw); draw();
            window.cmContext = {governorates: govs.length, rivers: rivers.length};
          });
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = "en", *, embed: bool = False, url_prefix: str = URL_PREFIX) -> None:
        super().__init__()
        self._name = "ContextLayer"
        have_admin1, have_rivers = installed_context()
        admin1, rivers = context_data() if embed else (None, None)
        self.admin1_json = json_for_script(admin1)
        self.rivers_json = json_for_script(rivers)
        self.admin1_url_json = json_for_script(url_prefix + ADMIN1_FILE if have_admin1 and not embed else None)
        self.rivers_url_json = json_for_script(url_prefix + RIVERS_FILE if have_rivers and not embed else None)
        self.ar_first = "true" if lang == "ar" else "false"
