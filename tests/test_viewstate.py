"""Shareable links: the view round-trips through the URL, and bad parameters never crash."""

import datetime as dt

import pytest

from conflictmap.maplayers import BASEMAPS
from conflictmap.stories import story_lengths
from conflictmap.viewstate import ViewState, from_query, to_query


def parse(seed, **params):
    q = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return from_query(q, seed, basemaps=list(BASEMAPS), stories=story_lengths(seed))


def test_a_full_view_round_trips(seed):
    v = ViewState(date_from=dt.date(2018, 6, 1), date_to=dt.date(2018, 6, 30), statuses=("contested",),
                  event_types=("Explosions/Remote violence",), actors=("Syrian Democratic Forces (SDF)",),
                  text="عين عيسى", event="ain-issa-ied", lat=36.3, lon=38.9, zoom=10, basemap="osm", lang="ar",
                  story="ain-issa", step=3, present=True)
    q = to_query(v)
    back, notices = parse(seed, **q)
    assert notices == []
    assert back == v


def test_defaults_make_an_empty_query():
    assert to_query(ViewState()) == {}


@pytest.mark.parametrize("params, fragment", [
    ({"event": "no-such-event"}, "no such event"),
    ({"from": "2018-02-30"}, "not a date"),
    ({"from": "2019-01-01", "to": "2018-01-01"}, "ends before it starts"),
    ({"status": ["contested", "bogus"]}, "unknown status"),
    ({"lat": "999", "lon": "38", "z": "7"}, "out of range"),
    ({"lat": "nan", "lon": "38", "z": "7"}, "out of range"),
    ({"z": "<script>"}, "out of range"),
    ({"map": "javascript:alert(1)"}, "unknown basemap"),
    ({"story": "assad-exit", "step": "99"}, "has steps 1 to"),
    ({"story": "nope"}, "no such story"),
    ({"lang": "fr"}, "use en or ar"),
])
def test_bad_parameters_are_ignored_with_a_notice(seed, params, fragment):
    v, notices = parse(seed, **params, event_id_ok="x")
    assert any(fragment in n for n in notices), notices
    assert isinstance(v, ViewState)


def test_good_parts_survive_next_to_bad_ones(seed):
    v, notices = parse(seed, event="ain-issa-ied", status=["contested", "bogus"], z="abc")
    assert v.event == "ain-issa-ied" and v.statuses == ("contested",) and v.zoom is None
    assert len(notices) == 2


# --- property: every view the app can produce survives its own link -----------------------------------

from dataclasses import replace  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conflictmap.load import load_dataset  # noqa: E402
from conflictmap.schema import STATUSES  # noqa: E402
from tests.conftest import REPO  # noqa: E402

_SEED = load_dataset(REPO)
_STORIES = story_lengths(_SEED)
_ACTORS = sorted((set(_SEED.events["actor1"]) | set(_SEED.events["actor2"]) | set(_SEED.claims["claimant"])) - {""})


@st.composite
def views(draw):
    d1 = draw(st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)))
    d2 = draw(st.none() | st.dates(d1 or dt.date(2000, 1, 1), dt.date(2030, 12, 31)))
    place = draw(st.booleans())
    story = draw(st.none() | st.sampled_from(sorted(_STORIES)))
    return ViewState(
        date_from=d1, date_to=d2,
        event_types=tuple(draw(st.lists(st.sampled_from(sorted(set(_SEED.events["event_type"]))), unique=True))),
        statuses=tuple(draw(st.lists(st.sampled_from(STATUSES), unique=True))),
        actors=tuple(draw(st.lists(st.sampled_from(_ACTORS), unique=True, max_size=3))),
        text=draw(st.text(max_size=200)),
        event=draw(st.none() | st.sampled_from(list(_SEED.events["event_id"]))),
        lat=draw(st.floats(-90, 90)) if place else None,
        lon=draw(st.floats(-180, 180)) if place else None,
        zoom=draw(st.integers(1, 18)) if place else None,
        basemap=draw(st.none() | st.sampled_from(list(BASEMAPS))),
        lang=draw(st.sampled_from(["en", "ar"])),
        story=story, step=draw(st.integers(1, _STORIES[story])) if story else None,
        present=draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None)
@given(views())
def test_any_view_round_trips_through_its_link(v):
    q = {k: val if isinstance(val, list) else [val] for k, val in to_query(v).items()}
    back, notices = from_query(q, _SEED, basemaps=list(BASEMAPS), stories=_STORIES)
    assert notices == []
    v = replace(v, text=v.text.strip()[:200])  # the search ignores surrounding whitespace; links keep 200 chars
    if v.lat is not None:  # a link carries the centre to 4 decimals (about 11 m), by design
        v = replace(v, lat=float(f"{v.lat:.4f}"), lon=float(f"{v.lon:.4f}"))
    assert back == v
