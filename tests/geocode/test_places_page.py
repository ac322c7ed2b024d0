"""The Places page (pages/places.py): provenance, escaping, geocoding on demand and saving."""

from __future__ import annotations

import json

from conflictmap import geocode, schema
from conflictmap.geocode import PlacesFile
from tests.conftest import REPO, place


def places_page(monkeypatch, data_dir=None):
    from streamlit.testing.v1 import AppTest

    monkeypatch.delenv(geocode.GEOCODER_URL_ENV, raising=False)
    if data_dir is None:
        monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    else:
        monkeypatch.setenv("CONFLICTMAP_DATA", str(data_dir))
    return AppTest.from_file(str(REPO / "pages" / "places.py"), default_timeout=90)


def table_text(at) -> str:
    return "\n".join(df.value.to_csv() for df in at.dataframe)


def test_places_page_shows_provenance_map_and_distances(monkeypatch):
    at = places_page(monkeypatch).run()
    assert not at.exception, [e.value for e in at.exception]
    text = table_text(at)
    assert "GeoNames 172134" in text and "Wikipedia (airbase infobox)" in text  # provenance column
    assert "Ain Issa – Brigade 93 base: " in text and " km" in text
    [component] = at.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert "Hmeimim Air Base" in args["feature_group"]


def test_places_page_escapes_names_on_the_map(monkeypatch, make_data):
    from tests.conftest import PAYLOAD

    d = make_data(places=[place("a", 36.0, 38.0, name_en=PAYLOAD), place("b", 35.0, 40.0)])
    at = places_page(monkeypatch, d).run()
    assert not at.exception
    [component] = at.get("component_instance")
    fg = json.loads(component.proto.json_args)["feature_group"]
    assert "<img" not in fg and "${" not in fg and "`+(" not in fg


def test_places_page_geocodes_on_demand_and_saves(monkeypatch, gap_data):
    path = gap_data / schema.PLACES.path
    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")  # saving coordinates is an edit: someone at the machine
    at = places_page(monkeypatch, gap_data).run()
    assert not at.exception, [e.value for e in at.exception]
    assert path.read_bytes() == PlacesFile.read(path).original  # loading the page writes nothing
    at.button(key="gc_start").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert {c.key for c in at.checkbox} >= {"gc_ok_hajin", "gc_ok_al-bab"}
    at.checkbox(key="gc_ok_al-bab").uncheck().run()
    at.button(key="gc_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    rows = {r["place_id"]: r for r in PlacesFile.read(path).rows}
    assert rows["hajin"]["lat"] == "34.69508" and "chosen in the Places page" in rows["hajin"]["notes"]
    assert "al-bab" not in rows  # unticked: not saved
    assert any("Saved 1 coordinate" in s.value for s in at.success)
