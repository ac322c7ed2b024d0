import datetime as dt

from conflictmap.load import load_dataset
from conflictmap.select import date_clusters, facets, select_events
from tests.conftest import claim, event


def ids(df):
    return sorted(df["event_id"])


def test_date_window_keeps_overlapping_events(make_data):
    data = load_dataset(make_data(events=[
        event("early", "2018-06-01"), event("long", "2018-05-01", date_end="2018-07-01"),
        event("late", "2024-12-08"),
    ]))
    assert ids(select_events(data, date_range=(dt.date(2018, 6, 10), dt.date(2018, 6, 20)))) == ["long"]
    assert ids(select_events(data, date_range=(dt.date(2018, 6, 1), dt.date(2018, 6, 1)))) == ["early", "long"]
    assert ids(select_events(data, date_range=(dt.date(2024, 1, 1), None))) == ["late"]
    assert ids(select_events(data)) == ["early", "late", "long"]


def test_type_status_and_actor_filters(make_data):
    data = load_dataset(make_data(
        events=[event("a", "2018-06-01", actor1="SDF"),
                event("b", "2018-06-02", event_type="Explosions/Remote violence",
                      sub_event_type="Remote explosive/landmine/IED")],
        claims=[claim("c1", "b", "SOHR", "asserts"), claim("c2", "b", "SDF", "denies")]))
    assert ids(select_events(data, event_types=["Battles"])) == ["a"]
    assert ids(select_events(data, statuses=["contested"])) == ["b"]
    assert ids(select_events(data, statuses=["no_claims"])) == ["a"]
    assert ids(select_events(data, actors=["SDF"])) == ["a", "b"]   # actor1 of a, a claimant of b
    assert ids(select_events(data, actors=["SOHR"])) == ["b"]


def test_text_search_matches_either_language_with_normalisation(make_data):
    data = load_dataset(make_data(
        events=[event("m", "2018-06-01", title_en="Explosion in Mayadin", title_ar="انفجار ضخم في مدينة الميادين"),
                event("h", "2018-06-02", title_en="Clashes", place_ids="b")],
        claims=[claim("c1", "h", "SOHR", "asserts", quote_ar="اشتباكات في أطراف بلدة هجين")]))
    assert ids(select_events(data, text="Mayadin")) == ["m"]
    assert ids(select_events(data, text="مدينه الميادين")) == ["m"]        # taa marbuta folded
    assert ids(select_events(data, text="اطراف")) == ["h"]                 # hamza on alef folded, quote searched
    assert ids(select_events(data, text="sohr")) == ["h"]                  # claimant searched, case folded
    assert ids(select_events(data, text="B")) == ["h"]                     # place name searched
    assert ids(select_events(data, text="Mayadin Clashes")) == []          # every word must match


def test_date_clusters_split_on_long_gaps(make_data):
    data = load_dataset(make_data(events=[event("a", "2018-06-01"), event("b", "2018-06-03"),
                                          event("c", "2024-12-08"), event("d", "2025-03-01")]))
    assert date_clusters(data.events) == [(dt.date(2018, 6, 1), dt.date(2018, 6, 3), 2),
                                          (dt.date(2024, 12, 8), dt.date(2025, 3, 1), 2)]


def test_date_clusters_bridge_a_gap_with_a_long_event():
    """A long event keeps its cluster open: the gap runs from the latest end so far, not the last start."""
    import itertools

    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(3)
    start = pd.Timestamp("2017-01-01") + pd.to_timedelta(np.sort(rng.integers(0, 3000, 400)), unit="D")
    end = start + pd.to_timedelta(rng.choice([0, 0, 0, 30, 400], 400), unit="D")
    events = pd.DataFrame({"date_start": start, "date_end": end}).sample(frac=1, random_state=1)
    clusters = date_clusters(events, gap_days=10)
    assert len(clusters) >= 3 and sum(n for _, _, n in clusters) == 400
    for (_, hi, _), (lo, _, _) in itertools.pairwise(clusters):
        assert (lo - hi).days > 10                                  # clusters are separated by real gaps
    for a, b, n in clusters:                                        # ... and each holds exactly its events
        inside = events[(events["date_start"].dt.date >= a) & (events["date_start"].dt.date <= b)]
        assert len(inside) == n and inside["date_end"].max().date() == b


def test_facets_offer_what_the_data_holds_and_are_computed_once(seed, make_data):
    from conflictmap.schema import STATUSES

    f = facets(seed)
    ev = seed.events
    assert f.first_day == ev["date_start"].min().date() and f.last_day == ev["date_end"].max().date()
    assert list(f.event_types) == sorted(set(ev["event_type"]))
    assert list(f.statuses) == [s for s in STATUSES if s in set(ev["status"])]
    assert list(f.actors) == sorted((set(ev["actor1"]) | set(ev["actor2"]) | set(seed.claims["claimant"])) - {""})
    assert "Syrian Observatory for Human Rights (SOHR)" in f.actors
    assert list(f.periods) == date_clusters(ev) and sum(n for *_, n in f.periods) == len(ev)
    assert facets(seed) is f                                 # cached on the dataset

    one_day = load_dataset(make_data(events=[event("a", "2018-06-03")]))
    assert facets(one_day).last_day > facets(one_day).first_day  # the date slider needs a range
