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


def test_the_geocoding_save_is_one_store_change_per_place_in_the_history_and_revertible(monkeypatch, gap_data):
    import subprocess
    import sys

    from conflictmap.store import CsvStore

    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    at = places_page(monkeypatch, gap_data).run()
    at.button(key="gc_start").click().run()
    at.button(key="gc_save").click().run()  # Hajin and al-bab, both ticked
    assert not at.exception, [e.value for e in at.exception]
    changes = CsvStore(gap_data).history(table="places")
    assert sorted((c.op, c.row_id, c.who) for c in changes) == [("create", "al-bab", "local"),
                                                              ("update", "hajin", "local")]
    hajin = next(c for c in changes if c.row_id == "hajin")
    assert hajin.old["lat"] == "" and hajin.new["lat"] == "34.69508"
    assert hajin.new["coord_source"] and hajin.new["coord_precision_m"]  # where it came from and how precise
    env = {**__import__("os").environ, "CONFLICTMAP_DATA": str(gap_data)}
    run = [sys.executable, "-m", "conflictmap"]
    shown = subprocess.run([*run, "history", "--data", str(gap_data)], capture_output=True, text=True, env=env,
                           cwd=REPO, check=True).stdout
    assert f"#{hajin.change_id}" in shown and "update places hajin" in shown and "34.69508" in shown
    subprocess.run([*run, "revert", str(hajin.change_id), "--data", str(gap_data)], capture_output=True, text=True,
                   env=env, cwd=REPO, check=True)
    rows = {r["place_id"]: r for r in PlacesFile.read(gap_data / schema.PLACES.path).rows}
    assert rows["hajin"]["lat"] == "" and rows["al-bab"]["lat"]  # only the reverted change is undone


def test_the_geocoding_save_refuses_a_place_edited_since_the_lookup(monkeypatch, gap_data):
    from conflictmap.store import CsvStore
    from ui.edit_places import place_revisions, save_geocoded

    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    monkeypatch.setenv("CONFLICTMAP_DATA", str(gap_data))
    task = geocode.PlaceTask("hajin", ("Hajin", "هجين"), "SY", "Deir ez-Zor", 1)
    seen = place_revisions([task])  # when the lookup ran
    store = CsvStore(gap_data)
    store.update("places", "hajin", {"notes": "checked by hand meanwhile"}, seen["hajin"], who="someone else")
    found = geocode.Candidate("Hajin", 34.69508, 40.83, geocode.GEONAMES, "GeoNames 123 (test)", 2000)
    saved, refused = save_geocoded([task], {"hajin": found}, seen)
    assert saved == [] and len(refused) == 1
    assert "nothing was saved" in refused[0] and "someone else" in refused[0]
    assert store.get("places", "hajin").values["lat"] == ""  # the other person's edit stands, nothing overwritten
    assert store.get("places", "hajin").values["notes"] == "checked by hand meanwhile"


def test_the_geocoding_save_refuses_when_editing_is_off(monkeypatch, gap_data):
    from ui.edit_places import save_geocoded

    monkeypatch.setenv("CONFLICTMAP_EDIT", "off")
    saved, refused = save_geocoded([], {"hajin": object()}, {})
    assert saved == [] and refused == ["Editing is off: nothing was saved."]
