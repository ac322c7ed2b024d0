"""The timeline under the map: a small Streamlit component (``ui/timeline_frontend/index.html``, no build step).

Events are drawn as marks coloured by status on a time axis; the user drags or types a date window,
zooms down to days, jumps between the clusters of events, or presses Play to move the window through
time. The window it sends is written to the same state the sidebar's date slider uses (``f_dates``,
kept with :func:`ui.state.keep`), in a callback, so the map of the same run already shows it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components

from conflictmap.claims import STATUS_COLOURS
from conflictmap.model import Dataset
from conflictmap.schema import STATUSES
from conflictmap.select import facets

from .i18n import t
from .state import keep, uninterrupted

_component = components.declare_component("cm_timeline", path=str(Path(__file__).parent / "timeline_frontend"))
KEY = "timeline"
# Days the window moves per Play step (one step every INTERVAL_MS).
SPEEDS = (1, 7, 30, 91)
INTERVAL_MS = 1500


def _marks(data: Dataset) -> dict:
    """Per day with events: the day (days since 1970-01-01), the number of events and the most common status."""
    def build() -> dict:
        ev = data.events
        if ev.empty:
            return {"days": [], "count": [], "status": []}
        day = ((ev["date_start"] - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).astype(int)
        code = ev["status"].map({s: i for i, s in enumerate(STATUSES)}).fillna(STATUSES.index("no_claims"))
        frame = pd.DataFrame({"day": day, "code": code.astype(int)})
        top = frame.groupby(["day", "code"]).size().reset_index(name="n")
        top = top.sort_values(["day", "n"], ascending=[True, False])
        first = top.drop_duplicates("day")
        counts = frame.groupby("day").size()
        return {"days": first["day"].tolist(), "count": counts.loc[first["day"]].tolist(),
                "status": first["code"].tolist()}
    return data.cached("timeline_marks", build)


@uninterrupted
def _changed() -> None:
    value = st.session_state.get(KEY) or {}
    try:
        lo, hi = dt.date.fromisoformat(value["lo"]), dt.date.fromisoformat(value["hi"])
    except (KeyError, TypeError, ValueError):
        return
    st.session_state["f_dates"] = (min(lo, hi), max(lo, hi))
    keep("f_dates")


def timeline(data: Dataset, window: tuple[dt.date, dt.date], lang: str, *, compact: bool = False) -> None:
    """Draw the timeline for ``window`` (the current ``f_dates``); a change the user makes there sets ``f_dates``.

    ``compact`` (presenting): one row, Play and the speed beside the track, no period or zoom buttons.
    """
    fc = facets(data)
    if fc.first_day is None:
        return
    periods = [[a.isoformat(), b.isoformat(), t("timeline.period", lang, label=_period_label(a, b), n=n)]
               for a, b, n in fc.periods] if len(fc.periods) > 1 else []
    _component(**_marks(data), colours=[STATUS_COLOURS[s] for s in STATUSES],
               first=fc.first_day.isoformat(), last=fc.last_day.isoformat(),
               window=[window[0].isoformat(), window[1].isoformat()], periods=periods,
               speeds=[[s, t(f"timeline.speed_{s}", lang)] for s in SPEEDS], interval=INTERVAL_MS,
               lang=lang, dir="rtl" if lang == "ar" else "ltr", compact=compact,
               labels={k: t(f"timeline.{k}", lang) for k in ("play", "pause", "speed", "zoom_in", "zoom_out",
                                                               "all_dates", "window", "periods")},
               key=KEY, default=None, on_change=_changed)


def _period_label(a: dt.date, b: dt.date) -> str:
    return f"{a:%Y-%m}" if (a.year, a.month) == (b.year, b.month) else f"{a:%Y-%m} – {b:%Y-%m}"
