"""The private Streamlit and st_folium APIs in ui/compat.py: each test fails (never skips) when one changes.

An upgrade that breaks one of these must stop CI, not silently turn a fix off: see ui/compat.py for why
each is needed, and requirements.txt for the exact minor versions pinned.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import streamlit_folium
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.state.safe_session_state import SafeSessionState

import ui.compat


def test_session_state_still_yields_through_a_swappable_callback():
    # no_yield swaps SafeSessionState._yield_callback; Streamlit must still call it on every access.
    assert "_yield_callback" in SafeSessionState.__annotations__
    calls = []
    state = SafeSessionState.__new__(SafeSessionState)
    object.__setattr__(state, "_yield_callback", lambda: calls.append(1))
    with contextlib.suppress(Exception):  # no real session behind it: only the yield matters
        state["anything"]
    assert calls, "SafeSessionState no longer calls _yield_callback on access"


def test_the_legacy_pages_switch_still_exists():
    assert "uses_pages_directory" in vars(PagesManager)
    assert ui.compat.leave_legacy_pages_mode.__doc__


def _st_folium_bundle() -> str:
    build = Path(streamlit_folium.__file__).parent / "frontend" / "build" / "static" / "js"
    [main] = sorted(build.glob("main.*.js"))
    return main.read_text(encoding="utf-8")


def test_st_folium_still_keeps_the_state_quiet_open_writes():
    bundle = _st_folium_bundle()
    for name in ("__GLOBAL_DATA__", "previous_data", "returned_objects", "wrap_longitude", "initComponent"):
        assert name in bundle, f"st_folium's frontend no longer has {name}: QuietOpen (ui/compat.py) must change"
    # Every key QuietOpen records must be one st_folium sends.
    source = Path(ui.compat.__file__).read_text(encoding="utf-8")
    keys = set(re.findall(r"\b(last_\w+|all_drawings|bounds|zoom|center|selected_layers|selected_tags)\s*:", source))
    assert len(keys) >= 12
    missing = sorted(k for k in keys if k not in bundle)
    assert missing == [], f"st_folium no longer sends {missing}"


def test_session_state_still_holds_undecoded_widget_states_by_element_id():
    # sent_widget_states reads SessionState._new_widget_state.states (Serialized protos until a widget decodes
    # them); tests/test_urlstate.py plays a reconnect through it.
    from streamlit.runtime.state.common import user_key_from_element_id
    from streamlit.runtime.state.session_state import Serialized, SessionState, WStates

    assert "_new_widget_state" in SessionState.__annotations__
    assert "states" in WStates.__dataclass_fields__ and "value" in Serialized.__dataclass_fields__
    assert user_key_from_element_id("$$ID-0123abcd-f_dates") == "f_dates"
    assert ui.compat.sent_widget_states() == {}  # outside a script run: nothing, and no error
