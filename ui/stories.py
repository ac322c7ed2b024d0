"""Story navigation: a step moves the whole view (event, ledger, map and time window)."""

from __future__ import annotations

import streamlit as st

from conflictmap.model import Dataset
from conflictmap.stories import step_view

from .mapglue import move_view
from .state import uninterrupted


@uninterrupted
def go_to_step(data: Dataset, story: str, step: int) -> None:
    """Move the whole view to a story step: event, ledger, map view and time window (a widget callback)."""
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
