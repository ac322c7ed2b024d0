"""Every Streamlit and st_folium private API the app relies on, in one place, each with its reason.

Nothing else in the app touches a private name. ``tests/test_compat.py`` fails (never skips) when one
of these changes shape in an upgrade; streamlit and streamlit-folium are pinned to exact minor versions
in requirements.txt for the same reason.

1. ``SafeSessionState._yield_callback`` (:func:`no_yield`): Streamlit abandons a run at any session-state
   access once a newer rerun request waits, even inside a widget callback, which then loses the press
   (streamlit/streamlit#10578). No public switch exists.
2. ``PagesManager.uses_pages_directory`` (:func:`leave_legacy_pages_mode`): with a folder named ``pages/``
   (the product brief fixes that name) Streamlit starts in its legacy multipage mode until something
   calls ``st.navigation``; a shared link to a page on a fresh server would run the page file alone.
3. st_folium 0.27's frontend state (:class:`QuietOpen`): ``window.__GLOBAL_DATA__.previous_data`` and the
   keys of the value it sends. Recording the opening value as already sent is the only way to stop the
   map reporting the view the app just gave it.
4. ``SessionState._new_widget_state`` (:func:`sent_widget_states`): a browser that reconnects to a fresh
   session (its server process died; a replica behind the proxy took over) sends the values its widgets
   show, but Streamlit decodes them only when the widget is drawn. The link's view must not be applied
   over them (ui/urlstate.py), and that is decided before any widget is drawn.
"""

from __future__ import annotations

import contextlib
import logging

from branca.element import MacroElement
from jinja2 import Template

log = logging.getLogger("conflictmap.app")


def _no_yield() -> None:
    pass


@contextlib.contextmanager
def no_yield():
    """Inside: session-state access never abandons the run (see the module docstring, item 1).

    If this Streamlit has no ``_yield_callback``, the block runs unprotected and a warning is logged once.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    state = getattr(ctx, "session_state", None)
    try:
        saved = object.__getattribute__(state, "_yield_callback")
    except AttributeError:
        if state is not None and not getattr(no_yield, "warned", False):
            no_yield.warned = True
            log.warning("no_yield: this Streamlit has no SafeSessionState._yield_callback; "
                        "callbacks run unprotected")
        yield
        return
    object.__setattr__(state, "_yield_callback", _no_yield)
    try:
        yield
    finally:
        object.__setattr__(state, "_yield_callback", saved)


def leave_legacy_pages_mode() -> bool:
    """Leave Streamlit's legacy ``pages/`` mode (item 2). True when the caller must ``st.rerun()``."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False


class QuietOpen(MacroElement):
    """(Item 3.) The map does not report the view it opened with: the app chose that view and knows it.

    st_folium sends the map's state when the map is created, and again whenever it changes. That first
    value told the app nothing new, yet cost a whole script run, and it raced navigation: the browser
    sends a widget's message for the page it still shows, so a map that finished loading just after a
    click on another page's link took the user back to the map (or, when a filter's callback tripped on
    the stale message, showed an exception). Here the value st_folium is about to send is recorded as
    already sent (its ``previous_data``, computed as st_folium 0.27 computes it), so only a real change
    (a pan, a zoom, a click, a move the app asks for) is sent.

    Leaflet also reports the exact centre it was created with until the map is first resized (the
    iframe's first resize counts), then a centre computed from pixels, a few thousandths of a degree
    away: that alone made st_folium send a second value ~250 ms after opening. Dropping the cached
    centre at creation makes every report the pixel one. Outside st_folium (a saved HTML map), only
    that is done.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          var map = {{ this._parent.get_name() }};
          map._lastCenter = null;
          var g = window.__GLOBAL_DATA__;
          if (!g || typeof window.initComponent !== 'function') { return; }
          var wrap = function (ll) { return ll && g.wrap_longitude ? map.wrapLatLng(ll) : ll; };
          var bounds = map.getBounds();
          var all = {  // st_folium's updateComponentValue, same keys in the same order
            last_clicked: wrap(g.lat_lng_clicked), last_object_clicked: wrap(g.last_object_clicked),
            last_object_clicked_count: g.last_object_clicked_count,
            last_object_clicked_tooltip: g.last_object_clicked_tooltip,
            last_object_clicked_popup: g.last_object_clicked_popup, all_drawings: g.all_drawings,
            last_active_drawing: g.last_active_drawing, last_geocoder_result: g.last_geocoder_result,
            bounds: bounds && g.wrap_longitude ? map.wrapLatLngBounds(bounds) : bounds, zoom: map.getZoom(),
            last_circle_radius: g.last_circle_radius, last_circle_polygon: g.last_circle_polygon,
            center: wrap(map.getCenter()), selected_layers: Object.values(g.selected_layers || {}),
            selected_tags: g.selected_tags
          };
          var keep = g.returned_objects;
          g.previous_data = keep ? Object.fromEntries(Object.entries(all).filter(function (kv) {
            return keep.indexOf(kv[0]) >= 0; })) : all;
        })();
        {% endmacro %}
    """)

    def __init__(self) -> None:
        super().__init__()
        self._name = "QuietOpen"


def sent_widget_states() -> dict:
    """(Item 4.) The widget values the browser sent for this run that no widget has decoded yet, by widget key.

    ``{key: WidgetState proto}`` for keyed widgets only. Empty when Streamlit no longer keeps them where this
    looks (a warning is logged once): the caller then behaves as on a first page open.
    """
    from streamlit.proto.WidgetStates_pb2 import WidgetState
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.state.common import is_element_id, user_key_from_element_id

    ctx = get_script_run_ctx(suppress_warning=True)
    try:
        states = object.__getattribute__(ctx.session_state, "_state")._new_widget_state.states
    except AttributeError:
        if ctx is not None and not getattr(sent_widget_states, "warned", False):
            sent_widget_states.warned = True
            log.warning("sent_widget_states: this Streamlit keeps widget states elsewhere; a reconnecting "
                        "browser's widget values lose to the link on its first run")
        return {}
    out = {}
    for wid, held in list(states.items()):
        proto = getattr(held, "value", None)  # Serialized(proto) until decoded; Value(python value) after
        key = user_key_from_element_id(wid) if is_element_id(wid) else None
        if key and isinstance(proto, WidgetState):
            out[key] = proto
    return out
