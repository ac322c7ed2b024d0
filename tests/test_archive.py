"""One resolver for a source's archived text: the article page's archive (<data>/sources/<sha256>.txt) first,
the seed archive as the fallback. The form's quote check, ``validate`` and the extraction benchmark all use it.

The article is this test's own text (never web text): a short made-up Arabic report.
"""

from __future__ import annotations

import csv
import io
from contextlib import redirect_stdout

from streamlit.testing.v1 import AppTest

from conflictmap.cli import main
from conflictmap.editing import ARCHIVE_DIR, archived_text, check_ledger_quotes, check_quote, find_archived_text
from conflictmap.extract.apply import ARCHIVE_DIR as APPLY_ARCHIVE_DIR
from conflictmap.extract.apply import archive_article
from conflictmap.load import load_dataset
from conflictmap.store import CsvStore
from tests.conftest import REPO, SEEDS, copy_seed_tables
from ui.edit import prefix

ARTICLE = ("مجلس بلدة تجريبية يعلن إعادة فتح الجسر\n"
           "قال رئيس المجلس المحلي في بيان صباح الثلاثاء إن «الجسر الشمالي أُعيد فتحه أمام المدنيين» "
           "بعد إصلاحه، فيما نفت جهة أخرى أن يكون الجسر قد أُغلق أصلًا.\n")
QUOTE = "الجسر الشمالي أُعيد فتحه أمام المدنيين"
NOT_IN_IT = "الجسر الجنوبي أُغلق"


def add_archived_source(data_dir, text=ARTICLE) -> str:
    """Archive ``text`` as the article page does and record a source pointing at it; returns the source id."""
    path, _ = archive_article(data_dir, text)
    sha = path.stem
    CsvStore(data_dir).create("sources", {
        "source_id": "test-council-2019-03-05", "outlet": "Test Council Bulletin", "title": "مجلس بلدة تجريبية",
        "language": "ar", "published": "2019-03-05", "published_precision": "day",
        "text_file": f"{ARCHIVE_DIR}/{sha}.txt", "sha256": sha, "added_by": "tester"}, who="tester")
    return "test-council-2019-03-05"


def test_the_archive_folder_is_the_one_the_article_page_writes():
    assert ARCHIVE_DIR == APPLY_ARCHIVE_DIR


def test_an_article_archived_in_the_data_folder_is_found_and_checked(tmp_path):
    data = copy_seed_tables(tmp_path / "data")
    sid = add_archived_source(data)
    src = CsvStore(data).get("sources", sid).values
    found = find_archived_text(src["text_file"], data, sha256=src["sha256"], seeds=tmp_path / "no-seeds")
    assert found is not None and found.parent == data / "sources"
    assert archived_text(src, data, seeds=tmp_path / "no-seeds") == ARTICLE
    assert check_quote(QUOTE, src["text_file"], data, sha256=src["sha256"]).ok is True
    refused = check_quote(NOT_IN_IT, src["text_file"], data, sha256=src["sha256"])
    assert refused.ok is False and "Not found" in refused.message
    # The same words without the hamza and the shadda-free spelling: not verbatim, and the message says why.
    respelled = check_quote(QUOTE.replace("أُعيد", "اعيد"), src["text_file"], data, sha256=src["sha256"])
    assert respelled.ok is False and "spells it differently" in respelled.message
    # A row whose text_file was left blank is still found by its sha256.
    assert find_archived_text("", data, sha256=src["sha256"]) == found


def test_the_seed_archive_is_the_fallback_and_a_path_never_leaves_the_data_folder(tmp_path, seed):
    data = copy_seed_tables(tmp_path / "data")
    seed_file = seed.sources.set_index("source_id").at["aawsat-2018-06-roundup", "text_file"]
    assert find_archived_text(seed_file, data, seeds=SEEDS) == SEEDS / seed_file
    assert find_archived_text(seed_file, data, seeds=tmp_path / "elsewhere") is None
    secret = tmp_path / "secret.txt"
    secret.write_text(QUOTE, encoding="utf-8")
    assert find_archived_text("../secret.txt", data, seeds=tmp_path / "no-seeds") is None
    assert find_archived_text(str(secret), data, seeds=tmp_path / "no-seeds") is None


def test_validate_warns_about_a_quote_that_is_not_in_the_archived_article(tmp_path):
    data = copy_seed_tables(tmp_path / "data")
    sid = add_archived_source(data)
    store = CsvStore(data)
    base = {"event_id": "ain-issa-ied", "claimant_kind": "government", "stance": "asserts", "claim_date": "2019-03-05",
            "claim_date_precision": "day", "source_id": sid}
    store.create("claims", {**base, "claim_id": "c-test-good", "claimant": "Test Council", "quote_ar": QUOTE})
    store.create("claims", {**base, "claim_id": "c-test-bad", "claimant": "Test Other", "quote_ar": NOT_IN_IT})
    loaded = load_dataset(data)
    issues = check_ledger_quotes(loaded.claims, loaded.sources, data, seeds=SEEDS)
    assert [(i.column, i.value, i.severity) for i in issues] == [("quote_ar", NOT_IN_IT, "warning")]
    rows = list(csv.DictReader(io.StringIO((data / "claims.csv").read_text(encoding="utf-8"))))
    assert issues[0].row == 2 + [r["claim_id"] for r in rows].index("c-test-bad")
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["validate", "--data", str(data)]) == 0
        assert main(["validate", "--data", str(data), "--strict"]) == 1
    assert "quote_ar" in out.getvalue() and "Not found in" in out.getvalue() and "c-test-good" not in out.getvalue()


def test_the_claim_form_refuses_a_quote_missing_from_the_archived_article(tmp_path, monkeypatch):
    data = copy_seed_tables(tmp_path / "data")
    sid = add_archived_source(data)
    monkeypatch.setenv("CONFLICTMAP_DATA", str(data))
    monkeypatch.setenv("CONFLICTMAP_SEEDS", str(tmp_path / "no-seeds"))  # only the data folder's archive
    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.session_state["selected_event"] = "ain-issa-ied"
    at.run()
    [group] = [b for b in at.button_group if b.key.startswith("ed_action_")]
    group.set_value("Add a claim").run()
    p = prefix("claims", None)
    at.text_input(key=f"{p}_claimant").set_value("Test Council")
    at.selectbox(key=f"{p}_claimant_kind").set_value("government")
    at.selectbox(key=f"{p}_stance").set_value("asserts")
    at.text_input(key=f"{p}_claim_date").set_value("2019-03-05")
    at.selectbox(key=f"{p}_source_id").set_value(sid)
    at.text_area(key=f"{p}_quote_ar").set_value(NOT_IN_IT)
    at.run()
    at.button(key=f"{p}__save").click().run()
    assert any("Not found in" in e.value for e in at.error)
    assert "Test Council" not in (data / "claims.csv").read_text(encoding="utf-8")
    at.text_area(key=f"{p}_quote_ar").set_value(QUOTE).run()
    assert any("Found verbatim" in c.value for c in at.caption)
    at.button(key=f"{p}__save").click().run()
    assert not at.exception
    assert "Test Council" in (data / "claims.csv").read_text(encoding="utf-8")
