"""The shareable view in the address bar: restored once per session, rewritten as the view changes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from conflictmap.geo import SYRIA_CENTER, SYRIA_ZOOM
from conflictmap.maplayers import BASEMAPS
from conflictmap.model import Dataset
from conflictmap.select import Filters, facets
from conflictmap.stories import story_lengths
from conflictmap.viewstate import ViewState, from_query, to_query

from .i18n import t
from .mapglue import move_view
from .stories import go_to_step


def query_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}  # noqa: SIM118 (not a dict)


def _clamp_dates(data: Dataset, d_from: dt.date | None, d_to: dt.date | None) -> tuple[dt.date, dt.date] | None:
    if not (d_from or d_to) or data.events.empty:
        return None
    lo, hi = facets(data).first_day, facets(data).last_day
    a, b = max(d_from or lo, lo), min(d_to or hi, hi)
    return (a, b) if a <= b else None


def apply_url_state(data: Dataset) -> None:
    """Once per session, before any widget is drawn: restore the view a shared link describes."""
    if st.session_state.get("_url_applied"):
        return
    st.session_state["_url_applied"] = True
    v, notices = from_query(query_dict(), data, basemaps=list(BASEMAPS), stories=story_lengths(data))
    ss = st.session_state
    if v.story and v.step:
        go_to_step(data, v.story, v.step)
    window = _clamp_dates(data, v.date_from, v.date_to)
    if window:
        ss["_keep_f_dates"] = window
    elif v.date_from or v.date_to:
        notices.append(t("url.window_ignored", v.lang))
    for key, value in (("f_types", list(v.event_types)), ("f_status", list(v.statuses)),
                       ("f_actors", list(v.actors)), ("f_text", v.text)):
        if value:
            ss[f"_keep_{key}"] = value
    if v.event:
        ss["selected_event"] = v.event
    if v.zoom is not None:
        move_view((v.lat, v.lon), v.zoom)
    if v.basemap:
        ss["basemap"] = ss["_keep_basemap"] = v.basemap
    ss["lang"] = ss["_keep_lang"] = v.lang
    ss["present"] = v.present
    ss["_url_notices"] = notices


def current_view_state(filters: Filters, data: Dataset | None = None):
    """The ViewState of what the user is looking at now (for the URL and the Copy link box)."""
    ss = st.session_state
    center, zoom = ss.get("view", (None, None))
    last = ss.get("map") or {}
    if last.get("center") and last.get("zoom"):
        center, zoom = (last["center"]["lat"], last["center"]["lng"]), int(last["zoom"])
    if center and zoom == SYRIA_ZOOM and abs(center[0] - SYRIA_CENTER[0]) + abs(center[1] - SYRIA_CENTER[1]) < 0.05:
        center = zoom = None  # the default view needs no parameters
    story = ss.get("story")
    full = _clamp_dates(data, dt.date.min, dt.date.max) if data is not None else None
    window = (None, None) if full == (filters.date_from, filters.date_to) else (filters.date_from, filters.date_to)
    return ViewState(
        date_from=window[0], date_to=window[1], event_types=filters.event_types,
        statuses=filters.statuses, actors=filters.actors, text=filters.text, event=ss.get("selected_event"),
        lat=center[0] if center else None, lon=center[1] if center else None, zoom=zoom,
        basemap=ss.get("basemap") if ss.get("basemap") not in (None, "offline") else None,
        lang=ss.get("lang") or "en", story=story, step=ss.get("story_step") if story else None,
        present=bool(ss.get("present")))


def sync_url(view) -> str:
    """Write the view into the address bar and return the full shareable link."""
    query = to_query(view)
    if query != query_dict():
        st.query_params.from_dict(query)
    base = st.context.url or ""
    parts = urlsplit(base)
    if parts.netloc and not parts.path:
        base = urlunsplit(parts._replace(path="/"))
    return f"{base}?{urlencode(query, doseq=True)}" if query else base
