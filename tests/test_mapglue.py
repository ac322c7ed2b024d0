"""The cheap map (ui.mapglue, issue 16): the same component arguments as st_folium, and caches that follow
their keys (an edit through the store, the language, the basemap, the filters, the picked event)."""

from __future__ import annotations

import pytest
import streamlit_folium

import ui.mapglue as mg
from conflictmap.geo import country_only, outside_bounds
from conflictmap.load import load_dataset
from conflictmap.maplayers import POINT_LIMIT, event_layers
from conflictmap.select import Filters, apply_filters
from conflictmap.store import CsvStore
from tests.conftest import copy_seed_tables
from tests.test_maplayers import many_events

RETURNED = ["last_active_drawing", "last_object_clicked", "center", "zoom", "bounds"]


@pytest.fixture
def captured(monkeypatch):
    """What reaches st_folium's component function (nothing is sent anywhere)."""
    calls = []
    monkeypatch.setattr(streamlit_folium, "_component_func", lambda **kw: calls.append(kw))
    return calls


def _args(kw: dict) -> dict:
    return {k: v for k, v in kw.items() if k != "on_change"}


def _both(captured, basemap, lang, scale, make_layer):
    streamlit_folium.st_folium(mg.app_base_map(basemap, legend_scale=scale, lang=lang),
                               feature_group_to_add=make_layer(), center=(35.0, 38.5), zoom=7, key="map",
                               height=560, use_container_width=True, returned_objects=RETURNED)
    mg.map_component(basemap, legend_scale=scale, lang=lang, feature_group=make_layer(),
                     center=(35.0, 38.5), zoom=7, key="map", height=560, returned_objects=RETURNED)
    theirs, ours = captured[-2:]
    return _args(theirs), _args(ours)


@pytest.mark.parametrize(("basemap", "lang", "scale"), [("offline", "en", 1.0), ("offline", "ar", 1.4),
                                                        ("osm", "en", 1.0)])
def test_the_component_gets_exactly_what_st_folium_would_send(captured, seed, basemap, lang, scale):
    story = [(36.2, 37.1), (35.9, 38.5), (36.5, 40.7)]
    theirs, ours = _both(captured, basemap, lang, scale, lambda: event_layers(
        seed.events, seed.places, selected_id=seed.events["event_id"].iloc[0], story_path=story))
    assert ours == theirs
    assert "cmDrawEvents" in ours["feature_group"] and "StoryPath" not in ours["script"]
    # Built twice from the cache: still identical (nothing in the cached base map was changed by a run).
    again = _both(captured, basemap, lang, scale, lambda: event_layers(seed.events, seed.places))
    assert again[1] == again[0]


def test_a_grid_layer_too(captured, make_data):
    data = many_events(make_data, POINT_LIMIT + 200)
    theirs, ours = _both(captured, "offline", "en", 1.0, lambda: event_layers(data.events, data.places, zoom=7))
    assert "cmDrawGrid" in ours["feature_group"]
    assert ours == theirs


def test_the_language_reaches_the_map_after_the_other_language_was_cached(captured, seed):
    layer = mg.feature_group_script(event_layers(seed.events, seed.places))
    for lang in ("en", "ar", "en"):
        mg.map_component("offline", legend_scale=1.0, lang=lang, feature_group=layer,
                         center=None, zoom=None, key="map", height=560, returned_objects=RETURNED)
    en, ar, en2 = (c["html"] + c["script"] for c in captured)
    assert 'dir="rtl"' in ar and 'dir="rtl"' not in en
    assert en2 == en and ar != en
    mg.map_component("osm", legend_scale=1.0, lang="en", feature_group=layer, center=None,
                     zoom=None, key="map", height=560, returned_objects=RETURNED)
    assert "tile.openstreetmap.org" in captured[-1]["script"] and "tile.openstreetmap.org" not in en


def _page_layer(data, filters, selected=None) -> str:
    """What pages/map.py does: the map's selection and the layer's script, through the caches."""
    sel = mg.map_selection(data, filters, apply_filters(data, filters))
    script, _ = mg.map_layer(data, (filters, selected, None, None, None),
                             lambda: (event_layers(sel.mapped, data.places, selected_id=selected), 0))
    return script


def test_an_edit_through_the_store_reaches_the_cached_layer(tmp_path):
    store = CsvStore(copy_seed_tables(tmp_path))
    data, version = store.read_versioned()
    everything = Filters()
    before = _page_layer(data, everything)
    assert "ain-issa-ied" in before
    row = store.get("events", "ain-issa-ied")
    store.update("events", "ain-issa-ied", {"title_en": "Renamed by this test"}, row.revision)
    edited, _ = store.refresh(data, version)
    after = _page_layer(edited, everything)
    # Up to TITLE_LIMIT events the layer carries titles: a cache that ignored the dataset hands back the old one.
    assert "Renamed by this test" in after and "Renamed by this test" not in before
    assert _page_layer(data, everything) == before  # the old dataset keeps its own (sessions still on it)
    fresh = mg.feature_group_script(event_layers(*_drawn(edited)))
    assert after == fresh


