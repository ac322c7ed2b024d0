"""Export a selection: GeoJSON, CSV, and atomic file writing.

Every file is written whole or not at all (:func:`atomic_write`): a crash
midway leaves whatever was there before.
"""

from __future__ import annotations

import json

import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from . import assets
from .claims import STATUS_COLOURS, in_ledger_order
from .files import atomic_write  # noqa: F401  (callers write exports with it)
from .i18n import t
from .maplayers import base_map
from .model import Dataset
from .render import event_panel_html
from .text import json_for_script, safe_url

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _plain(value):
    """A JSON-friendly Python value (NaN and NA -> None)."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def _place_coords(places: pd.DataFrame) -> dict[str, list[float]]:
    """place_id -> [lon, lat] for the places that have coordinates."""
    known = places[places["lat"].notna() & places["lon"].notna()]
    return {pid: [float(lon), float(lat)] for pid, lon, lat in zip(known["place_id"], known["lon"], known["lat"],
                                                                    strict=True)}


def event_geometry(row, coords: dict[str, list[float]]) -> dict | None:
    """A LineString for "between"/"route" events with two placed places, else the anchor Point, else None.
    ``coords``: :func:`_place_coords` of the gazetteer, built once per export."""
    pts = [coords[p] for p in row["place_list"] if p in coords]
    if row["place_relation"] in ("between", "route") and len(pts) >= 2:
        return {"type": "LineString", "coordinates": pts}
    if pd.notna(row["lat"]):
        return {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
    return None


def _claims_by_event(claims: pd.DataFrame, event_ids: pd.Series) -> dict[str, list[dict]]:
    """event_id -> its claims as JSON-ready dicts, in ledger order (one pass, not one filter per event)."""
    rows = in_ledger_order(claims[claims["event_id"].isin(event_ids)], by_event=True)
    out: dict[str, list[dict]] = {}
    for c in rows.to_dict("records"):
        out.setdefault(c["event_id"], []).append({
            "claim_id": c["claim_id"],
            "claimant": c["claimant"],
            "spokesperson": c["spokesperson"] or None,
            "claimant_kind": c["claimant_kind"],
            "stance": c["stance"],
            "quote_ar": c["quote_ar"] or None,
            "quote_en": c["quote_en"] or None,
            "channel": c["channel"] or None,
            "attributed": bool(c["attributed"]),
            "source_id": c["source_id"],
            "claim_date": _iso(c["claim_date"]),
        })
    return out


def to_geojson(data: Dataset, events: pd.DataFrame) -> dict:
    """A FeatureCollection with one Feature per event, its claims in the properties."""
    names = data.places.set_index("place_id")["name_en"].to_dict()
    coords = _place_coords(data.places)
    claims = _claims_by_event(data.claims, events["event_id"])
    features = []
    for row in events.to_dict("records"):
        props = {
            "event_id": row["event_id"],
            "date_start": _iso(row["date_start"]),
            "date_end": _iso(row["date_end"]),
            "date_precision": row["date_precision"],
            "date_inferred": bool(row["date_inferred"]),
            "title_en": row["title_en"],
            "title_ar": row["title_ar"] or None,
            "summary_en": row["summary_en"] or None,
            "summary_ar": row["summary_ar"] or None,
            "event_type": row["event_type"],
            "sub_event_type": row["sub_event_type"],
            "places": [names.get(p, p) for p in row["place_list"]],
            "place_ids": list(row["place_list"]),
            "place_relation": row["place_relation"],
            "geo_precision": _plain(row["geo_precision"]),
            "actor1": row["actor1"] or None,
            "actor2": row["actor2"] or None,
            "fatalities": _plain(row["fatalities"]),
            "source_id": row["source_id"],
            "status": row["status"],
            "notes": row["notes"] or None,
            "claims": claims.get(row["event_id"], []),
        }
        features.append({"type": "Feature", "id": row["event_id"], "geometry": event_geometry(row, coords),
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def neutralise_formula(value):
    """Prefix text a spreadsheet would run as a formula (=, +, -, @, tab, CR) with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


