"""Streamlit glue shared by app.py and pages/: cached data, the sidebar filters, rendering helpers.

The core (``conflictmap/``) never imports streamlit; this module is where the
caching and widget state live. Rerun consequences worth knowing:

* The dataset is held with ``st.cache_resource``: one shared, read-only copy
  for every session (``st.cache_data`` would pickle a copy per rerun). It is
  keyed on the files' modification times, so editing a CSV reloads it.
* Every widget callback is wrapped in :func:`uninterrupted`: Streamlit may
  abandon a callback half-way when another interaction arrives, and the
  button press behind it would be lost.
* The sidebar filters are rendered by each page that uses them. Streamlit
  forgets a widget's value when a page without it runs, so every filter value
  is mirrored into a plain session key (``_keep_<key>``) on change (:func:`keep`) and
  restored before the widget is drawn: the selection survives page switches. The map
  page's own controls (language, basemap) use the same pair through :func:`recall`.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import re
from pathlib import Path

import pandas as pd
import streamlit as st

from conflictmap import schema
from conflictmap.claims import STATUS_LABELS
from conflictmap.load import DataError, Dataset, default_data_dir, load_dataset
from conflictmap.render import event_panel_html  # noqa: F401  (re-exported for the pages)
from conflictmap.select import Filters
from conflictmap.text import escape  # noqa: F401  (re-exported for the pages)

log = logging.getLogger("conflictmap.app")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$])")


def md_escape(text: object) -> str:
    """Untrusted text for widgets that render Markdown (st.toast, st.info): every Markdown character
    backslash-escaped, so a name or URL parameter can never become a link or formatting."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _no_yield() -> None:
    pass


def uninterrupted(callback):
    """Decorate a widget callback so that its session-state changes are applied whole.

    Streamlit checks for a newer rerun request at every ``st.session_state`` access and, if one
    is waiting, abandons the run by raising right there (streamlit/streamlit#10578), even inside a
    callback. A button's press is not replayed in the run that follows, so an interrupted callback
    loses the press itself: the header's old "Fit all" button, pressed while the map was sending
    its view, did nothing in about one page opening in ten on a loaded machine.

    Inside the wrapper, session-state access does not yield. A request that arrives meanwhile is
    served right after the callbacks (Streamlit checks again before the script body), so the next
    run starts from the callback's state. A press whose run is stopped before its callbacks start
    is still lost: that is why the map's own view buttons act in the browser (maplayers.ViewControl).
    ``runner.fastReruns = false`` does not help: it made lost presses more frequent.

    The switch is Streamlit-internal (``SafeSessionState._yield_callback``; streamlit is pinned
    below 2). If it is missing, the callback runs unprotected and a warning is logged once;
    tests/test_app.py fails then.
    """
    @functools.wraps(callback)
    def run(*args, **kwargs):
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx(suppress_warning=True)
        state = getattr(ctx, "session_state", None)
        try:
            saved = object.__getattribute__(state, "_yield_callback")
        except AttributeError:
            if state is not None and not getattr(uninterrupted, "warned", False):
                uninterrupted.warned = True
                log.warning("uninterrupted: this Streamlit has no SafeSessionState._yield_callback; "
                            "callbacks run unprotected")
            return callback(*args, **kwargs)
        object.__setattr__(state, "_yield_callback", _no_yield)
        try:
            return callback(*args, **kwargs)
        finally:
            object.__setattr__(state, "_yield_callback", saved)
    return run


