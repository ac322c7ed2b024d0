"""Streamlit glue shared by app.py and pages/: cached data, the sidebar filters, rendering helpers.

The core (``conflictmap/``) never imports streamlit; this module is where the
caching and widget state live. Rerun consequences worth knowing:

* The dataset is held with ``st.cache_resource``: one shared, read-only copy
  for every session (``st.cache_data`` would pickle a copy per rerun). It is
  keyed on the files' modification times, so editing a CSV reloads it.
* The sidebar filters are rendered by each page that uses them. Streamlit
  forgets a widget's value when a page without it runs, so every filter value
  is mirrored into a plain session key (``_keep_<key>``) on change and restored
  before the widget is drawn: the selection survives page switches.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from conflictmap import schema
from conflictmap.claims import STANCE_LABELS, STATUS_COLOURS, STATUS_HELP, STATUS_LABELS, ledger
from conflictmap.load import DataError, Dataset, default_data_dir, load_dataset
from conflictmap.select import Filters, all_actors, date_clusters
from conflictmap.text import escape

log = logging.getLogger("conflictmap.app")


def _data_signature(data_dir: Path) -> tuple:
    sig = []
    for t in schema.TABLES.values():
        p = data_dir / t.path
        sig.append((t.path, p.stat().st_mtime_ns if p.exists() else None))
    return tuple(sig)


@st.cache_resource(show_spinner="Loading events…")
def _load(data_dir: str, signature: tuple) -> Dataset:
    return load_dataset(Path(data_dir))


def dataset() -> Dataset:
    """The current data directory's dataset (shared, read-only: never mutate it)."""
    data_dir = default_data_dir()
    try:
        return _load(str(data_dir), _data_signature(data_dir))
    except DataError as exc:
        st.error(f"The data in `{data_dir}` cannot be loaded: {exc}")
        st.stop()


@st.cache_resource
def map_assets_local() -> bool:
    """Point folium at the locally installed Leaflet/plugins once per process; False means CDN fallback."""
    from conflictmap import assets

    return assets.use_local_assets()


# --- filters ------------------------------------------------------------------------

FILTER_KEYS = ("f_dates", "f_types", "f_status", "f_actors", "f_text")


def _keep(key: str) -> None:
    st.session_state[f"_keep_{key}"] = st.session_state[key]


def _restore_filter_state() -> None:
    for key in FILTER_KEYS:
        if f"_keep_{key}" in st.session_state:
            st.session_state[key] = st.session_state[f"_keep_{key}"]


def _jump(lo: dt.date, hi: dt.date) -> None:
    st.session_state["f_dates"] = (lo, hi)
    _keep("f_dates")


def sidebar_filters(data: Dataset) -> Filters:
    """Render the filters in the sidebar and return them."""
    ev = data.events
    sb = st.sidebar
    _restore_filter_state()
    if ev.empty:
        sb.info("No events loaded.")
        return Filters()
    lo = ev["date_start"].min().date()
    hi = max(ev["date_end"].max().date(), lo + dt.timedelta(days=1))  # a slider needs min < max
    sb.markdown("### Time")
    clusters = date_clusters(ev)
    if len(clusters) > 1:
        sb.caption("Jump to a period")
        for i, (a, b, n) in enumerate(clusters):
            label = f"{a:%b %Y}" if (a.year, a.month) == (b.year, b.month) else f"{a:%b %Y} – {b:%b %Y}"
            sb.button(f"{label} · {n} event{'s' * (n != 1)}", key=f"jump{i}", help=f"{a} to {b}", on_click=_jump,
                      args=(a, b), use_container_width=True)
        sb.button("All dates", key="jump_all", on_click=_jump, args=(lo, hi), use_container_width=True)
    if "f_dates" not in st.session_state:
        st.session_state["f_dates"] = (lo, hi)
    date_from, date_to = sb.slider("Date window", min_value=lo, max_value=hi, key="f_dates", format="YYYY-MM-DD",
                                   on_change=_keep, args=("f_dates",),
                                   help="Events overlapping the window are shown. Arrow keys move a handle by a day.")
    sb.markdown("### Filters")
    types = sb.multiselect("Event type", sorted(ev["event_type"].unique()), key="f_types", on_change=_keep,
                           args=("f_types",))
    statuses = sb.multiselect("Status", [s for s in schema.STATUSES if s in set(ev["status"])], key="f_status",
                              on_change=_keep, args=("f_status",), format_func=lambda s: STATUS_LABELS[s])
    actors = sb.multiselect("Actor or claimant", all_actors(data), key="f_actors", on_change=_keep, args=("f_actors",))
    text = sb.text_input("Search (Arabic or English)", key="f_text", on_change=_keep, args=("f_text",),
                         placeholder="e.g. هجين, Hajin, SOHR, منسوب")
    return Filters(date_from=date_from, date_to=date_to, event_types=tuple(types), statuses=tuple(statuses),
                   actors=tuple(actors), text=text)


