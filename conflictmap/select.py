"""Selection: which events are shown, as a pure function of (data, filters).

Like timemap's ``selectEvents``: an event is selected when it overlaps the date
window, and matches every active filter. Nothing here depends on the UI.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .claims import claims_text_by_event
from .model import Dataset
from .schema import STATUSES
from .text import normalise


@dataclass(frozen=True)
class Filters:
    """Everything that narrows a selection. Empty collections and None mean "no filter"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    text: str = ""


def select_events(
    data: Dataset,
    *,
    date_range: tuple[dt.date | None, dt.date | None] | None = None,
    event_types: Iterable[str] = (),
    statuses: Iterable[str] = (),
    actors: Iterable[str] = (),
    text: str = "",
) -> pd.DataFrame:
    """Return the events (a slice of ``data.events``, or itself; date order; never mutate it) that match.

    * ``date_range``: (from, to), inclusive; an event is kept when its
      [date_start, date_end] interval overlaps the window. Uses the sorted
      ``date_start`` column (binary search), not a full scan.
    * ``event_types``, ``statuses``: keep events whose value is listed.
    * ``actors``: keep events where actor1, actor2 or any claimant is listed.
    * ``text``: every word must occur in the event's titles, summaries, actors,
      places (any spelling) or claims, after Arabic/Latin normalisation.
    """
    ev = data.events
    keep = np.ones(len(ev), dtype=bool)
    if date_range is not None:
        start, end = date_range
        if end is not None:
            stop = ev["date_start"].searchsorted(pd.Timestamp(end), side="right")
            keep[stop:] = False
        if start is not None:
            keep &= (ev["date_end"] >= pd.Timestamp(start)).to_numpy()
    event_types, statuses, actors = list(event_types), list(statuses), list(actors)
    if event_types:
        keep &= ev["event_type"].isin(event_types).to_numpy()
    if statuses:
        keep &= ev["status"].isin(statuses).to_numpy()
    if actors:
        by_claim = set(data.claims.loc[data.claims["claimant"].isin(actors), "event_id"])
        keep &= (ev["actor1"].isin(actors) | ev["actor2"].isin(actors) | ev["event_id"].isin(by_claim)).to_numpy()
    if text.strip():
        words = normalise(text).split()
        blob = search_text(data)
        for w in words:
            keep &= blob.str.contains(w, regex=False).to_numpy()
    if keep.all():
        return ev  # no filter: no 200,000-row copy (the result is read-only either way)
    return _rows(ev, keep)


def _rows(ev: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``ev[keep]``, the same rows, order and index, cheaply for a date window.

    A boolean take copies every column: ~0.2 CPU-seconds for 60,000 of 200,000 rows, on every slider move.
    A date window keeps one run of rows (events are in date order) plus the few longer events that started
    before it: the run is a slice (no copy), and only those few rows are taken.
    """
    hits = np.flatnonzero(keep)
    if not len(hits):
        return ev.iloc[:0]
    gaps = np.flatnonzero(np.diff(hits) != 1)
    run_start = int(hits[gaps[-1] + 1]) if len(gaps) else int(hits[0])
    run = ev.iloc[run_start:int(hits[-1]) + 1]
    before = hits[:len(hits) - len(run)]
    if not len(before):
        return run
    if len(before) > len(hits) // 4:  # scattered (a type or text filter): one take is as good
        return ev.iloc[hits]
    return pd.concat([ev.iloc[before], run])


def apply_filters(data: Dataset, f: Filters) -> pd.DataFrame:
    """:func:`select_events` driven by a :class:`Filters` value."""
    return select_events(data, date_range=(f.date_from, f.date_to), event_types=f.event_types,
                         statuses=f.statuses, actors=f.actors, text=f.text)


@dataclass(frozen=True)
class Facets:
    """The choices the filters offer for one dataset (:func:`facets` computes them once per dataset)."""

    first_day: dt.date | None            # the date slider's limits; last_day > first_day (a slider needs it)
    last_day: dt.date | None
    event_types: tuple[str, ...]          # sorted
    statuses: tuple[str, ...]             # those present, in STATUSES order
    actors: tuple[str, ...]               # sorted
    periods: tuple[tuple[dt.date, dt.date, int], ...]   # date_clusters()


def facets(data: Dataset) -> Facets:
    """What the filters offer (date limits, types, statuses, actors, periods), computed once per dataset
    rather than on every script run."""
    return data.cached("facets", lambda: _facets(data))


def _facets(data: Dataset) -> Facets:
    ev = data.events
    if ev.empty:
        return Facets(None, None, (), (), tuple(all_actors(data)), ())
    lo = ev["date_start"].min().date()
    hi = max(ev["date_end"].max().date(), lo + dt.timedelta(days=1))
    present = set(ev["status"].unique())
    return Facets(lo, hi, tuple(sorted(ev["event_type"].unique())), tuple(s for s in STATUSES if s in present),
                  tuple(all_actors(data)), tuple(date_clusters(ev)))


def search_text(data: Dataset) -> pd.Series:
    """Per event, one normalised string of everything a user may search for: titles, summaries, actors,
    place names (all spellings) and claim text. Built once per dataset."""
    return data.cached("search_text", lambda: _search_text(data))


def _search_text(data: Dataset) -> pd.Series:
    place_names = data.places.set_index("place_id")
    names = (
        place_names["name_en"].fillna("") + " " + place_names["name_ar"].fillna("") + " "
        + place_names["alt_names"].fillna("").str.replace(";", " ")
    ).to_dict() if len(place_names) else {}
    ev = data.events
    parts = [ev[c].fillna("").astype(str) for c in ("event_id", "title_en", "title_ar", "summary_en",
                                                     "summary_ar", "actor1", "actor2", "location_note")]
    blob = parts[0].str.cat(parts[1:], sep=" ")
    blob = blob + " " + ev["place_list"].map(lambda ids: " ".join(names.get(i, "") for i in ids))
    blob = blob + " " + ev["event_id"].map(claims_text_by_event(data.claims)).fillna("")
    return pd.Series([normalise(s) for s in blob], index=ev.index)


def all_actors(data: Dataset) -> list[str]:
    """Every actor and claimant, for the actor filter."""
    names = pd.concat([data.events["actor1"], data.events["actor2"], data.claims["claimant"]]).dropna().unique()
    return sorted(n for n in names if isinstance(n, str) and n)


def date_clusters(events: pd.DataFrame, gap_days: int = 180) -> list[tuple[dt.date, dt.date, int]]:
    """Split the event dates into clusters separated by gaps longer than ``gap_days``.

    Returns (first day, last day, number of events) per cluster, for the
    timeline's quick jumps: the seed data has two clusters six years apart.
    A gap is measured from the latest end so far to the next start.
    """
    if events.empty:
        return []
    day = np.timedelta64(1, "D")
    start = events["date_start"].to_numpy("datetime64[ns]")
    end = events["date_end"].fillna(events["date_start"]).to_numpy("datetime64[ns]")
    order = np.argsort(start, kind="stable")
    start, end = start[order], np.maximum(end[order], start[order])
    reach = np.maximum.accumulate(end)                   # the latest end up to each event
    breaks = np.flatnonzero((start[1:] - reach[:-1]) // day > gap_days) + 1
    firsts = np.concatenate([[0], breaks])
    lasts = np.concatenate([breaks, [len(start)]])
    return [(pd.Timestamp(start[a]).date(), pd.Timestamp(reach[b - 1]).date(), int(b - a))
            for a, b in zip(firsts, lasts, strict=True)]
