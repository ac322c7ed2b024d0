"""conflictmap.geocode.distances: geodesic distances between an event's places."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic

from conflictmap.geocode import event_place_distances, geodesic_km
from tests.conftest import place
from tests.geocode.helpers import gazetteer_rows, seed_rows


def test_event_place_distances_between_ain_issa_and_brigade_93():
    rows = seed_rows()
    [(a, b, km)] = event_place_distances(["ain-issa", "brigade-93"], rows)
    assert (a, b) == ("Ain Issa", "Brigade 93 base")
    assert km == pytest.approx(geodesic((36.3855, 38.86228), (36.354, 38.823)).km, abs=0.05)
    assert 3 < km < 7


def test_event_place_distances_route_gives_legs_and_missing_coordinates_give_none():
    rows = gazetteer_rows(place("a", 33.5, 36.3), place("b", 35.5, 35.8), place("c", 55.7, 37.6),
                          {"place_id": "d", "name_en": "Nowhere"})
    legs = event_place_distances(["a", "b", "c"], rows, relation="route")
    assert [(x.a, x.b) for x in legs] == [("A", "B"), ("B", "C")]
    pairs = event_place_distances(["a", "b", "c"], rows, relation="between")
    assert len(pairs) == 3
    assert event_place_distances(["a", "d"], rows)[0].km is None


@pytest.mark.parametrize("bad", [(91.0, 10.0), (10.0, 181.0), (float("nan"), 1.0), ("x", 1.0), (1.0,)])
def test_geodesic_km_rejects_invalid_coordinates_quoting_them(bad):
    with pytest.raises(ValueError, match="instead got"):
        geodesic_km(bad, (0.0, 0.0))


def test_event_place_distances_with_an_invalid_coordinate_names_the_places():
    rows = gazetteer_rows(place("a", 33.5, 36.3), place("b", 95.0, 35.8))
    with pytest.raises(ValueError, match=r"'a'–'b'.*95"):
        event_place_distances(["a", "b"], rows)
