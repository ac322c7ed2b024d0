"""Render the map to HTML and inspect it, as folium's own tests do."""


import re

import pytest

from conflictmap.geo import outside_bounds
from conflictmap.load import load_dataset
from conflictmap.maplayers import (
    TITLE_LIMIT,
    base_map,
    event_layers,
    halo_radius_m,
    layer_data,
    standalone_map,
)
from conflictmap.text import escape
from tests.conftest import PAYLOAD, PAYLOADS, claim, event, layer_payload, place, source


def render(events, places):
    return standalone_map(events, places).get_root().render()


def payload_data(make_data):
    text_cols = dict(title_en=PAYLOAD, title_ar=PAYLOAD, summary_en=PAYLOAD, summary_ar=PAYLOAD, actor1=PAYLOAD,
                     actor2=PAYLOAD, location_note=PAYLOAD, notes=PAYLOAD)
    return load_dataset(make_data(
        events=[event("x1", "2018-06-03", **text_cols)],
        claims=[claim("c1", "x1", PAYLOAD, "asserts", quote_ar=PAYLOAD, quote_en=PAYLOAD, spokesperson=PAYLOAD,
                      channel=PAYLOAD, claimant_ar=PAYLOAD, notes=PAYLOAD)],
        sources=[source(title=PAYLOAD, outlet=PAYLOAD, notes=PAYLOAD)],
        places=[place("a", 36.0, 38.0, name_en=PAYLOAD, name_ar=PAYLOAD, notes=PAYLOAD)],
    ))


def test_injected_text_is_inert_in_the_map_html(make_data):
    data = payload_data(make_data)
    html = render(data.events, data.places)
    for raw in PAYLOADS:
        assert raw not in html
    assert "<img src=x" not in html and "${window" not in html and "`+(window" not in html
    assert "</script><script>window.__pwned" not in html
    # ... and still there, escaped, so a user reads it as text: the tooltip gets HTML-escaped text.
    payload = layer_payload(html)[1]
    assert payload["title"] == [escape(PAYLOAD)]
    assert "&lt;img src=x onerror=" in payload["title"][0] and "&#36;{window" in payload["title"][0]


def test_one_marker_per_mapped_event_in_the_layer(seed):
    data = layer_data(seed.events, seed.places)
    mapped = seed.events["lat"].notna().sum()
    assert len(data["id"]) == len(data["lat"]) == mapped > 10
    assert set(data["id"]) == set(seed.events.loc[seed.events["lat"].notna(), "event_id"])


def test_between_event_is_a_line_and_imprecise_places_get_a_halo(seed):
    data = layer_data(seed.events, seed.places)
    i = data["id"].index("ain-issa-ied")
    assert data["r"][i] == 2 and len(data["p"][i]) == 2          # "between": a dashed line
    assert data["h"][i] > 0  # the Brigade 93 coordinate is inferred, several km
    j = data["id"].index("assad-evacuation-flight")
    assert data["r"][j] == 3 and data["p"][j][-1][0] > 50       # a route that ends in Moscow
    k = data["id"].index("mayadin-explosion")
    assert k not in data["p"]                                     # single place: no path sent


def test_halo_follows_the_loosest_precision(make_data):
    data = load_dataset(make_data(
        events=[event("p", "2018-06-03"), event("r", "2018-06-03", geo_precision=3)],
        places=[place("a", 36.0, 38.0, coord_precision_m=200)]))
    assert halo_radius_m(data.events).tolist() == [0, 40000]


def test_base_map_is_identical_on_every_run():
    # streamlit-folium keys the map on its script: a difference would reset the user's view.
    from streamlit_folium import generate_leaflet_string
    a = generate_leaflet_string(base_map("offline"))
    b = generate_leaflet_string(base_map("offline"))
    assert a == b


def test_selected_event_is_marked(seed):
    m = base_map()
    event_layers(seed.events, seed.places, selected_id="ain-issa-ied").add_to(m)
    assert '"selected":"ain-issa-ied"' in m.get_root().render()
    m = base_map()
    event_layers(seed.events, seed.places).add_to(m)
    assert '"selected":null' in m.get_root().render()


def test_online_basemaps_carry_attribution():
    html = base_map("osm").get_root().render()
    assert "OpenStreetMap" in html and "tile.openstreetmap.org" in html
    html = base_map("offline").get_root().render()
    assert "tile.openstreetmap.org" not in html and "countries.geojson" in html


def test_legend_lists_every_status():
    html = base_map().get_root().render()
    for label in ("Contested", "Corroborated", "Single source", "Denied", "Unverified"):
        assert label in html


def test_moscow_is_reported_outside_the_frame(seed):
    off = outside_bounds(seed.events)
    assert "kremlin-asylum" in set(off["event_id"]) or any("moscow" in p for p in off["place_list"].sum())


