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