def require_entrypoint() -> None:
    """Make sure this page runs inside app.py's navigation; call it first in every page.

    With a ``pages/`` folder, Streamlit starts in its legacy mode, where a page
    URL runs the page file alone (file-name navigation, no page config), until
    something calls ``st.navigation``. A fresh server whose first request is a
    shared link to a page (``/events``) would stay there. Leaving legacy mode
    and rerunning goes through app.py, which then opens the requested page.
    ``PagesManager.uses_pages_directory`` is Streamlit-internal: streamlit is
    pinned below 2, and tests/browser covers this.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _data_signature(data_dir: Path) -> tuple:
    """What must change for the cached dataset to reload: each table's mtime, or the imported file's."""
    if data_dir.is_file():
        st_ = data_dir.stat()
        return ((data_dir.name, st_.st_size, st_.st_mtime_ns),)
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

_MISSING = object()
FILTER_KEYS = ("f_dates", "f_types", "f_status", "f_actors", "f_text")


@uninterrupted
def keep(key: str) -> None:
    """A widget callback: mirror the widget's new value into ``_keep_<key>``, which outlives page switches.

    A widget drawn by several pages (the sidebar filters) has one id per page, so a late message from
    the page the user just left (a map pan sent after a click on another page's link) can fire this for
    a widget whose key now names the new page's copy, which has no value yet. Then there is nothing new
    to keep: the last kept value stays (reading it raised KeyError and broke the page).
    """
    value = st.session_state.get(key, _MISSING)
    if value is not _MISSING:
        st.session_state[f"_keep_{key}"] = value


def recall(key: str, default: object, allowed: tuple | None = None) -> object:
    """Before drawing a widget of one page only: give it back the value it had when the user left the page.

    Streamlit forgets a widget's value while a page without it runs (the map's language and basemap,
    after a visit to Events). The widget's ``on_change`` must be :func:`keep` (or call it).
    """
    ss = st.session_state
    value = ss.get(key, _MISSING)
    if value is _MISSING or (allowed is not None and value not in allowed):
        value = ss[key] = ss.get(f"_keep_{key}", default)
    return value


def _restore_filter_state() -> None:
    """Bring back the filters when the user arrives on another page (Streamlit resets a page's widgets).

    Only on arrival: writing the widgets' keys on every run raced the browser during quick slider moves (a run
    started by one key press pushed an older value back to the slider while the next press was on its way).
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    page = ctx.page_script_hash if ctx else None
    arrived = st.session_state.get("_filters_page") != page
    st.session_state["_filters_page"] = page
    for key in FILTER_KEYS:
        if f"_keep_{key}" in st.session_state and (arrived or key not in st.session_state):
            st.session_state[key] = st.session_state[f"_keep_{key}"]


@uninterrupted
def _jump(lo: dt.date, hi: dt.date) -> None:
    st.session_state["f_dates"] = (lo, hi)
    keep("f_dates")


def current_filters(data: Dataset) -> Filters:
    """The filters the sidebar will show in this run, read before any widget is drawn.

    Streamlit puts a widget's new value into session state before the run starts, so a page can
    select and draw its map first and the sidebar after it (the map page does: see pages/map.py).
    :func:`sidebar_filters`, drawn later in the same run, returns the same value.
    """
    ss = st.session_state
    _restore_filter_state()
    if data.events.empty:
        return Filters()
    if "f_dates" not in ss:
        ss["f_dates"] = (data.facets.first_day, data.facets.last_day)
    date_from, date_to = ss["f_dates"]
    return Filters(date_from=date_from, date_to=date_to, event_types=tuple(ss.get("f_types") or ()),
                   statuses=tuple(ss.get("f_status") or ()), actors=tuple(ss.get("f_actors") or ()),
                   text=ss.get("f_text") or "")