def test_layer_payload_is_valid_json(seed):
    html = render(seed.events, seed.places)
    layer = layer_payload(html)
    assert layer, "event data not found in the map script"
    payload = layer[1]
    # The export leaves the three country-level seed events off the map (geo.country_only, issue 15).
    assert len(payload["id"]) == seed.events["lat"].notna().sum() - 3


@pytest.mark.parametrize("basemap", ["offline", "osm", "carto", "satellite"])
def test_every_basemap_renders(basemap):
    assert "L.map" in base_map(basemap).get_root().render()


def many_events(make_data, n, *, spread=2.0):
    """n single-source events scattered over eastern Syria, with ACLED-style ids."""
    import numpy as np
    rng = np.random.default_rng(7)
    places = [place(f"p{i}", 35.0 + rng.uniform(-spread, spread), 39.5 + rng.uniform(-spread, spread))
              for i in range(200)]
    events = [event(f"SYR{100000 + i}", f"2018-{1 + i % 12:02d}-{1 + i % 28:02d}", place_ids=f"p{i % 200}")
              for i in range(n)]
    claims = [claim(f"c{i}", f"SYR{100000 + i}", "SOHR", "asserts") for i in range(0, n, 3)]
    return load_dataset(make_data(events=events, places=places, claims=claims))


def layer_json(fg) -> tuple[str, dict]:
    m = base_map()
    fg.add_to(m)
    return layer_payload(m.get_root().render())


def test_large_selection_is_aggregated_into_cells(make_data):
    from conflictmap.maplayers import POINT_LIMIT
    data = many_events(make_data, POINT_LIMIT + 500)
    kind, grid, _ = layer_json(event_layers(data.events, data.places))
    assert kind == "grid"
    assert sum(grid["n"]) == len(data.events)           # every event is counted in some cell
    assert len(grid["n"]) < len(data.events) / 10       # ... and far fewer shapes are drawn


@pytest.mark.parametrize("zoom", [6, 9])
def test_grid_cells_count_average_and_colour_like_a_plain_groupby(zoom):
    """The numpy grid against the obvious pandas version, on random points with missing coordinates and
    statuses outside the list: the same cells, counts, mean positions and most common status."""
    import numpy as np
    import pandas as pd

    from conflictmap.geo import cell_size_deg
    from conflictmap.maplayers import grid_data
    from conflictmap.schema import STATUSES

    rng = np.random.default_rng(zoom)
    n = 5000
    statuses = [*STATUSES, "not-a-status"]
    ev = pd.DataFrame({"lat": rng.normal(35.0, 1.0, n), "lon": rng.normal(39.0, 1.5, n),
                       "status": [statuses[k] for k in rng.integers(0, len(statuses), n)]})
    ev.loc[rng.choice(n, 40, replace=False), "lat"] = np.nan
    got = grid_data(ev, zoom)

    placed = ev.dropna(subset=["lat", "lon"]).copy()
    size = cell_size_deg(zoom)
    placed["cell"] = list(zip(np.floor(placed["lat"] / size), np.floor(placed["lon"] / size), strict=True))
    placed["code"] = [STATUSES.index(s) if s in STATUSES else STATUSES.index("no_claims") for s in placed["status"]]
    want = {}
    for _, g in placed.groupby("cell"):
        counts = g["code"].value_counts()
        top = min(c for c, k in counts.items() if k == counts.max())   # ties: the first in STATUSES
        want[(round(g["lat"].mean(), 4), round(g["lon"].mean(), 4))] = (len(g), top)
    cells = {(la, lo): (k, s) for la, lo, k, s in zip(got["lat"], got["lon"], got["n"], got["s"], strict=True)}
    assert len(got["n"]) == len(want) > 50
    assert cells == want
    assert sum(got["n"]) == n - 40


def test_zooming_in_shows_individual_events(make_data):
    from conflictmap.geo import in_view
    from conflictmap.maplayers import POINT_LIMIT
    data = many_events(make_data, POINT_LIMIT + 500)
    bounds = ((34.9, 39.4), (35.4, 39.9))
    kind, payload, _ = layer_json(event_layers(data.events, data.places, bounds=bounds, zoom=10))
    assert kind == "events"
    assert set(payload["id"]) == set(in_view(data.events, bounds)["event_id"])
    assert 0 < len(payload["id"]) < len(data.events)


def test_fit_all_covers_the_whole_selection_even_when_only_part_is_drawn(make_data):
    from conflictmap.maplayers import POINT_LIMIT
    data = many_events(make_data, POINT_LIMIT + 500)
    ev = data.events
    want = [[round(ev["lat"].min(), 4), round(ev["lon"].min(), 4)],
            [round(ev["lat"].max(), 4), round(ev["lon"].max(), 4)]]
    zoomed_in = ((34.9, 39.4), (35.4, 39.9))
    for bounds, zoom, kind in ((None, 6, "grid"), (zoomed_in, 10, "events")):
        got_kind, payload, _ = layer_json(event_layers(ev, data.places, bounds=bounds, zoom=zoom))
        assert got_kind == kind
        assert payload["fit"] == want       # not the part in view


