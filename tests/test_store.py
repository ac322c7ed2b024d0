"""The store, both backends (the ``store`` fixture runs each test on the CSV directory and on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from conflictmap.load import load_dataset
from conflictmap.store import CsvStore, EditConflict, InvalidRow, NotFound, StillReferenced, StoreError
from tests.conftest import REPO, copy_seed_tables, database_url_for_tests, empty_test_database

SOHR = "c-ain-issa-ied-sohr"
SOURCE = "aawsat-2018-06-roundup"


def denial(claim_id: str, event_id: str, **kw) -> dict:
    """A claim of our own: a denial, in Arabic and English."""
    return {"claim_id": claim_id, "event_id": event_id, "claimant": "Test Defence Ministry",
            "claimant_ar": "وزارة الدفاع التجريبية", "claimant_kind": "government", "stance": "denies",
            "quote_ar": "لم يقع أي هجوم في هذه المنطقة", "quote_en": "No attack took place in this area.",
            "channel": "statement", "claim_date": "2018-06-05", "claim_date_precision": "day",
            "source_id": SOURCE, **kw}


def single_source_event(store) -> str:
    events = store.read().events
    return str(events.loc[events["status"] == "single_source", "event_id"].iloc[0])


def status_of(store, event_id: str) -> str:
    events = store.read().events
    return str(events.set_index("event_id").at[event_id, "status"])


# --- create, update, delete, history ---------------------------------------------------------------

def test_update_is_read_back_and_recorded(store):
    before = store.get("claims", SOHR)
    change = store.update("claims", SOHR, {"quote_en": "A bomb went off on the road."}, before.revision,
                          who="editor-a", reason="shorter translation")
    after = store.get("claims", SOHR)
    assert after.values["quote_en"] == "A bomb went off on the road."
    assert after.revision == before.revision + 1 == change.revision
    assert after.values["quote_ar"] == before.values["quote_ar"]  # the other columns are kept
    claims = store.read().claims.set_index("claim_id")
    assert claims.at[SOHR, "quote_en"] == "A bomb went off on the road."
    [recorded] = store.history(table="claims", row_id=SOHR)
    assert (recorded.who, recorded.op, recorded.reason) == ("editor-a", "update", "shorter translation")
    assert recorded.old["quote_en"] == before.values["quote_en"]
    assert recorded.new["quote_en"] == "A bomb went off on the road."
    when = dt.datetime.fromisoformat(recorded.at.replace("Z", "+00:00"))
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=5)


def test_a_new_denial_makes_the_event_contested_and_deleting_it_undoes_that(store):
    event_id = single_source_event(store)
    created = store.create("claims", denial("c-test-denial", event_id), who="editor-a")
    assert created.op == "create" and created.old is None
    assert status_of(store, event_id) == "contested"
    ledger = store.read().claims
    assert ledger.set_index("claim_id").at["c-test-denial", "quote_ar"] == "لم يقع أي هجوم في هذه المنطقة"
    store.delete("claims", "c-test-denial", created.revision, who="editor-b", reason="duplicate")
    assert store.get("claims", "c-test-denial") is None
    assert status_of(store, event_id) == "single_source"
    ops = [(c.op, c.who) for c in store.history(event_id=event_id)]
    assert ops == [("create", "editor-a"), ("delete", "editor-b")]


def test_create_over_an_existing_id_is_a_conflict(store):
    with pytest.raises(EditConflict) as info:
        store.create("claims", denial(SOHR, "ain-issa-ied"))
    assert "already exists" in str(info.value)
    assert info.value.current["claimant"] == "Syrian Observatory for Human Rights (SOHR)"


def test_every_table_can_be_written(store):
    store.create("sources", {"source_id": "s-test", "outlet": "Test Wire", "title": "عنوان", "language": "ar",
                             "published": "2024-12-09", "published_precision": "day"})
    store.create("places", {"place_id": "p-test", "name_en": "Testville", "name_ar": "بلدة الاختبار", "kind": "town",
                            "lat": "35.5", "lon": "38.25", "coord_source": "test", "coord_precision_m": "1000"})
    store.create("events", {"event_id": "e-test", "date_start": "2024-12-09", "date_end": "2024-12-09",
                            "date_precision": "day", "title_en": "Test clash", "event_type": "Battles",
                            "sub_event_type": "Armed clash", "place_ids": "p-test", "place_relation": "at",
                            "geo_precision": "1", "source_id": "s-test"})
    store.create("claims", denial("c-e-test", "e-test", source_id="s-test"))
    store.create("stories", {"story_id": "st-test", "title_en": "A test story"})
    store.create("story_steps", {"story_id": "st-test", "step": "1", "event_id": "e-test", "caption_en": "Here."})
    data = store.read()
    assert not data.errors
    event = data.events.set_index("event_id").loc["e-test"]
    assert (event["lat"], event["lon"], event["status"]) == (35.5, 38.25, "denied")
    assert list(data.story_steps["story_id"]).count("st-test") == 1
    step = store.get("story_steps", "st-test/1")
    assert step is not None and step.values["caption_en"] == "Here."


# --- validation: the loader's rules, before anything is written -----------------------------------

def test_invalid_values_are_refused_at_the_column_and_nothing_is_written(store):
    rev = store.get("claims", SOHR).revision
    before = store.rows("claims")
    with pytest.raises(InvalidRow) as info:
        store.update("claims", SOHR, {"stance": "maybe", "claim_date": "3 June"}, rev)
    columns = {i.column: i.value for i in info.value.issues}
    assert columns == {"stance": "maybe", "claim_date": "3 June"}
    with pytest.raises(InvalidRow) as info:
        store.create("claims", denial("c-orphan", "no-such-event"))
    assert [(i.column, i.message) for i in info.value.issues] == [("event_id", "no such event")]
    with pytest.raises(InvalidRow) as info:
        store.update("events", "ain-issa-ied", {"place_ids": "ain-issa;atlantis"},
                     store.get("events", "ain-issa-ied").revision)
    assert "atlantis" in info.value.issues[0].message
    with pytest.raises(InvalidRow) as info:
        store.update("events", "ain-issa-ied", {"sub_event_type": "Peaceful protest"},
                     store.get("events", "ain-issa-ied").revision)
    assert info.value.issues[0].column == "sub_event_type"
    assert store.rows("claims") == before
    assert store.history() == [c for c in store.history() if c.op == "load"]


def test_deleting_an_event_with_claims_is_refused_and_names_them(store):
    rev = store.get("events", "ain-issa-ied").revision
    with pytest.raises(StillReferenced) as info:
        store.delete("events", "ain-issa-ied", rev)
    assert ("claims", SOHR) in info.value.referrers
    with pytest.raises(StillReferenced) as info:
        store.delete("places", "brigade-93", store.get("places", "brigade-93").revision)
    assert ("events", "ain-issa-ied") in info.value.referrers
    assert store.get("events", "ain-issa-ied") is not None


def test_unknown_rows_and_changes_are_reported(store):
    with pytest.raises(NotFound):
        store.update("claims", "no-such-claim", {"quote_en": "x"}, 0)
    with pytest.raises(NotFound):
        store.revert(999_999)
    with pytest.raises(NotFound):
        store.get("nonsense", "x")


# --- two editors -------------------------------------------------------------------------------------

def test_a_stale_save_is_refused_with_who_when_and_both_values(store):
    seen = store.get("claims", SOHR)  # both editors open the same revision
    store.update("claims", SOHR, {"quote_en": "Editor A's wording."}, seen.revision, who="editor-a",
                 reason="tighter")
    with pytest.raises(EditConflict) as info:
        store.update("claims", SOHR, {"quote_en": "Editor B's wording.", "channel": "to Reuters"}, seen.revision,
                     who="editor-b")
    err = info.value
    assert err.last_change.who == "editor-a" and err.last_change.reason == "tighter"
    assert err.your_revision == seen.revision and err.current_revision == seen.revision + 1
    assert ("quote_en", "Editor B's wording.", "Editor A's wording.") in err.differences
    assert ("channel", "to Reuters", seen.values["channel"]) in err.differences
    assert "editor-a" in str(err) and "Editor B's wording." in str(err)
    assert store.get("claims", SOHR).values["quote_en"] == "Editor A's wording."  # nothing overwritten
    assert [c.who for c in store.history(table="claims")] == ["editor-a"]


def test_saving_a_row_someone_deleted_is_a_conflict(store):
    event_id = single_source_event(store)
    created = store.create("claims", denial("c-test-denial", event_id))
    store.delete("claims", "c-test-denial", created.revision, who="editor-a")
    with pytest.raises(EditConflict) as info:
        store.update("claims", "c-test-denial", {"quote_en": "Edited."}, created.revision, who="editor-b")
    assert info.value.current is None and "deleted" in str(info.value) and "editor-a" in str(info.value)


# --- revert ------------------------------------------------------------------------------------------

def test_revert_is_a_new_change_for_each_kind_of_change(store):
    event_id = single_source_event(store)
    original = store.get("claims", SOHR).values
    edit = store.update("claims", SOHR, {"quote_en": "Changed."}, store.get("claims", SOHR).revision)
    undo_edit = store.revert(edit.change_id, who="editor-b")
    assert store.get("claims", SOHR).values == original
    assert (undo_edit.reverts, undo_edit.op, undo_edit.who) == (edit.change_id, "update", "editor-b")

    created = store.create("claims", denial("c-test-denial", event_id))
    store.revert(created.change_id)
    assert store.get("claims", "c-test-denial") is None and status_of(store, event_id) == "single_source"

    hajin = "c-hajin-clashes-sohr"  # no story step points at it
    kept = store.get("claims", hajin).values
    deleted = store.delete("claims", hajin, store.get("claims", hajin).revision)
    assert status_of(store, "hajin-clashes") == "no_claims"
    store.revert(deleted.change_id)
    assert store.get("claims", hajin).values == kept
    assert status_of(store, "hajin-clashes") == "single_source"

    ops = [(c.op, c.reverts) for c in store.history() if c.op != "load"]
    assert ops == [("update", None), ("update", edit.change_id), ("create", None), ("delete", created.change_id),
                   ("delete", None), ("create", deleted.change_id)]


def test_revert_is_refused_when_the_row_changed_again(store):
    first = store.update("claims", SOHR, {"quote_en": "First."}, store.get("claims", SOHR).revision)
    store.update("claims", SOHR, {"quote_en": "Second."}, first.revision, who="editor-b")
    with pytest.raises(EditConflict) as info:
        store.revert(first.change_id)
    assert "changed again" in str(info.value) and "editor-b" in str(info.value)
    assert store.get("claims", SOHR).values["quote_en"] == "Second."


# --- history queries -----------------------------------------------------------------------------------

def test_an_events_history_holds_its_own_and_its_claims_changes_only(store):
    store.update("events", "ain-issa-ied", {"fatalities": "2"}, store.get("events", "ain-issa-ied").revision)
    store.update("claims", SOHR, {"quote_en": "Edited."}, store.get("claims", SOHR).revision)
    other = single_source_event(store)
    store.create("claims", denial("c-elsewhere", other))
    mine = store.history(event_id="ain-issa-ied")
    assert [(c.table, c.row_id) for c in mine] == [("events", "ain-issa-ied"), ("claims", SOHR)]
    assert store.history(since=dt.date.today() + dt.timedelta(days=1)) == []
    assert len(store.history(since=dt.date.today() - dt.timedelta(days=1))) >= 3


def test_refresh_patches_a_loaded_dataset_to_what_a_full_read_gives(store):
    data, version = store.read_versioned()
    event_id = single_source_event(store)
    store.create("claims", denial("c-test-denial", event_id))
    store.update("claims", SOHR, {"quote_en": "Edited."}, store.get("claims", SOHR).revision)
    store.update("events", "ain-issa-ied", {"title_en": "Renamed"}, store.get("events", "ain-issa-ied").revision)
    patched, new_version = store.refresh(data, version)
    full = store.read()
    assert new_version == store.last_change_id() > version
    cols = ["event_id", "title_en", "status", "lat", "lon", "date_start"]
    assert patched.events[cols].equals(full.events[cols])
    key = ["claim_id", "event_id", "stance", "quote_en"]
    assert (patched.claims[key].sort_values("claim_id").reset_index(drop=True)
            .equals(full.claims[key].sort_values("claim_id").reset_index(drop=True)))
    assert store.refresh(patched, new_version) == (patched, new_version)


# --- the CSV directory: files stay the files ----------------------------------------------------------

def test_csv_edit_and_revert_leave_every_file_byte_identical(tmp_path):
    data = copy_seed_tables(tmp_path / "data")
    store = CsvStore(data)
    change = store.update("claims", SOHR, {"quote_ar": "نص معدّل"}, 0, who="editor-a")
    assert (data / "claims.csv").read_bytes() != (REPO / "claims.csv").read_bytes()
    assert (data / "events.csv").stat().st_mtime_ns == (data / "events.csv").stat().st_mtime_ns
    store.revert(change.change_id)
    for rel in ("events.csv", "claims.csv", "sources.csv", "geodata/places.csv", "stories.csv", "story_steps.csv"):
        assert (data / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    lines = (data / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["change_id"] for line in lines] == [1, 2]
    assert json.loads(lines[0])["new"]["quote_ar"] == "نص معدّل"


def test_csv_revisions_survive_losing_their_cache(tmp_path):
    data = copy_seed_tables(tmp_path / "data")
    store = CsvStore(data)
    store.update("claims", SOHR, {"quote_en": "One."}, 0)
    (data / ".conflictmap" / "revisions.json").unlink()
    assert CsvStore(data).get("claims", SOHR).revision == 1
    with pytest.raises(EditConflict):
        CsvStore(data).update("claims", SOHR, {"quote_en": "Stale."}, 0)


def test_csv_store_needs_a_data_directory(tmp_path):
    with pytest.raises(StoreError):
        CsvStore(tmp_path)


# --- PostgreSQL: db load, export, db dump --------------------------------------------------------------

def cli(*args, env_url: str | None = None, cwd=REPO):
    import os

    env = {k: v for k, v in os.environ.items() if k != "CONFLICTMAP_DATABASE_URL"}
    if env_url:
        env["CONFLICTMAP_DATABASE_URL"] = env_url
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=300)


@pytest.fixture
def database():
    url = database_url_for_tests()
    empty_test_database(url)
    return url


def test_db_load_then_export_gives_the_geojson_of_the_csv_files(database, tmp_path):
    r = cli("db", "load", "--data", str(REPO), env_url=database)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "21 events" in r.stdout or "events" in r.stdout
    from_db, from_csv = tmp_path / "db.geojson", tmp_path / "csv.geojson"
    assert cli("export", "geojson", "--out", str(from_db), env_url=database).returncode == 0
    assert cli("export", "geojson", "--out", str(from_csv)).returncode == 0
    assert from_db.read_bytes() == from_csv.read_bytes()
    assert len(json.loads(from_db.read_text(encoding="utf-8"))["features"]) == len(load_dataset(REPO).events)


def test_db_dump_gives_back_the_repository_files_byte_for_byte(database, tmp_path):
    assert cli("db", "load", "--data", str(REPO), env_url=database).returncode == 0
    out = tmp_path / "dump"
    r = cli("db", "dump", "--out", str(out), env_url=database)
    assert r.returncode == 0, r.stderr
    for rel in ("events.csv", "claims.csv", "sources.csv", "geodata/places.csv", "stories.csv", "story_steps.csv"):
        assert (out / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    dumped, original = load_dataset(out), load_dataset(REPO)
    assert dumped.events.drop(columns="place_list").equals(original.events.drop(columns="place_list"))
    assert dumped.claims.equals(original.claims)


def test_db_load_with_a_bad_row_loads_nothing_and_reports_the_row(database, tmp_path):
    data = copy_seed_tables(tmp_path / "data")
    text = (data / "claims.csv").read_text(encoding="utf-8")
    (data / "claims.csv").write_text(text.replace(",asserts,", ",maybe,", 1), encoding="utf-8")
    r = cli("db", "load", "--data", str(data), env_url=database)
    assert r.returncode == 1
    assert "claims.csv, row 2, column stance: 'maybe'" in r.stdout and "nothing was loaded" in r.stdout
    from conflictmap.store.postgres import PostgresStore

    with PostgresStore(database) as store:
        assert store.count("events") == 0 and store.count("claims") == 0


def test_db_load_refuses_to_load_over_rows_without_replace(database):
    assert cli("db", "load", "--data", str(REPO), env_url=database).returncode == 0
    r = cli("db", "load", "--data", str(REPO), env_url=database)
    assert r.returncode == 2 and "--replace" in r.stderr
    r = cli("db", "load", "--data", str(REPO), "--replace", env_url=database)
    assert r.returncode == 0, r.stderr
    from conflictmap.store.postgres import PostgresStore

    with PostgresStore(database) as store:
        assert store.count("events") == len(load_dataset(REPO).events)


def test_history_and_revert_commands(database, tmp_path):
    from conflictmap.store.postgres import PostgresStore

    with PostgresStore(database) as store:
        store.load_dir(REPO)
        change = store.update("claims", SOHR, {"quote_en": "Edited in the database."}, 0, who="editor-a")
    r = cli("history", "--event", "ain-issa-ied", env_url=database)
    assert r.returncode == 0 and f"#{change.change_id}" in r.stdout and "editor-a" in r.stdout
    r = cli("history", "--json", "--since", dt.date.today().isoformat(), env_url=database)
    assert [c["change_id"] for c in json.loads(r.stdout) if c["op"] == "update"] == [change.change_id]
    r = cli("revert", str(change.change_id), "--reason", "test", env_url=database)
    assert r.returncode == 0, r.stderr
    r = cli("revert", str(change.change_id), env_url=database)
    assert r.returncode == 1 and "changed again" in r.stderr
    with PostgresStore(database) as store:
        assert store.get("claims", SOHR).values["quote_en"].startswith("A roadside bomb")


def test_history_command_on_a_csv_directory(tmp_path):
    data = copy_seed_tables(tmp_path / "data")
    CsvStore(data).update("claims", SOHR, {"channel": "to Reuters"}, 0, who="editor-a", reason="checked")
    r = cli("history", "--data", str(data))
    assert r.returncode == 0 and "channel: 'to AFP' -> 'to Reuters'" in r.stdout and "[checked]" in r.stdout


def test_database_tables_follow_the_schema_and_migrations_run_once(database):
    import sqlalchemy as sa

    from conflictmap import schema
    from conflictmap.store.postgres import MIGRATIONS, PostgresStore

    with PostgresStore(database) as first, PostgresStore(database) as second:
        assert first.version == second.version == MIGRATIONS[-1][0]
        with second.engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version FROM schema_version")).scalars().all()
            inspector = sa.inspect(conn)
            for name, table in schema.TABLES.items():
                columns = [c["name"] for c in inspector.get_columns(name)]
                assert columns[:len(table.column_names)] == table.column_names
            fks = {(fk["constrained_columns"][0], fk["referred_table"]) for fk in inspector.get_foreign_keys("claims")}
            indexes = {i["name"] for i in inspector.get_indexes("events")}
    assert versions == [m[0] for m in MIGRATIONS]
    assert fks == {("event_id", "events"), ("source_id", "sources")}
    assert {"events_date_start", "events_place_ids"} <= indexes


def test_the_database_refuses_a_dangling_reference_even_past_the_code(database):
    """The foreign keys hold when someone writes with SQL directly."""
    import sqlalchemy as sa

    from conflictmap.store.postgres import PostgresStore

    with PostgresStore(database) as store:
        store.load_dir(REPO)
        with pytest.raises(sa.exc.IntegrityError), store.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM events WHERE event_id = 'ain-issa-ied'"))


def test_open_store_follows_the_database_variable(tmp_path, monkeypatch):
    from conflictmap.store import open_store

    data = copy_seed_tables(tmp_path / "data")
    monkeypatch.delenv("CONFLICTMAP_DATABASE_URL", raising=False)
    monkeypatch.setenv("CONFLICTMAP_DATA", str(data))
    with open_store() as csv_store:
        assert isinstance(csv_store, CsvStore) and csv_store.dir == data
    url = database_url_for_tests()
    empty_test_database(url)
    monkeypatch.setenv("CONFLICTMAP_DATABASE_URL", url)
    with open_store() as db_store:
        assert db_store.kind == "postgresql"
        db_store.load_dir(data)
        assert len(db_store.read().events) == len(load_dataset(data).events)
    with open_store(data) as explicit:  # a directory named explicitly wins
        assert isinstance(explicit, CsvStore)