def sidebar_filters(data: Dataset) -> Filters:
    """Render the filters in the sidebar and return them."""
    ev = data.events
    sb = st.sidebar
    current_filters(data)  # restores the filters on arrival and sets the default date window
    if ev.empty:
        sb.info("No events loaded.")
        return Filters()
    fc = data.facets  # computed once per dataset
    lo, hi = fc.first_day, fc.last_day
    sb.markdown("### Time")
    clusters = fc.periods
    if len(clusters) > 1:
        sb.caption("Jump to a period")
        for i, (a, b, n) in enumerate(clusters):
            label = f"{a:%b %Y}" if (a.year, a.month) == (b.year, b.month) else f"{a:%b %Y} – {b:%b %Y}"
            sb.button(f"{label} · {n} event{'s' * (n != 1)}", key=f"jump{i}", help=f"{a} to {b}", on_click=_jump,
                      args=(a, b), width="stretch")
        sb.button("All dates", key="jump_all", on_click=_jump, args=(lo, hi), width="stretch")
    date_from, date_to = sb.slider("Date window", min_value=lo, max_value=hi, key="f_dates", format="YYYY-MM-DD",
                                   on_change=keep, args=("f_dates",),
                                   help="Events overlapping the window are shown. Arrow keys move a handle by a day.")
    sb.markdown("### Filters")
    types = sb.multiselect("Event type", fc.event_types, key="f_types", on_change=keep, args=("f_types",))
    statuses = sb.multiselect("Status", fc.statuses, key="f_status", on_change=keep, args=("f_status",),
                              format_func=lambda s: STATUS_LABELS[s])
    actors = sb.multiselect("Actor or claimant", fc.actors, key="f_actors", on_change=keep, args=("f_actors",))
    text = sb.text_input("Search (Arabic or English)", key="f_text", on_change=keep, args=("f_text",),
                         placeholder="e.g. هجين, Hajin, SOHR, منسوب")
    return Filters(date_from=date_from, date_to=date_to, event_types=tuple(types), statuses=tuple(statuses),
                   actors=tuple(actors), text=text or "")


EDIT_MODES = ("off", "local", "login")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def edit_mode() -> str:
    """Who may write and see server details: ``CONFLICTMAP_EDIT`` = off | local | login.

    Unset, it is ``local`` when the server listens on loopback only (``bash run.sh``: the person at
    the machine), and ``off`` otherwise: a hosted app shows visitors no server paths.
    """
    mode = os.environ.get("CONFLICTMAP_EDIT", "").strip().lower()
    if mode in EDIT_MODES:
        return mode
    if mode:
        log.warning("CONFLICTMAP_EDIT=%r is not one of %s; editing is off", mode, ", ".join(EDIT_MODES))
        return "off"
    return "local" if (st.get_option("server.address") or "") in _LOOPBACK else "off"


def data_dir_caption(data: Dataset) -> None:
    """The footer: counts for everyone; the data directory only for someone editing at the machine."""
    where = f"Data: {md_escape(data.data_dir)} · " if edit_mode() == "local" and data.data_dir else ""
    counts = f"{len(data.events)} events, {len(data.claims)} claims"
    rejected = f" · {len(data.errors)} rows rejected (see Data quality)" if data.errors else ""
    st.caption(where + counts + rejected)


def offline_default() -> str:
    """'offline' unless CONFLICTMAP_BASEMAP names an online basemap."""
    return os.environ.get("CONFLICTMAP_BASEMAP", "offline")


# --- the shareable view (URL), stories, presentation ------------------------------------

def query_dict() -> dict[str, list[str]]:
    return {k: st.query_params.get_all(k) for k in st.query_params.keys()}  # noqa: SIM118 (not a dict)


def _clamp_dates(data: Dataset, d_from: dt.date | None, d_to: dt.date | None) -> tuple[dt.date, dt.date] | None:
    if not (d_from or d_to) or data.events.empty:
        return None
    lo, hi = data.facets.first_day, data.facets.last_day
    a, b = max(d_from or lo, lo), min(d_to or hi, hi)
    return (a, b) if a <= b else None