EXPORT_COLUMNS = ["event_id", "date_start", "date_end", "date_precision", "date_inferred", "title_en", "title_ar",
                  "summary_en", "summary_ar", "event_type", "sub_event_type", "place_ids", "place_relation",
                  "geo_precision", "location_note", "actor1", "actor2", "fatalities", "source_id", "status",
                  "lat", "lon", "notes_public", "notes"]


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """The selection as a flat table with ISO dates, the way it is shown and exported."""
    out = events[EXPORT_COLUMNS].copy()
    for c in ("date_start", "date_end"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def to_csv(events: pd.DataFrame) -> str:
    """CSV of the selection, safe to open in a spreadsheet (formulas neutralised)."""
    table = events_table(events)
    for c in table.columns:
        if table[c].dtype == object or pd.api.types.is_string_dtype(table[c]):
            table[c] = table[c].map(neutralise_formula)
    return table.to_csv(index=False, lineterminator="\n")


def to_geojson_text(data: Dataset, events: pd.DataFrame) -> str:
    return json.dumps(to_geojson(data, events), ensure_ascii=False, indent=1)


# --- a standalone HTML file ------------------------------------------------------------------

class ExportError(RuntimeError):
    """The standalone file cannot be made (e.g. the offline assets are not installed)."""


class SourcesPanel(MacroElement):
    """The sources, listed on the map. Built with textContent in the browser: data never becomes markup."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          var S = {{ this.data_json }};
          var box = L.control({position: 'topright'});
          box.onAdd = function () {
            var div = L.DomUtil.create('div', 'cm-sources');
            div.style.cssText = 'background:rgba(255,255,255,.93);padding:6px 9px;border-radius:6px;' +
              'font:12px/1.4 sans-serif;max-width:320px;max-height:40vh;overflow:auto;box-shadow:0 1px 4px #0005';
            if (S.rtl) { div.dir = 'rtl'; div.lang = 'ar'; }
            var h = document.createElement('b'); h.textContent = S.heading; div.appendChild(h);
            S.items.forEach(function (s) {
              var p = document.createElement('div'); p.style.marginTop = '4px';
              p.textContent = s.label; p.dir = 'auto';
              if (s.url) {  // safe_url() let only http(s)/mailto through; anything else is url_text
                var a = document.createElement('a'); a.href = s.url; a.textContent = ' ' + S.link;
                a.target = '_blank'; a.rel = 'noopener noreferrer'; p.appendChild(a);
              } else if (s.url_text) {
                p.appendChild(document.createTextNode(' ' + s.url_text));
              }
              div.appendChild(p);
            });
            var note = document.createElement('div'); note.style.cssText = 'margin-top:6px;color:#555';
            note.textContent = S.note; div.appendChild(note);
            L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
            return div;
          };
          box.addTo(map);
        })();
        {% endmacro %}
    """)

    def __init__(self, sources: list[dict], note: str, lang: str = "en") -> None:
        super().__init__()
        self._name = "SourcesPanel"
        self.data_json = json_for_script({"items": sources, "note": note, "rtl": lang == "ar",
                                          "heading": t("export.sources", lang), "link": t("export.link", lang)})


class _SliderAtEnd(MacroElement):
    """Open the file with every event shown: the slider starts at the last date."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        {{ this.slider.get_name() }}.setTime({{ this.slider.get_name() }}.end);
        {% endmacro %}
    """)

    def __init__(self, slider) -> None:
        super().__init__()
        self._name = "SliderAtEnd"
        self.slider = slider


