"""Editing in a real browser, on a temporary copy of the seed data (never the repository's own files):
add a claim from the ledger, read it in the History view, revert it; two people saving the same claim;
and CONFLICTMAP_EDIT=off, where no page offers a write. The add/history/revert test runs against the
CSV directory and against PostgreSQL (``CONFLICTMAP_TEST_DATABASE_URL``), and so does the two-people test."""

from __future__ import annotations

import re

import pytest

from conflictmap.load import load_dataset
from tests.browser.conftest import AIN_ISSA, App, local_context, running_server
from tests.conftest import SEEDS, copy_seed_tables, database_url_for_tests, empty_test_database
from tests.test_importers import ACLED_COLUMNS, acled_row, write_csv

CLAIMANT = "Euphrates Test Monitor"
WRITE_CONTROL = re.compile(r"^(Save|Add |Add$|Delete|Revert|Geocode|Keep my input)")


@pytest.fixture
def seed_copy(tmp_path):
    return copy_seed_tables(tmp_path / "data")


def start(request, name, data_dir, **env):
    return running_server(request, name, data_dir, {"CONFLICTMAP_SEEDS": str(SEEDS), **env})


def segment(app: App, name: str) -> None:
    runs = app.runs()
    app.page.get_by_test_id("stButtonGroup").locator("button").filter(
        has_text=re.compile(f"^{re.escape(name)}$")).last.click()
    app.wait_rerun(runs)


def choose(app: App, label: str, option: str) -> None:
    runs = app.runs()
    box = app.page.get_by_role("combobox", name=label, exact=True)
    app.open_list(box).filter(has_text=option).first.click()
    app.wait_rerun(runs)


def type_in(app: App, label: str, text: str) -> None:
    box = app.page.get_by_label(label, exact=True)
    runs = app.runs()
    box.fill(text)
    box.press("Enter")
    app.wait_rerun(runs)


def click(app: App, name: str) -> None:
    runs = app.runs()
    app.page.get_by_role("button", name=name, exact=True).first.click()
    app.wait_rerun(runs)


def open_event(app: App, event_id: str) -> None:
    app.wait_map()
    choose(app, "Event", f"({event_id})")
    app.ledger().wait_for()


def add_claim(app: App, claimant: str, stance: str) -> None:
    """Fill and send "Add a claim to this event" (already open under the ledger)."""
    type_in(app, "claimant *", claimant)
    choose(app, "claimant_kind *", "monitor")
    choose(app, "stance *", stance)
    type_in(app, "claim_date *", "2018-06-05")
    choose(app, "source_id *", "aawsat-2018-06-roundup")
    click(app, "Add this claim")


def check_add_history_revert(app: App) -> None:
    open_event(app, AIN_ISSA)
    segment(app, "Add a claim")
    # Arabic fields are laid out right to left.
    direction = app.page.get_by_label("claimant_ar", exact=True).evaluate("e => getComputedStyle(e).direction")
    assert direction == "rtl"
    add_claim(app, CLAIMANT, "asserts")
    assert app.exceptions() == []
    ledger = app.ledger().inner_text()
    assert CLAIMANT in ledger
    assert "Contested" in ledger  # one assertion more leaves a contested event contested, as the rules say
    # A denial of a single-source event makes it contested.
    open_event(app, "hajin-clashes")
    assert "Single source" in app.ledger().inner_text()
    segment(app, "Add a claim")
    add_claim(app, "Hajin Test Council", "denies")
    assert "Hajin Test Council" in app.ledger().inner_text() and "Contested" in app.ledger().inner_text()
    # The History view of the Ain Issa event shows the claim we added; Revert removes it.
    open_event(app, AIN_ISSA)
    segment(app, "History")
    history = app.page.get_by_test_id("stMain").inner_text()
    assert "create claims" in history and "c-ain-issa-ied-euphrates-test-monitor" in history and "local" in history
    assert "Hajin Test Council" not in history  # another event's change
    click(app, "Revert")
    main = app.page.get_by_test_id("stMain").inner_text()
    created = re.search(r"#(\d+)\s*·[^\n]*create claims", history).group(1)  # change ids: the backend's own
    assert f"Reverted #{created} as change #" in main and f"reverts #{created}" in main
    assert CLAIMANT not in app.ledger().inner_text()
    assert app.exceptions() == []