# --- rendering ------------------------------------------------------------------------

def badge(text: str, colour: str) -> str:
    return (f'<span style="background:{colour};color:#fff;border-radius:4px;padding:1px 7px;'
            f'font-size:.8em;font-weight:600;white-space:nowrap">{escape(text)}</span>')


STANCE_COLOURS = {"asserts": "#0072B2", "denies": "#D55E00", "acknowledges": "#8a6d00"}


def fmt_date(value, precision: str = "day", inferred: bool = False) -> str:
    if pd.isna(value):
        return "date unknown"
    d = pd.Timestamp(value)
    text = {"day": f"{d:%d %b %Y}", "week": f"week of {d:%d %b %Y}", "month": f"{d:%B %Y}",
            "year": f"{d:%Y}"}.get(precision, f"{d:%d %b %Y}")
    return text + (" (inferred)" if inferred else "")


def event_panel_html(data: Dataset, event_id: str) -> str:
    """The event's header and full claim ledger as escaped HTML (render with st.html)."""
    rows = data.events[data.events["event_id"] == event_id]
    if rows.empty:
        return "<p>This event is not in the loaded data.</p>"
    e = rows.iloc[0]
    places = data.places.set_index("place_id")
    sources = data.sources.set_index("source_id")

    def place_line(pid: str) -> str:
        if pid not in places.index:
            return escape(pid)
        p = places.loc[pid]
        prec = "" if pd.isna(p["coord_precision_m"]) else f"±{int(p['coord_precision_m']):,} m"
        inferred = ", inferred" if p["coord_inferred"] else ""
        return (f'{escape(p["name_en"])} <span dir="rtl" lang="ar">{escape(p["name_ar"])}</span> '
                f'<small style="color:#666">({escape(p["coord_source"]) or "source not recorded"}; '
                f'{prec}{inferred})</small>')

    span = fmt_date(e["date_start"], e["date_precision"], e["date_inferred"])
    if e["date_end"] != e["date_start"]:
        span = f'{fmt_date(e["date_start"], e["date_precision"])} – {fmt_date(e["date_end"], e["date_precision"])}' + (
            " (inferred)" if e["date_inferred"] else "")
    fat = "not reported" if pd.isna(e["fatalities"]) else str(int(e["fatalities"]))
    relation = {"at": "at", "near": "near", "between": "between", "route": "route"}[e["place_relation"]]
    parts = [
        '<div style="font-family:sans-serif;line-height:1.45">',
        f'<div>{badge(STATUS_LABELS[e["status"]], STATUS_COLOURS[e["status"]])} '
        f'<small style="color:#555">{escape(STATUS_HELP[e["status"]])}</small></div>',
        f'<h3 style="margin:.4em 0 .1em">{escape(e["title_en"])}</h3>',
        f'<div dir="rtl" lang="ar" style="font-size:1.1em;text-align:right">{escape(e["title_ar"])}</div>',
        f'<p style="margin:.4em 0"><b>When:</b> {escape(span)}<br>'
        f'<b>Where ({relation}):</b> {" → ".join(place_line(p) for p in e["place_list"])}'
        f'{("<br><i>" + escape(e["location_note"]) + "</i>") if e["location_note"] else ""}<br>'
        f'<b>Type:</b> {escape(e["event_type"])} / {escape(e["sub_event_type"])} · geo precision '
        f'{escape(e["geo_precision"])}<br>'
        f'<b>Actors:</b> {escape(e["actor1"]) or "—"}{(" vs " + escape(e["actor2"])) if e["actor2"] else ""}'
        f' · <b>Fatalities:</b> {fat}</p>',
    ]
    if e["summary_en"] or e["summary_ar"]:
        parts.append(f'<p style="margin:.3em 0">{escape(e["summary_en"])}</p>')
        if e["summary_ar"]:
            parts.append(f'<p dir="rtl" lang="ar" style="text-align:right;margin:.3em 0">{escape(e["summary_ar"])}</p>')
    if e["notes"]:
        parts.append(f'<p style="color:#555;font-size:.9em"><b>Provenance:</b> {escape(e["notes"])}</p>')
    claims = ledger(data.claims, event_id)
    parts.append(f'<h4 style="margin:.6em 0 .2em">Claim ledger ({len(claims)})</h4>')
    if claims.empty:
        parts.append("<p>No claims on record.</p>")
    for _, c in claims.iterrows():
        who = escape(c["claimant"])
        if c["claimant_ar"]:
            who += f' <span dir="rtl" lang="ar">{escape(c["claimant_ar"])}</span>'
        meta = [escape(c["claimant_kind"].replace("_", " "))]
        if c["spokesperson"]:
            meta.append(escape(c["spokesperson"]))
        if c["channel"]:
            meta.append(escape(c["channel"]))
        meta.append(escape(fmt_date(c["claim_date"], c["claim_date_precision"], c["claim_date_inferred"])))
        src = sources.loc[c["source_id"]] if c["source_id"] in sources.index else None
        if src is not None:
            published = fmt_date(src["published"], src["published_precision"], src["published_inferred"])
            src_html = (f'{escape(src["outlet"])}, <span dir="auto">“{escape(src["title"])}”</span> '
                        f'({escape(published)})')
            if src["url"]:
                src_html += f' <a href="{escape(src["url"])}" target="_blank" rel="noopener noreferrer">link</a>'
        else:
            src_html = escape(c["source_id"])
        parts.append(
            '<div class="cm-claim" style="border-left:4px solid {col};padding:.3em .6em;margin:.5em 0;'
            'background:#fafafa">'.format(col=STANCE_COLOURS[c["stance"]])
            + f'<div>{badge(STANCE_LABELS[c["stance"]], STANCE_COLOURS[c["stance"]])} <b>{who}</b></div>'
            + f'<div style="color:#555;font-size:.85em">{" · ".join(meta)}</div>'
            + (f'<div style="margin:.2em 0">{badge("Attributed / unverified", "#777")}</div>'
               if c["attributed"] else "")
            + (f'<blockquote class="cm-quote-ar" dir="rtl" lang="ar" style="margin:.3em 0;padding:.2em .5em;'
               f'border-right:3px solid #bbb;text-align:right;font-size:1.08em">{escape(c["quote_ar"])}</blockquote>'
               if c["quote_ar"] else "")
            + (f'<blockquote class="cm-quote-en" lang="en" style="margin:.3em 0;padding:.2em .5em;'
               f'border-left:3px solid #ddd;font-style:italic">{escape(c["quote_en"])}</blockquote>'
               if c["quote_en"] else "")
            + f'<div style="font-size:.8em;color:#555">Source: {src_html}</div>'
            + (f'<div style="font-size:.8em;color:#777">{escape(c["notes"])}</div>' if c["notes"] else "")
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def data_dir_caption(data: Dataset) -> None:
    st.caption(f"Data: `{data.data_dir}` · {len(data.events)} events, {len(data.claims)} claims · "
               f"{len(data.errors)} rows rejected (see Data quality)" if data.errors else
               f"Data: `{data.data_dir}` · {len(data.events)} events, {len(data.claims)} claims")


def offline_default() -> str:
    """'offline' unless CONFLICTMAP_BASEMAP names an online basemap."""
    return os.environ.get("CONFLICTMAP_BASEMAP", "offline")
