"""apply: reviewed drafts into the ledger, with the article archived and every quote checkable against it.

Runs on the CSV directory and, when $CONFLICTMAP_TEST_DATABASE_URL is set, on PostgreSQL (the ``store``
fixture). The articles are the project's own test articles (tests/data/articles), never web text.
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conflictmap.extract import Extractor
from conflictmap.extract.apply import ApplyError, apply_drafts, slug
from conflictmap.extract.article import read_article
from conflictmap.load import load_dataset
from tests.conftest import REPO, copy_seed_tables

ARTICLES = REPO / "tests" / "data" / "articles"
EXPECT = json.loads((ARTICLES / "expectations.json").read_text(encoding="utf-8"))


def drafts_of(name: str, data_dir: Path) -> dict:
    meta = EXPECT[name]
    art = read_article(ARTICLES / name, meta["published"], outlet=meta["outlet"])
    return Extractor(data_dir).extract(art)


@pytest.fixture
def seed_dir(tmp_path):
    return copy_seed_tables(tmp_path / "data")


def test_second_report_adds_its_claims_to_the_matched_event_and_archives_the_article(store, seed_dir, tmp_path):
    doc = drafts_of("ain_issa_second_report_ar.txt", seed_dir)
    (d,) = [d for d in doc["events"] if d["match"] and d["match"]["event_id"] == "ain-issa-ied"]
    before = store.read()
    n_before = int((before.claims["event_id"] == "ain-issa-ied").sum())
    archive = tmp_path / "archive"

    result = apply_drafts(doc, store, archive_dir=archive, who="tester", reason="second report, reviewed")

    after = store.read()
    assert not after.errors
    assert len(after.events) == len(before.events)  # matched: no new event
    new = after.claims[after.claims["claim_id"].isin(result.ids("claims"))]
    assert set(new["event_id"]) == {"ain-issa-ied"}
    assert int((after.claims["event_id"] == "ain-issa-ied").sum()) == n_before + len(d["claims"])
    assert set(new["stance"]) == {c["stance"] for c in d["claims"]}  # no_comment and claims_responsibility kept

    # The archive is the text, unchanged; the source carries its hash, who added it and when.
    text = doc["article"]["text"]
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = archive / "sources" / f"{sha}.txt"
    assert path.read_bytes() == text.encode("utf-8")
    src = after.sources.set_index("source_id").loc[result.source_id]
    assert (src["sha256"], src["text_file"], src["added_by"]) == (sha, f"sources/{sha}.txt", "tester")
    assert src["added_at"].startswith(("20", "19")) and src["outlet"] == "Test Wire"

    # Every quote is exactly the archived text between its offsets.
    archived = path.read_text(encoding="utf-8")
    for _, c in new.iterrows():
        assert archived[int(c["quote_start"]):int(c["quote_end"])] == c["quote_ar"] != ""
        assert c["source_id"] == result.source_id

    # The history says who and why, for the source and each claim.
    hist = store.history(event_id="ain-issa-ied")
    mine = [h for h in hist if h.row_id in result.ids("claims")]
    assert len(mine) == len(d["claims"]) and {(h.who, h.reason, h.op) for h in mine} == {
        ("tester", "second report, reviewed", "create")}
    assert [h.who for h in store.history(table="sources")] == ["tester"]


def test_a_new_event_gets_new_places_with_their_provenance_and_background_waits_to_be_named(store, seed_dir, tmp_path):
    doc = drafts_of("baghouz_ar.txt", seed_dir)
    background = [d["draft_id"] for d in doc["events"] if d["background"]]
    assert background, "the Baghouz article recalls an earlier fact"
    before = store.read()

    result = apply_drafts(doc, store, archive_dir=tmp_path, who="tester")

    after = store.read()
    assert not after.errors
    assert {d for d, _ in result.skipped} == set(background)
    new_events = after.events[after.events["event_id"].isin(result.ids("events"))]
    assert len(new_events) == len(after.events) - len(before.events) == len(
        [d for d in doc["events"] if not d["background"] and d["match"] is None])
    places = after.places.set_index("place_id")
    added = places.loc[result.ids("places")]
    # الباغوز الفوقاني is not in the gazetteer: it becomes a place of its own, never merged with التحتاني.
    upper = added[added["name_ar"].str.contains("الفوقاني")]
    assert len(upper) == 1 and "baghouz-tahtani" not in result.ids("places")
    # The extractor could not locate it: no coordinate is guessed, and the notes say what to do.
    assert upper.iloc[0]["lat"] != upper.iloc[0]["lat"] and "no coordinate found" in upper.iloc[0]["notes"]
    upper_events = new_events[new_events["place_ids"].str.contains(upper.index[0])]
    tahtani_events = new_events[new_events["place_ids"].str.contains("baghouz-tahtani")]
    assert len(upper_events) and len(tahtani_events)
    assert set(upper_events["event_id"]).isdisjoint(tahtani_events["event_id"])

    # Named explicitly, the background draft is added too (same article: the source is reused).
    again = apply_drafts(doc, store, archive_dir=tmp_path, who="tester", only=background)
    assert again.source_existed and again.source_id == result.source_id
    assert again.ids("claims") and not again.ids("sources")


def test_a_place_located_in_review_keeps_where_its_coordinate_came_from(seed_dir, tmp_path):
    from conflictmap.store import CsvStore

    store = CsvStore(seed_dir)
    doc = drafts_of("baghouz_ar.txt", seed_dir)
    d = next(d for d in doc["events"] if d["places"] and d["places"][0]["place_id"] is None)
    d["places"][0].update(lat=34.4721, lon=40.9386, precision_m=2500, source="reviewer", name_en="Baghuz Fawqani")
    result = apply_drafts(doc, store, archive_dir=tmp_path, who="tester", only=[d["draft_id"]])
    (pid,) = result.ids("places")
    p = store.read().places.set_index("place_id").loc[pid]
    assert pid == "baghuz-fawqani" and p["name_ar"] == "الباغوز الفوقاني"
    assert (p["coord_source"], p["coord_precision_m"], bool(p["coord_inferred"])) == ("extract: reviewer", 2500, True)
    (eid,) = result.ids("events")
    e = store.read().events.set_index("event_id").loc[eid]
    assert e["place_ids"] == pid and e["source_id"] == result.source_id and "accepted by tester" in e["notes"]


def test_a_refused_row_part_way_leaves_nothing_written(seed_dir, tmp_path):
    from conflictmap.store import CsvStore

    store = CsvStore(seed_dir)
    doc = drafts_of("baghouz_ar.txt", seed_dir)
    new = [d for d in doc["events"] if not d["background"] and d["match"] is None]
    # The last draft ends before it starts: the column checks pass, the loader's cross-field rule refuses it,
    # after the source, places, earlier events and claims were written.
    new[-1]["date_end"] = "2001-01-01"
    files = {p: p.read_bytes() for p in seed_dir.rglob("*.csv")}

    with pytest.raises(ApplyError, match=r"refused.*reverted"):
        apply_drafts(doc, store, archive_dir=tmp_path, who="tester")

    for p, raw in files.items():  # every table as it was, byte for byte
        assert p.read_bytes() == raw, p
    assert not list((tmp_path / "sources").glob("*.txt"))  # the archive of a run that added nothing is gone
    ops = [h.op for h in store.history()]
    assert ops.count("create") == ops.count("delete") > 0  # the history keeps both, honestly


def test_a_quote_edited_in_review_must_still_be_verbatim_in_the_text(seed_dir, tmp_path):
    from conflictmap.store import CsvStore

    store = CsvStore(seed_dir)
    doc = drafts_of("ain_issa_second_report_ar.txt", seed_dir)
    text = doc["article"]["text"]
    d = next(d for d in doc["events"] if d["match"])
    c = d["claims"][0]
    shorter = c["quote"][: len(c["quote"]) // 2].strip()
    bad = copy.deepcopy(doc)
    next(x for x in bad["events"] if x["match"])["claims"][0]["quote"] = shorter + " كلمة ليست في النص"

    with pytest.raises(ApplyError, match="not in the article verbatim"):
        apply_drafts(bad, store, archive_dir=tmp_path, who="tester")
    assert store.history() == []

    c["quote"] = shorter  # cut shorter: its offsets are found again
    result = apply_drafts(doc, store, archive_dir=tmp_path, who="tester", only=[d["draft_id"]])
    claims = store.read().claims.set_index("claim_id").loc[result.ids("claims")]
    first = claims.iloc[0]
    assert first["quote_ar"] == shorter == text[int(first["quote_start"]):int(first["quote_end"])]


def test_a_text_that_does_not_match_its_hash_is_refused(seed_dir, tmp_path):
    from conflictmap.store import CsvStore

    doc = drafts_of("ain_issa_second_report_ar.txt", seed_dir)
    doc["article"]["text"] += " "
    with pytest.raises(ApplyError, match=r"does not match article\.sha256"):
        apply_drafts(doc, CsvStore(seed_dir), archive_dir=tmp_path, who="tester")


def test_ids_are_readable_and_never_collide(seed_dir, tmp_path):
    from conflictmap.store import CsvStore

    assert slug("Remote explosive/landmine/IED: Ain Issa") == "remote-explosive-landmine-ied-ain-issa"
    assert slug("Non-state actor overtakes territory", 20) == "non-state-actor"
    store = CsvStore(seed_dir)
    doc = drafts_of("ain_issa_2024_ar.txt", seed_dir)
    first = apply_drafts(doc, store, archive_dir=tmp_path, who="a")
    # The same drafts as another article (a copy with one more character): new ids, nothing overwritten.
    other = copy.deepcopy(doc)
    other["article"]["text"] += "\n"
    other["article"]["sha256"] = hashlib.sha256(other["article"]["text"].encode()).hexdigest()
    second = apply_drafts(other, store, archive_dir=tmp_path, who="b")
    assert set(first.ids("events")).isdisjoint(second.ids("events"))
    assert set(first.ids("claims")).isdisjoint(second.ids("claims"))
    assert all(e.endswith("-2024-06-03") or "-2024-" in e for e in first.ids("events"))
    assert not load_dataset(seed_dir).errors


def cli(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], capture_output=True, text=True,
                          encoding="utf-8", cwd=cwd, timeout=300)


def test_cli_extract_then_apply_with_dry_run_only_and_reason(seed_dir, tmp_path):
    drafts = tmp_path / "drafts.json"
    meta = EXPECT["ain_issa_second_report_ar.txt"]
    r = cli("extract", str(ARTICLES / "ain_issa_second_report_ar.txt"), "--published", meta["published"],
            "--outlet", meta["outlet"], "--data", str(seed_dir), "--out", str(drafts))
    assert r.returncode == 0, r.stderr
    doc = json.loads(drafts.read_text(encoding="utf-8"))
    matched = next(d["draft_id"] for d in doc["events"] if d["match"])
    files = {p: p.read_bytes() for p in seed_dir.rglob("*.csv")}

    r = cli("apply", str(drafts), "--data", str(seed_dir), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "dry run, nothing written" in r.stdout and "ain-issa-ied" in r.stdout
    assert all(p.read_bytes() == raw for p, raw in files.items()) and not (seed_dir / "sources").exists()

    r = cli("apply", str(drafts), "--data", str(seed_dir), "--only", matched, "--reason", "checked against AFP")
    assert r.returncode == 0, r.stderr
    assert "added: 0 event(s)" in r.stdout and "by cli:" in r.stdout
    r = cli("history", "--data", str(seed_dir), "--event", "ain-issa-ied")
    assert "cli:" in r.stdout and "[checked against AFP]" in r.stdout
    assert (seed_dir / "sources" / f"{doc['article']['sha256']}.txt").is_file()

    r = cli("apply", str(drafts), "--data", str(seed_dir), "--only", "d99")
    assert r.returncode == 1 and "no draft d99" in r.stderr
    r = cli("apply", str(tmp_path / "missing.json"), "--data", str(seed_dir))
    assert r.returncode == 2 and "missing.json" in r.stderr
    assert "Background drafts" in cli("apply", "--help").stdout


def test_migration_2_adds_the_archive_columns_to_a_database_made_before_them(tmp_path):
    import sqlalchemy as sa

    from conflictmap.store.postgres import PostgresStore, engine_url
    from tests.conftest import database_url_for_tests, empty_test_database

    url = database_url_for_tests()
    empty_test_database(url)
    PostgresStore(url).close()
    # Make it a database from before the archive: without the columns, at schema version 1.
    engine = sa.create_engine(engine_url(url))
    with engine.begin() as conn:
        for table, column in (("sources", "sha256"), ("sources", "added_by"), ("sources", "added_at"),
                              ("claims", "quote_start"), ("claims", "quote_end")):
            conn.execute(sa.text(f'ALTER TABLE "{table}" DROP COLUMN "{column}"'))
        conn.execute(sa.text("DELETE FROM schema_version WHERE version = 2"))
    engine.dispose()

    with PostgresStore(url) as store:
        assert store.version == 2
        data_dir = copy_seed_tables(tmp_path / "data")
        assert not store.load_dir(data_dir).errors
        doc = drafts_of("ain_issa_second_report_ar.txt", data_dir)
        result = apply_drafts(doc, store, archive_dir=tmp_path, who="tester")
        claims = store.read().claims.set_index("claim_id").loc[result.ids("claims")]
        assert (claims["quote_end"] > claims["quote_start"]).all()
