"""The shareable view in the address bar: restored once per session, rewritten as the view changes."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from conflictmap.geo import SYRIA_CENTER, SYRIA_ZOOM
from conflictmap.i18n import LANGS
from conflictmap.i18n import t as catalogue_text
from conflictmap.maplayers import BASEMAPS
from conflictmap.model import Dataset
from conflictmap.select import Filters, facets
from conflictmap.stories import story_lengths
from conflictmap.viewstate import ViewState, from_query, to_query

from .compat import sent_widget_states
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


_EPOCH = dt.datetime(1970, 1, 1)


# The filters whose options are shown as catalogue labels (ui.filters' format_func): key -> (prefix, facet).
_LABELLED = {"f_status": ("status", "statuses"), "f_types": ("etype", "event_types")}


def _decoded(key: str, proto, data: Dataset) -> object:
    """A filter widget's value as the browser sent it (see :func:`sent_filters`); None if it cannot be read."""
    kind = proto.WhichOneof("value")
    if key == "f_dates" and kind == "double_array_value" and len(proto.double_array_value.data) == 2:
        # The date slider sends microseconds since the epoch, in UTC (Streamlit's SliderSerde).
        a, b = ((_EPOCH + dt.timedelta(microseconds=int(x))).date() for x in proto.double_array_value.data)
        return _clamp_dates(data, a, b)
    if key == "f_text" and kind == "string_value":
        return proto.string_value
    if key in ("f_types", "f_status", "f_actors") and kind == "string_array_value":
        labels = list(proto.string_array_value.data)
        if key in _LABELLED:  # the multiselect sends each option's label, in the language shown: back to values
            prefix, facet = _LABELLED[key]
            names = {catalogue_text(f"{prefix}.{v}", lg): v for v in getattr(facets(data), facet) for lg in LANGS}
            labels = [names.get(x, x) for x in labels]
        return labels
    return None


def sent_filters(data: Dataset) -> dict[str, object]:
    """Filter values the browser sent with this run that differ from the filters' defaults, by widget key.

    On a page's first open there are none: the browser has drawn no widget yet. A browser that reconnects
    to a fresh session (its replica died, the proxy sent it to another) sends what its widgets show, and
    the last change the user made is among them: the address bar has not caught up with it yet (the old
    session would have rewritten it at the end of that run). A value equal to the default tells nothing
    the link does not, so it is left out and the link decides.
    """
    if data.events.empty:
        return {}
    defaults = {"f_dates": _clamp_dates(data, dt.date.min, dt.date.max), "f_types": [], "f_status": [],
                "f_actors": [], "f_text": ""}
    out = {}
    for key, proto in sent_widget_states().items():
        if key in defaults:
            value = _decoded(key, proto, data)
            if value is not None and value != defaults[key]:
                out[key] = value
    return out


def apply_url_state(data: Dataset) -> None:
    """Once per session, before any widget is drawn: restore the view a shared link describes.

    A filter value the browser sent with this first run (:func:`sent_filters`) wins over the link's.
    """
    if st.session_state.get("_url_applied"):
        return
    st.session_state["_url_applied"] = True
    v, notices = from_query(query_dict(), data, basemaps=list(BASEMAPS), stories=story_lengths(data))
    ss = st.session_state
    if v.story and v.step:
        go_to_step(data, v.story, v.step)
    sent = sent_filters(data)
    window = _clamp_dates(data, v.date_from, v.date_to)
    if "f_dates" in sent:
        ss["_keep_f_dates"] = sent["f_dates"]
    elif window:
        ss["_keep_f_dates"] = window
    elif v.date_from or v.date_to:
        notices.append(t("url.window_ignored", v.lang))
    for key, value in (("f_types", list(v.event_types)), ("f_status", list(v.statuses)),
                       ("f_actors", list(v.actors)), ("f_text", v.text)):
        value = sent.get(key, value)
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
