"""Add from an article, in a real browser: paste the 2018 seed article, review, accept, see it in the ledger.

The server runs on a temporary COPY of the seed tables (the repository's CSV files are never written). The
article is read from the project's shared seeds folder at test time (tests.conftest.SEEDS), never copied into
the repository.
"""

from __future__ import annotations

import hashlib

import pytest

from conflictmap.load import load_dataset
from conflictmap.store import CsvStore
from tests.browser.conftest import ARTIFACTS, StreamlitServer
from tests.conftest import REPO, SEEDS, copy_seed_tables

PUBLISHED = "2018-06-05"  # the seed article's publication date (research/seed-facts.md)


def seed_article_2018() -> str:
    """The first article of the seed file: from its title (sources.csv) to the second article's title."""
    sources = load_dataset(REPO).sources.set_index("source_id")
    name = sources.at["aawsat-2018-06-roundup", "text_file"]
    if not (SEEDS / name).is_file():
        pytest.fail(f"the seed article {name} is not in {SEEDS}: put the project's shared folder beside the "
                    "repository, or set CONFLICTMAP_SEEDS to its seeds/ directory", pytrace=False)
    text = (SEEDS / name).read_text(encoding="utf-8")
    start = text.find(sources.at["aawsat-2018-06-roundup", "title"])
    end = text.find(sources.at["aawsat-2024-12-assad-statement", "title"])
    assert 0 <= start < end
    return text[start:end].strip()


@pytest.fixture
def article_server(request, browser, tmp_path):
    """The app on a temporary copy of the seed tables, with editing on for the person at the machine."""
    data = copy_seed_tables(tmp_path / "data")
    server = StreamlitServer("article", data, log_dir=ARTIFACTS, env={"CONFLICTMAP_EDIT": "local"})
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server, data
    finally:
        server.stop()
        if request.session.testsfailed == 0:
            server.log_path.unlink(missing_ok=True)


def test_paste_review_accept_adds_the_claims_to_ain_issa_with_history_and_archives_the_text(article_server,
                                                                                             open_app):
    server, data_dir = article_server
    before = load_dataset(data_dir)
    n_before = int((before.claims["event_id"] == "ain-issa-ied").sum())
    repo_files = {p: p.read_bytes() for p in (REPO / "claims.csv", REPO / "sources.csv", REPO / "events.csv")}
    text = seed_article_2018()

    app = open_app(server, "article")
    page = app.page
    assert page.locator("h1").first.inner_text() == "Add from an article"
    page.get_by_role("textbox", name="Article text (paste it here)").fill(text)
    page.get_by_role("textbox", name="Outlet").fill("Asharq Al-Awsat")
    # The date box is three spin buttons (year / month / day); typing a full part moves to the next one.
    page.get_by_role("spinbutton", name="year, Publication date (required)").click()
    page.keyboard.type(PUBLISHED.replace("-", ""))
    page.get_by_role("group", name="Publication date (required)").get_by_text("05").wait_for()
    page.keyboard.press("Escape")  # the calendar that opened with the click
    page.locator('[role="dialog"]').wait_for(state="detached")
    runs = app.runs()
    page.get_by_role("button", name="Read the article").click()
    app.wait_rerun(runs)
    page.wait_for_selector(".cm-article mark", timeout=120_000)
    assert app.exceptions() == []

    # The text, right to left, with what was found marked; nothing is written yet.
    article = page.locator(".cm-article")
    assert article.get_attribute("dir") == "rtl"
    for kind in ("place", "date", "claimant", "cue", "quote"):
        assert page.locator(f".cm-article mark.cm-{kind}").count() > 0, kind
    assert "عين عيسى" in page.locator(".cm-article mark.cm-place").all_inner_texts()
    assert load_dataset(data_dir).claims.shape == before.claims.shape

    # The draft matched to ain-issa-ied; selecting one of its claims marks its quote in the text.
    draft = page.locator('[data-testid="stExpander"]').filter(has_text="add these claims to ain-issa-ied").first
    assert "match score" in draft.inner_text()
    runs = app.runs()
    draft.get_by_role("button", name="Show in text").nth(1).click()
    app.wait_rerun(runs)
    assert page.locator("#cm-selected").count() == 1
    assert "نحن على علم بتقارير" in "".join(page.locator(".cm-article mark.cm-selected").all_inner_texts())

    runs = app.runs()
    page.get_by_role("button", name="Accept", exact=True).click()
    app.wait_rerun(runs)
    page.get_by_text("Open on the map").wait_for(timeout=60_000)
    assert app.exceptions() == []
    link = page.get_by_role("link", name="ain-issa-ied").first
    assert link.get_attribute("href").endswith("?event=ain-issa-ied")

    # The store: three new claims on ain-issa-ied, each created by "local"; the source carries the text's hash.
    after = load_dataset(data_dir)
    assert not after.errors
    added = after.claims[(after.claims["event_id"] == "ain-issa-ied") & ~after.claims["claim_id"].isin(
        before.claims["claim_id"])]
    assert len(added) == 3 and set(added["stance"]) == {"asserts", "acknowledges", "denies"}
    store = CsvStore(data_dir)
    history = {h.row_id: h for h in store.history(event_id="ain-issa-ied")}
    assert all(history[c].who == "local" and history[c].op == "create" for c in added["claim_id"])
    (source_id,) = set(added["source_id"])
    source = after.sources.set_index("source_id").loc[source_id]
    archived = data_dir / source["text_file"]
    sha = hashlib.sha256(archived.read_bytes()).hexdigest()
    assert source["sha256"] == sha == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert source["added_by"] == "local"
    archived_text = archived.read_text(encoding="utf-8")
    for _, c in added.iterrows():
        assert archived_text[int(c["quote_start"]):int(c["quote_end"])] == c["quote_ar"]

    # The ledger of ain-issa-ied on the map page shows them, with who accepted them.
    app.goto("?event=ain-issa-ied")
    ledger = page.get_by_text(f"Claim ledger ({n_before + 3})")
    ledger.wait_for(timeout=60_000)
    body = page.locator("body").inner_text()
    assert body.count("accepted by local") >= 3
    assert "نحن على علم بتقارير" in body
    assert all(p.read_bytes() == raw for p, raw in repo_files.items()), "the repository's tables were written"