def test_add_a_claim_see_it_in_history_and_revert_it_csv(request, open_app, seed_copy):
    with start(request, "edit-csv", seed_copy, CONFLICTMAP_EDIT="local") as server:
        check_add_history_revert(open_app(server))
    claims = load_dataset(seed_copy).claims
    assert not claims["claimant"].eq(CLAIMANT).any()  # reverted
    assert claims["claimant"].eq("Hajin Test Council").any()
    assert (seed_copy / "history.jsonl").read_text(encoding="utf-8").count("\n") == 3


def test_add_a_claim_see_it_in_history_and_revert_it_postgresql(request, open_app, seed_copy):
    url = database_url_for_tests()
    from conflictmap.store.postgres import PostgresStore

    empty_test_database(url)
    with PostgresStore(url) as store:
        assert not store.load_dir(seed_copy).errors
    with start(request, "edit-pg", seed_copy, CONFLICTMAP_EDIT="local", CONFLICTMAP_DATABASE_URL=url) as server:
        check_add_history_revert(open_app(server))
    with PostgresStore(url) as store:
        claims = store.read().claims
        assert not claims["claimant"].eq(CLAIMANT).any() and claims["claimant"].eq("Hajin Test Council").any()
        assert [(c.op, c.who) for c in store.history() if c.table == "claims"] == [("create", "local")] * 2 + [
            ("delete", "local")]


def stored_channel(backend: str, seed_copy, url: str | None) -> str:
    """The channel of c-ain-issa-ied-sdf as the backend stores it now."""
    if backend == "csv":
        return load_dataset(seed_copy).claims.set_index("claim_id").at["c-ain-issa-ied-sdf", "channel"]
    from conflictmap.store.postgres import PostgresStore

    with PostgresStore(url) as store:
        return store.get("claims", "c-ain-issa-ied-sdf").values["channel"]


@pytest.mark.parametrize("backend", ["csv", "postgresql"])
def test_two_people_edit_the_same_claim_the_second_sees_the_conflict_and_loses_nothing(
        request, open_app, browser, request_log, seed_copy, backend):
    env, url = {"CONFLICTMAP_EDIT": "local"}, None
    if backend == "postgresql":
        url = database_url_for_tests()
        from conflictmap.store.postgres import PostgresStore

        empty_test_database(url)
        with PostgresStore(url) as store:
            assert not store.load_dir(seed_copy).errors
        env["CONFLICTMAP_DATABASE_URL"] = url
    with start(request, f"edit-conflict-{backend}", seed_copy, **env) as server:
        first = open_app(server)
        other = local_context(browser, request_log, request.node.nodeid + " (second person)")
        try:
            second = App(other.new_page(), server)
            second.goto()
            for app in (first, second):
                open_event(app, AIN_ISSA)
                segment(app, "Edit")
                choose(app, "What to edit", "(c-ain-issa-ied-sdf)")
            type_in(first, "channel", "to AFP, by phone")
            type_in(second, "channel", "statement on the SDF website")
            click(first, "Save")
            click(second, "Save")
            text = second.page.get_by_test_id("stMain").inner_text()
            assert "was changed" in text and "nothing was saved" in text and "by local" in text
            table = second.page.get_by_test_id("stDataFrame").filter(has_text="yours").first
            table.wait_for()
            assert second.page.get_by_label("channel", exact=True).input_value() == "statement on the SDF website"
            assert stored_channel(backend, seed_copy, url) == "to AFP, by phone"
            # The second person merges by hand and saves over the first, knowingly.
            click(second, "Keep my input and save over the current version next")
            type_in(second, "channel", "to AFP, by phone; statement on the SDF website")
            click(second, "Save")
            assert stored_channel(backend, seed_copy, url) == "to AFP, by phone; statement on the SDF website"
            assert second.exceptions() == [] and first.exceptions() == []
        finally:
            other.close()
    if backend == "postgresql":  # the database was written, never the CSV files
        assert load_dataset(seed_copy).claims.set_index("claim_id").at["c-ain-issa-ied-sdf", "channel"] != \
            "to AFP, by phone"


