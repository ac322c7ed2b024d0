"""Stories: ordered steps a presenter walks an audience through.

Each step names an event (whose claim ledger opens), a caption in English and
Arabic, optionally a claim to highlight and a map view. :func:`step_view`
turns a step into what the map must do: where to look, which dates to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from .geo import bounds_center_zoom
from .model import Dataset
from .select import date_clusters


@dataclass(frozen=True)
class StepView:
    story_id: str
    step: int
    n_steps: int
    event_id: str
    claim_id: str | None
    caption_en: str
    caption_ar: str
    center: tuple[float, float] | None
    zoom: int | None
    date_from: dt.date
    date_to: dt.date


def story_lengths(data: Dataset) -> dict[str, int]:
    """Story id -> number of steps, for stories that have any."""
    steps = data.story_steps
    return steps.groupby("story_id").size().astype(int).to_dict() if len(steps) else {}


def _event_points(data: Dataset, event_id: str) -> list[tuple[float, float]]:
    ev = data.events.set_index("event_id").loc[event_id]
    coords = data.places.set_index("place_id")[["lat", "lon"]].dropna()
    if ev["place_relation"] in ("between", "route"):
        pts = [tuple(coords.loc[p]) for p in ev["place_list"] if p in coords.index]
        if len(pts) >= 2:
            return [(float(a), float(b)) for a, b in pts]
    return [] if pd.isna(ev["lat"]) else [(float(ev["lat"]), float(ev["lon"]))]


def step_view(data: Dataset, story_id: str, step: int) -> StepView:
    """What the map shows at ``step`` (1-based) of ``story_id``."""
    steps = data.story_steps[data.story_steps["story_id"] == story_id].sort_values("step")
    row = steps.iloc[step - 1]
    event_id = row["event_id"]
    ev = data.events.set_index("event_id").loc[event_id]
    if pd.notna(row["lat"]) and pd.notna(row["lon"]):
        center = (float(row["lat"]), float(row["lon"]))
        zoom = int(row["zoom"]) if pd.notna(row["zoom"]) else 9
    else:
        pts = _event_points(data, event_id)
        if not pts:
            center, zoom = None, None
        elif len(pts) == 1:
            center, zoom = pts[0], int(row["zoom"]) if pd.notna(row["zoom"]) else 9
        else:
            center, zoom = bounds_center_zoom([p[0] for p in pts], [p[1] for p in pts])
            if pd.notna(row["zoom"]):
                zoom = int(row["zoom"])
    if pd.notna(row["date_from"]) and pd.notna(row["date_to"]):
        d_from, d_to = row["date_from"].date(), row["date_to"].date()
    else:
        start, end = ev["date_start"].date(), ev["date_end"].date()
        d_from, d_to = start, end
        for lo, hi, _ in date_clusters(data.events):
            if lo <= start <= hi:
                d_from, d_to = lo, hi
    return StepView(story_id=story_id, step=step, n_steps=len(steps), event_id=event_id,
                    claim_id=row["claim_id"] or None, caption_en=row["caption_en"], caption_ar=row["caption_ar"],
                    center=center, zoom=zoom, date_from=d_from, date_to=d_to)


def story_path(data: Dataset, story_id: str) -> list[tuple[float, float]]:
    """The places a story moves through, in order (e.g. Damascus -> Hmeimim -> Moscow)."""
    steps = data.story_steps[data.story_steps["story_id"] == story_id].sort_values("step")
    path: list[tuple[float, float]] = []
    for event_id in steps["event_id"]:
        for p in _event_points(data, event_id):
            if not path or path[-1] != p:
                path.append(p)
    return path
