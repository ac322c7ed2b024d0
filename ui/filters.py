"""The sidebar filters: restored on arrival at a page, read before the map is drawn, shared by every page."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from conflictmap.model import Dataset
from conflictmap.select import Filters, facets

from .i18n import lang, t, words
from .state import keep, uninterrupted

FILTER_KEYS = ("f_dates", "f_types", "f_status", "f_actors", "f_text")
CURRENT_PAGE = "_current_page"
"""Session key app.py sets to the page ``st.navigation`` returned, before running it."""


def _restore_filter_state() -> None:
    """Bring back the filters when the user arrives on another page (Streamlit resets a page's widgets).

    Only on arrival: writing the widgets' keys on every run raced the browser during quick slider moves (a run
    started by one key press pushed an older value back to the slider while the next press was on its way).
    """
    page = st.session_state.get(CURRENT_PAGE)
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
        ss["f_dates"] = (facets(data).first_day, facets(data).last_day)
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
        sb.info(t("filters.no_events"))
        return Filters()
    fc = facets(data)  # computed once per dataset
    lo, hi = fc.first_day, fc.last_day
    sb.markdown(f"### {t('filters.time')}")
    clusters = fc.periods
    if len(clusters) > 1:
        sb.caption(t("filters.jump"))
        for i, (a, b, n) in enumerate(clusters):
            fmt = "%Y-%m" if lang() == "ar" else "%b %Y"  # month names are English; numbers read in both
            label = a.strftime(fmt) if (a.year, a.month) == (b.year, b.month) else f"{a:{fmt}} – {b:{fmt}}"
            sb.button(t("filters.period", label=label, n=n), key=f"jump{i}",
                      help=t("filters.period_help", start=a, end=b), on_click=_jump, args=(a, b), width="stretch")
        sb.button(t("filters.all_dates"), key="jump_all", on_click=_jump, args=(lo, hi), width="stretch")
    date_from, date_to = sb.slider(t("filters.window"), min_value=lo, max_value=hi, key="f_dates", format="YYYY-MM-DD",
                                   on_change=keep, args=("f_dates",),
                                   help=t("filters.window_help"))
    sb.markdown(f"### {t('filters.heading')}")
    types = sb.multiselect(t("filters.type"), fc.event_types, key="f_types", on_change=keep, args=("f_types",),
                          placeholder=t("filters.choose"), format_func=words("etype."))
    statuses = sb.multiselect(t("filters.status"), fc.statuses, key="f_status", on_change=keep, args=("f_status",),
                          placeholder=t("filters.choose"),
                              format_func=words("status."))
    actors = sb.multiselect(t("filters.actor"), fc.actors, key="f_actors", on_change=keep, args=("f_actors",),
                          placeholder=t("filters.choose"))
    text = sb.text_input(t("filters.search"), key="f_text", on_change=keep, args=("f_text",),
                         placeholder=t("filters.search_placeholder"))
    return Filters(date_from=date_from, date_to=date_to, event_types=tuple(types), statuses=tuple(statuses),
                   actors=tuple(actors), text=text or "")