def _timeline_features(data: Dataset, events: pd.DataFrame, lang: str = "en") -> dict:
    """GeoJSON for folium's Timeline: each event appears from its start day to the end of the data,
    so the slider replays what had happened by that date; popups carry the escaped claim ledger."""

    end = int(events["date_end"].max().value // 10**6) + 86_400_000 if len(events) else 0
    feats = []
    coords = _place_coords(data.places)
    for _, row in events.iterrows():
        geometry = event_geometry(row, coords)
        if geometry is None:
            continue
        feats.append({"type": "Feature", "geometry": geometry, "properties": {
            "start": int(row["date_start"].value // 10**6), "end": end,
            "colour": STATUS_COLOURS.get(row["status"], "#777"), "between": row["place_relation"] == "between",
            "popup": event_panel_html(data, row["event_id"], lang=lang)}})
    return {"type": "FeatureCollection", "features": feats}


def _inline_assets(html: str) -> str:
    """Replace every linked local script and stylesheet with its contents; CSS url()s become data: URIs."""
    import base64
    import mimetypes
    import re


    paths = assets.local_asset_paths()

    def css_with_data_uris(css: str, base_url: str) -> str:
        def repl(m: re.Match) -> str:
            ref = m.group(1).strip("'\"")
            if ref.startswith("data:") or "://" in ref:
                return m.group(0)
            url = base_url.rsplit("/", 1)[0] + "/" + ref.split("?")[0].split("#")[0]
            parts: list[str] = []
            for seg in url.split("/"):
                if seg == "..":
                    parts.pop()
                elif seg != ".":
                    parts.append(seg)
            path = paths.get("/".join(parts))
            if path is None or not path.exists():
                return m.group(0)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return f"url(data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()})"
        return re.sub(r"url\(([^)]+)\)", repl, css)

    def script(m: re.Match) -> str:
        url = m.group(1)
        path = paths.get(url)
        if path is None:
            raise ExportError(f"cannot inline {url}: not an installed local asset")
        return "<script>" + path.read_text(encoding="utf-8").replace("</script", "<\\/script") + "</script>"

    def style(m: re.Match) -> str:
        url = m.group(1)
        path = paths.get(url)
        if path is None:
            raise ExportError(f"cannot inline {url}: not an installed local asset")
        return "<style>" + css_with_data_uris(path.read_text(encoding="utf-8"), url) + "</style>"

    html = re.sub(r'<script src="([^"]+)"></script>', script, html)
    html = re.sub(r'<link rel="stylesheet" href="([^"]+)"\s*/?>', style, html)
    return html


def to_standalone_html(data: Dataset, events: pd.DataFrame, *, title: str = "conflictmap export",
                       lang: str = "en") -> str:
    """One self-contained HTML file: the selection on a map with a working time slider, the claim
    ledgers in popups (escaped), the legend and the sources. Every asset is inlined, so it opens
    from disk with no network. ``lang="ar"``: the ledgers, the legend and the notes in Arabic, right to left."""
    from folium.plugins import Timeline, TimelineSlider
    from folium.utilities import JsCode


    if not assets.use_local_assets():
        raise ExportError("The offline map assets are not installed, so they cannot be inlined: "
                          "run `python -m conflictmap assets install` first.")
    borders = json.loads(assets.basemap_path(detail="110m").read_text(encoding="utf-8"))
    # No layers_js: the export draws its events with folium's Timeline, not EventLayer.
    m = base_map("offline", basemap_data=borders, legend_bottom=150, layers_js=None,  # above the time slider
                 lang=lang)
    timeline = Timeline(
        _timeline_features(data, events, lang),
        point_to_layer=JsCode("function (f, latlng) { return L.circleMarker(latlng, {radius: 7, color: '#222', "
                              "weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9}); }"),
        style=JsCode("function (f) { return {color: f.properties.colour, weight: 3, "
                     "dashArray: f.properties.between ? '6 6' : null}; }"),
        on_each_feature=JsCode("function (f, layer) { layer.bindPopup(f.properties.popup, {maxWidth: 420, "
                               "maxHeight: 420}); }"),
    )
    timeline.add_to(m)
    slider = TimelineSlider(auto_play=False, date_options="YYYY-MM-DD", enable_keyboard_controls=True,
                            show_ticks=False, playback_duration=20000).add_timelines(timeline).add_to(m)
    m.add_child(_SliderAtEnd(slider))
    used = set(events["source_id"]) | set(data.claims.loc[data.claims["event_id"].isin(events["event_id"]),
                                                          "source_id"])
    srcs = data.sources[data.sources["source_id"].isin(used)]
    sources = [{"label": f"{s['outlet']}: {s['title']} ({_iso(s['published'])}"
                         f"{t('export.date_inferred', lang) if s['published_inferred'] else ''})",
                "url": safe_url(s["url"]), "url_text": "" if safe_url(s["url"]) else s["url"]}
               for _, s in srcs.iterrows()]
    m.add_child(SourcesPanel(sources, t("export.note", lang, n=len(events)), lang))
    m.get_root().title = title
    html = m.get_root().render()
    return _inline_assets(html)