def apply_url_state(data: Dataset) -> None:
    """Once per session, before any widget is drawn: restore the view a shared link describes."""
    from conflictmap.maplayers import BASEMAPS
    from conflictmap.stories import story_lengths
    from conflictmap.viewstate import from_query

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
        notices.append("Ignored the date window: it lies outside the data.")
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
    from conflictmap.viewstate import ViewState

    ss = st.session_state
    center, zoom = ss.get("view", (None, None))
    last = ss.get("map") or {}
    if last.get("center") and last.get("zoom"):
        center, zoom = (last["center"]["lat"], last["center"]["lng"]), int(last["zoom"])
    from conflictmap.maplayers import SYRIA_CENTER, SYRIA_ZOOM

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
    from urllib.parse import urlencode, urlsplit, urlunsplit

    from conflictmap.viewstate import to_query

    query = to_query(view)
    if query != query_dict():
        st.query_params.from_dict(query)
    base = st.context.url or ""
    parts = urlsplit(base)
    if parts.netloc and not parts.path:
        base = urlunsplit(parts._replace(path="/"))
    return f"{base}?{urlencode(query, doseq=True)}" if query else base


@uninterrupted
def move_view(center: tuple[float, float], zoom: int) -> None:
    """Move the map to ``center``/``zoom`` in this run, even if it was sent there before and the user has
    panned away since (see ``maplayers.view_args``). Also a widget callback ("Zoom to this event")."""
    st.session_state["view"] = (tuple(center), zoom)
    st.session_state["view_moves"] = st.session_state.get("view_moves", 0) + 1


@uninterrupted
def go_to_step(data: Dataset, story: str, step: int) -> None:
    """Move the whole view to a story step: event, ledger, map view and time window (a widget callback)."""
    from conflictmap.stories import step_view

    sv = step_view(data, story, step)
    ss = st.session_state
    ss["story"], ss["story_step"] = story, step
    ss["selected_event"] = sv.event_id
    ss["highlight_claim"] = sv.claim_id
    if sv.center is not None:
        move_view(sv.center, sv.zoom)
    ss["f_dates"] = ss["_keep_f_dates"] = (sv.date_from, sv.date_to)
    # A story shows its event whatever the other filters say.
    for key in ("f_types", "f_status", "f_actors"):
        ss[key] = ss[f"_keep_{key}"] = []
    ss["f_text"] = ss["_keep_f_text"] = ""


@uninterrupted
def leave_story() -> None:
    st.session_state["story"] = None
    st.session_state["story_step"] = None
    st.session_state["highlight_claim"] = None


PRESENTATION_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"] {display: none !important;}
.block-container {padding-top: 1rem !important; max-width: 100% !important;}
.stMarkdown p, .stMarkdown li, .cm-claim, .stCaption {font-size: 1.25rem !important;}
h1 {font-size: 2.1rem !important;}
</style>"""


def event_titles(events: pd.DataFrame, lang: str) -> dict[str, str]:
    """event_id -> title in the page's language (English where the Arabic title is empty), in row order."""
    col = "title_ar" if lang == "ar" else "title_en"
    return dict(zip(events["event_id"], events[col].where(events[col] != "", events["title_en"]), strict=True))


def download_buttons(data: Dataset, selection) -> None:
    """CSV, GeoJSON and a standalone HTML map of exactly the current selection."""
    from conflictmap import export

    # The files are built when a button is clicked (``data=`` a callable), never on a rerun: building the
    # GeoJSON of a 200,000-event selection takes minutes, and a slider move must not wait for it.
    # on_click="ignore": a download needs no rerun of the page.
    st.download_button("CSV (spreadsheet-safe)", lambda: export.to_csv(selection), file_name="conflictmap-events.csv",
                       mime="text/csv", width="stretch", on_click="ignore")
    st.download_button("GeoJSON (with claims)", lambda: export.to_geojson_text(data, selection),
                       file_name="conflictmap-events.geojson", mime="application/geo+json", width="stretch",
                       on_click="ignore")
    if st.button("Prepare standalone HTML map", width="stretch",
                 help="One file that works offline: map, time slider, claim ledgers, legend and sources"):
        try:
            st.session_state["_export_html"] = export.to_standalone_html(data, selection)
        except export.ExportError as exc:
            st.error(str(exc))
    if st.session_state.get("_export_html"):
        st.download_button("Download HTML map", st.session_state["_export_html"], file_name="conflictmap.html",
                           mime="text/html", width="stretch", on_click="ignore")
