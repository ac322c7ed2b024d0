"""The shareable view: everything a link must restore, to and from URL query parameters.

A presenter's link has to reopen exactly the view they meant, in a fresh
browser: time window, filters, selected event, map centre and zoom, basemap,
language, story and step, presentation mode. :func:`from_query` reads it back
and never raises: a malformed or stale parameter (an unknown event id, an
impossible date) is dropped with a short notice, and the rest still applies.

Query keys: ``from``, ``to`` (YYYY-MM-DD), ``type``/``status``/``actor``
(repeatable), ``q`` (search), ``event``, ``lat``/``lon``/``z`` (map view),
``map`` (basemap), ``lang`` (en|ar), ``story``, ``step``, ``present`` (1).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from .i18n import t
from .model import Dataset
from .schema import STATUSES

LANGUAGES = ("en", "ar")


@dataclass(frozen=True)
class ViewState:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    event_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    text: str = ""
    event: str | None = None
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    basemap: str | None = None
    lang: str = "en"
    story: str | None = None
    step: int | None = None
    present: bool = False
    extra: dict = field(default_factory=dict, compare=False)


def to_query(v: ViewState) -> dict[str, str | list[str]]:
    """Query parameters for ``v``, leaving out what is at its default."""
    q: dict[str, str | list[str]] = {}
    if v.date_from:
        q["from"] = v.date_from.isoformat()
    if v.date_to:
        q["to"] = v.date_to.isoformat()
    for key, values in (("type", v.event_types), ("status", v.statuses), ("actor", v.actors)):
        if values:
            q[key] = list(values)
    if v.text.strip():  # the search ignores surrounding whitespace, and so does the link
        q["q"] = v.text.strip()
    if v.event:
        q["event"] = v.event
    if v.lat is not None and v.lon is not None and v.zoom is not None:
        q["lat"], q["lon"], q["z"] = f"{v.lat:.4f}", f"{v.lon:.4f}", str(v.zoom)
    if v.basemap:
        q["map"] = v.basemap
    if v.lang != "en":
        q["lang"] = v.lang
    if v.story:
        q["story"] = v.story
        if v.step:
            q["step"] = str(v.step)
    if v.present:
        q["present"] = "1"
    return q


def _one(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = params.get(key) or []
    return values[-1].strip() if values else None


def from_query(params: Mapping[str, Sequence[str]], data: Dataset, *, basemaps: Sequence[str] = (),
               stories: Mapping[str, int] | None = None) -> tuple[ViewState, list[str]]:
    """Parse query parameters (each key -> list of values) against ``data``.

    Returns the view and the notices for whatever was ignored, in the link's language (``lang=``, English by
    default). ``stories`` maps story id -> number of steps.
    """
    found: list[tuple[str, dict]] = []  # (catalogue key, values): worded once the link's language is known

    def note(key: str, **values: object) -> None:
        found.append((key, values))
    v = ViewState()

    def date(key: str) -> dt.date | None:
        raw = _one(params, key)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            note("url.bad_date", name=key, raw=repr(raw))
            return None

    d_from, d_to = date("from"), date("to")
    if d_from and d_to and d_from > d_to:
        note("url.window_reversed", start=d_from, end=d_to)
        d_from = d_to = None
    v = replace(v, date_from=d_from, date_to=d_to)

    def members(key: str, columns: Sequence[pd.Series], what: str) -> tuple[str, ...]:  # what: url.unknown_<what>
        values = [s for s in params.get(key) or [] if s]
        if not values:  # most links: no need to look through 200,000 rows
            return ()
        allowed = {x for col in columns for x in col[col.isin(values)].unique()}
        bad = [s for s in values if s not in allowed]
        if bad:
            note(f"url.unknown_{what}", values=", ".join(map(repr, bad)))
        return tuple(s for s in values if s in allowed)

    ev = data.events
    v = replace(v, event_types=members("type", [ev["event_type"]], "type"),
                statuses=members("status", [pd.Series(STATUSES)], "status"),
                actors=members("actor", [ev["actor1"], ev["actor2"], data.claims["claimant"]], "actor"),
                text=(_one(params, "q") or "")[:200])

    event = _one(params, "event")
    if event:
        if (ev["event_id"] == event).any():
            v = replace(v, event=event)
        else:
            note("url.bad_event", event=repr(event))

    lat, lon, z = _one(params, "lat"), _one(params, "lon"), _one(params, "z")
    if lat or lon or z:
        try:
            la, lo, zz = float(lat or "x"), float(lon or "x"), int(z or "x")
            if not (math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180
                    and 1 <= zz <= 18):
                raise ValueError
            v = replace(v, lat=la, lon=lo, zoom=zz)
        except ValueError:
            note("url.bad_view", lat=repr(lat), lon=repr(lon), z=repr(z))

    basemap = _one(params, "map")
    if basemap:
        if basemap in basemaps:
            v = replace(v, basemap=basemap)
        else:
            note("url.bad_map", map=repr(basemap))

    lang = _one(params, "lang")
    if lang:
        if lang in LANGUAGES:
            v = replace(v, lang=lang)
        else:
            note("url.bad_lang", value=repr(lang))

    story, step = _one(params, "story"), _one(params, "step")
    if story:
        n = (stories or {}).get(story)
        if not n:
            note("url.bad_story", story=repr(story))
        else:
            s = 1
            if step:
                try:
                    s = int(step)
                    if not 1 <= s <= n:
                        raise ValueError
                except ValueError:
                    note("url.bad_step", step=repr(step), story=repr(story), n=n)
                    s = 1
            v = replace(v, story=story, step=s)

    v = replace(v, present=_one(params, "present") in ("1", "true", "yes"))
    return v, [t(key, v.lang, **values) for key, values in found]