def test_fit_all_reaches_moscow_and_is_off_with_nothing_shown(seed):
    _, payload, _ = layer_json(event_layers(seed.events, seed.places))
    _, (n, e) = payload["fit"]
    placed = seed.events[seed.events["lat"].notna()]
    assert e == round(placed["lon"].max(), 4) > 37.0        # Moscow's longitude: the route's end is inside
    assert n == round(placed["lat"].max(), 4) > 55.0
    _, empty, _ = layer_json(event_layers(seed.events.iloc[:0], seed.places))
    assert empty["fit"] is None                              # the button is disabled


def test_the_map_carries_its_view_buttons_from_constants():
    html = base_map().get_root().render()
    assert '"Syria"' in html and '"Fit all"' in html and "cmFitButton" in html   # from the catalogue (i18n)
    assert base_map().get_root().render() == html           # identical on every run: the view is kept
    arabic = base_map(lang="ar").get_root().render()
    assert '"\u0633\u0648\u0631\u064a\u0627"' in arabic or '"سوريا"' in arabic   # "Syria" in Arabic


def test_offline_basemap_names_towns_in_arabic_and_english():
    from conflictmap.maplayers.towns import syrian_towns
    towns = {t[0]: t for t in syrian_towns()}
    assert len(towns) > 50
    aleppo = towns["Aleppo"]
    assert aleppo[1] and re.search(r"[\u0600-\u06FF]", aleppo[1]) and aleppo[4] > 1_000_000
    html = base_map().get_root().render()
    assert "cm-towns" in html and "Aleppo" in html
    assert "cm-towns" not in base_map("osm").get_root().render()  # tiles have their own names


def test_every_explicit_move_differs_from_the_one_before_even_to_the_same_place():
    from itertools import pairwise

    from ui.mapglue import view_args
    sent = [view_args((36.37, 38.84), 10, moves) for moves in range(4)]
    assert all(a != b for a, b in pairwise(sent))                          # st_folium moves the map each time
    for (lat, lon), zoom in sent:                                          # ... to the place asked for
        assert abs(lat - 36.37) < 1e-6 and lon == 38.84 and round(zoom) == 10 and abs(zoom - 10) < 1e-6


@pytest.mark.parametrize("n", [TITLE_LIMIT + 1, 1000])
def test_bytes_per_event_drawn_stay_small(make_data, n):
    data = many_events(make_data, n)
    kind, payload, raw = layer_json(event_layers(data.events, data.places))
    assert kind == "events" and len(payload["id"]) == n
    assert "title" not in payload                        # details come from the server on click
    assert len(raw.encode("utf-8")) / n <= 60


def test_a_few_events_carry_their_titles_for_hover(make_data):
    data = many_events(make_data, TITLE_LIMIT)
    _, payload, _ = layer_json(event_layers(data.events, data.places))
    assert payload["title"] == [escape(t) for t in data.events["title_en"]]


def test_map_view_reads_st_folium_state():
    from ui.mapglue import map_view
    state = {"zoom": 9, "bounds": {"_southWest": {"lat": 34.0, "lng": 38.0}, "_northEast": {"lat": 36.0, "lng": 41.0}}}
    assert map_view(state) == (((34.0, 38.0), (36.0, 41.0)), 9)
    assert map_view({"zoom": 6, "bounds": {"_southWest": {"lat": None, "lng": None},
                                           "_northEast": {"lat": None, "lng": None}}}) is None
    assert map_view(None) is None


def test_export_and_app_leave_country_level_events_off_the_map_and_fan_out_the_rest(seed):
    from conflictmap.geo import country_only
    from conflictmap.maplayers import standalone_map
    from tests.conftest import layer_payload

    html = standalone_map(seed.events, seed.places).get_root().render()
    _, data, _ = layer_payload(html)
    only = set(seed.events.loc[country_only(seed.events, seed.places), "event_id"])
    assert only == {"army-collapse", "assad-planned-departure", "detainees-released"}
    assert not only & set(data["id"])
    # Everything else with a coordinate is drawn, and the export carries the same drawing code as the app
    # (the fan-out of events that share a spot included).
    placed = seed.events.loc[seed.events["lat"].notna(), "event_id"]
    assert sorted(data["id"]) == sorted(set(placed) - only)
    assert "function spread(group, items)" in html
    # A route that starts at "Syria" (a country) is drawn from its first precise place only: no path at all here.
    i = data["id"].index("assad-leaves-by-plane")
    assert str(i) not in data["p"]
