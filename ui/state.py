"""Widget state that survives: callbacks applied whole, values carried across pages.

Streamlit forgets a widget's value while a page without it runs, so every filter value is mirrored
into a plain session key (``_keep_<key>``) on change (:func:`keep`) and restored before the widget is
drawn. Every widget callback is wrapped in :func:`uninterrupted` (tests/test_app.py checks each page).
"""

from __future__ import annotations

import functools

import streamlit as st

from .compat import no_yield

_MISSING = object()


def uninterrupted(callback):
    """Decorate a widget callback so that its session-state changes are applied whole.

    Streamlit checks for a newer rerun request at every ``st.session_state`` access and, if one
    is waiting, abandons the run by raising right there (streamlit/streamlit#10578), even inside a
    callback. A button's press is not replayed in the run that follows, so an interrupted callback
    loses the press itself: the header's old "Fit all" button, pressed while the map was sending
    its view, did nothing in about one page opening in ten on a loaded machine.

    Inside the wrapper, session-state access does not yield (:func:`ui.compat.no_yield`). A request
    that arrives meanwhile is served right after the callbacks (Streamlit checks again before the
    script body), so the next run starts from the callback's state. A press whose run is stopped
    before its callbacks start is still lost: that is why the map's own view buttons act in the
    browser (maplayers.ViewControl). ``runner.fastReruns = false`` does not help.
    """
    @functools.wraps(callback)
    def run(*args, **kwargs):
        with no_yield():
            return callback(*args, **kwargs)
    return run


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