def _drawn(data):
    only = country_only(data.events, data.places)
    ev = data.events[data.events["lat"].notna() & ~only]
    return ev, data.places


def test_filters_and_the_picked_event_are_part_of_the_key(seed):
    days = sorted(seed.events["date_start"].dt.date.unique())
    everything, late = Filters(), Filters(date_from=days[len(days) // 2], date_to=days[-1])
    a, b = _page_layer(seed, everything), _page_layer(seed, late)
    assert a != b and b.count(",") < a.count(",")
    first = seed.events["event_id"].iloc[0]
    picked = _page_layer(seed, everything, selected=first)
    assert picked != a and f'"selected":"{first}"' in picked and f'"selected":"{first}"' not in a
    assert _page_layer(seed, everything) == a


def test_the_map_selection_is_what_the_page_computed_before_caching(seed):
    """imprecise / mapped / off the frame / unplaced, as pages/map.py computed them on every run."""
    for f in (Filters(), Filters(statuses=("contested",)), Filters(text="raqqa")):
        selection = apply_filters(seed, f)
        sel = mg.map_selection(seed, f, selection)
        imprecise = selection[country_only(selection, seed.places)]
        placed = selection["lat"].notna() & ~selection["event_id"].isin(imprecise["event_id"])
        mapped = selection[placed]
        assert list(sel.imprecise["event_id"]) == list(imprecise["event_id"])
        assert list(sel.mapped["event_id"]) == list(mapped["event_id"])
        assert sel.mapped["lat"].tolist() == mapped["lat"].tolist()
        assert list(sel.off_map["event_id"]) == list(outside_bounds(mapped)["event_id"])
        assert sel.unplaced == len(selection) - len(mapped) - len(imprecise)


def test_the_caches_are_bounded():
    cache = mg.LayerCache(size=3)
    for k in range(10):
        cache.get(k, lambda k=k: k * k)
    assert list(cache.items) == [7, 8, 9]
    assert cache.get(8, lambda: "rebuilt") == 64  # a hit is not rebuilt


def test_a_fresh_load_is_a_fresh_cache(tmp_path):
    data = load_dataset(copy_seed_tables(tmp_path))
    assert mg.layer_cache(data, "layer") is mg.layer_cache(data, "layer")
    assert mg.layer_cache(load_dataset(tmp_path), "layer") is not mg.layer_cache(data, "layer")


def test_sessions_asking_for_the_same_layer_at_once_build_it_once():
    import threading
    import time

    cache, builds, got = mg.LayerCache(), [], []

    def build():
        builds.append(1)
        time.sleep(0.2)
        return "script"

    threads = [threading.Thread(target=lambda: got.append(cache.get("same window", build))) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert got == ["script"] * 5 and len(builds) == 1
    assert cache.get("another window", lambda: "other") == "other"  # other keys were never blocked


def test_the_kept_selection_and_the_event_row_are_what_the_page_computed(seed):
    days = sorted(seed.events["date_start"].dt.date.unique())
    for f in (Filters(), Filters(date_from=days[3], date_to=days[-2]), Filters(statuses=("contested",))):
        assert mg.selected_events(seed, f).equals(apply_filters(seed, f))
        assert mg.selected_events(seed, f) is mg.selected_events(seed, f)  # kept
    for event_id in [*seed.events["event_id"], "no-such-event", None]:
        expected = seed.events[seed.events["event_id"] == event_id] if event_id else seed.events.iloc[:0]
        assert mg.event_row(seed, event_id).equals(expected)


def test_the_kept_ledger_panel_follows_the_event_language_role_and_an_edit(tmp_path):
    from conflictmap.render import event_panel_html

    store = CsvStore(copy_seed_tables(tmp_path))
    data, version = store.read_versioned()
    for args in [("ain-issa-ied", None, "en", False), ("ain-issa-ied", None, "ar", False),
                 ("ain-issa-ied", None, "en", True), ("sdf-takes-raqqa", None, "en", False)]:
        eid, hl, lang, editor = args
        assert mg.event_panel(data, eid, highlight_claim=hl, lang=lang, editor=editor) == event_panel_html(
            data, eid, highlight_claim=hl, lang=lang, editor=editor)
    before = mg.event_panel(data, "ain-issa-ied", highlight_claim=None, lang="en", editor=False)
    row = store.get("events", "ain-issa-ied")
    store.update("events", "ain-issa-ied", {"title_en": "Renamed for the panel"}, row.revision)
    edited, _ = store.refresh(data, version)
    after = mg.event_panel(edited, "ain-issa-ied", highlight_claim=None, lang="en", editor=False)
    assert "Renamed for the panel" in after and "Renamed for the panel" not in before