def test_with_editing_off_no_page_offers_a_write(request, open_app, seed_copy, tmp_path):
    before = {p.name: p.read_bytes() for p in seed_copy.rglob("*.csv")}
    upload = write_csv(tmp_path / "acled.csv", ACLED_COLUMNS, [acled_row("SYR1")])
    with start(request, "edit-off", seed_copy, CONFLICTMAP_EDIT="off") as server:
        app = open_app(server)
        nav = app.page.get_by_test_id("stSidebarNav").inner_text()
        assert "Edit the ledger" not in nav
        titles = [t for t in ("Map", "Events", "Claims & sources", "Places", "Import", "Data quality") if t in nav]
        assert len(titles) == 6, nav
        for title in titles:
            app.go_to_page(title)
            if title == "Map":
                open_event(app, AIN_ISSA)
                groups = app.page.get_by_test_id("stButtonGroup").all_inner_texts()
                assert any("History" in g for g in groups) and not any("Add a claim" in g for g in groups)
                segment(app, "History")
            if title == "Import":
                runs = app.runs()
                app.page.locator("input[type=file]").set_input_files(str(upload))
                app.wait_rerun(runs)
                app.page.get_by_text("Preview").first.wait_for()
            buttons = [b.strip() for b in app.page.get_by_role("button").all_inner_texts()]
            assert not [b for b in buttons if WRITE_CONTROL.match(b)], (title, buttons)
            assert app.page.get_by_test_id("stForm").count() == 0, title
            assert app.exceptions() == [], title
        assert app.page.goto(server.url + "edit").ok
        app.wait_idle()
        assert "Edit the ledger" not in app.page.get_by_test_id("stMain").inner_text()
    assert {p.name: p.read_bytes() for p in seed_copy.rglob("*.csv")} == before
    assert not (seed_copy / "history.jsonl").exists()


def test_a_click_on_an_empty_spot_of_the_map_offers_new_event_here_at_a_new_place(request, open_app, seed_copy):
    spot = (35.05, 37.05)  # open country between Hama and the desert: no event, no gazetteer place near
    with start(request, "edit-here", seed_copy, CONFLICTMAP_EDIT="local") as server:
        app = open_app(server)
        app.wait_map()
        app.wait_map_still()
        assert app.markers_at(*spot) == []
        runs = app.runs()
        app.click_map_at(*spot)
        app.wait_rerun(runs)
        panel = app.page.locator(".st-key-cm_new_here")
        panel.wait_for()
        assert "New event here" in panel.inner_text()
        app.page.get_by_text("A new place at the click").first.wait_for()
        type_in(app, "Name of the new place (English) *", "Test Crossroads")
        click(app, "Add this place and open the event form")
        app.page.get_by_label("title_en *", exact=True).wait_for()
        assert "Test Crossroads" in app.page.get_by_test_id("stMain").inner_text()  # chosen in the event's places
        assert app.exceptions() == []
    place = load_dataset(seed_copy).places.set_index("place_id").loc["test-crossroads"]
    assert abs(place["lat"] - spot[0]) < 0.05 and abs(place["lon"] - spot[1]) < 0.05
    assert place["coord_source"].startswith("clicked on the map by local (zoom ")
    assert place["coord_precision_m"] > 0
