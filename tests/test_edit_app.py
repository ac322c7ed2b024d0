"""Editing in the app (AppTest): forms validate at the field, ids are proposed, conflicts keep the input,
history and revert, and CONFLICTMAP_EDIT=off shows no write control and refuses writes."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from conflictmap.editing import check_quote, propose_id, slug
from conflictmap.load import load_dataset
from conflictmap.store import CsvStore
from tests.conftest import REPO, SEEDS
from ui.edit import prefix

EVENT = "ain-issa-ied"
ADD = prefix("claims", None)


def map_at(event: str = EVENT) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.session_state["selected_event"] = event
    return at.run()


def action(at: AppTest, name: str) -> AppTest:
    [group] = [b for b in at.button_group if b.key.startswith("ed_action_")]
    return group.set_value(name).run()


def fill_claim(at: AppTest, **values) -> AppTest:
    for col, v in values.items():
        key = f"{ADD}_{col}"
        if col in ("claimant_kind", "stance", "source_id", "claim_date_precision"):
            at.selectbox(key=key).set_value(v)
        elif col in ("quote_ar", "quote_en", "notes"):
            at.text_area(key=key).set_value(v)
        else:
            at.text_input(key=key).set_value(v)
    return at.run()


def ledger(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "Claim ledger" in h.proto.body)


def plain(text: str) -> str:
    """Markdown-escaped text as the user reads it."""
    return re.sub(r"\\(.)", r"\1", text)


def errors_text(at: AppTest) -> str:
    return plain("\n".join(e.value for e in at.error))


def test_ids_are_proposed_from_the_row_and_made_unique():
    assert slug("Syrian Observatory for Human Rights (SOHR)") == "sohr"
    claim = {"event_id": EVENT, "claimant": "Kurdish Red Crescent"}
    assert propose_id("claims", claim, set()) == "c-ain-issa-ied-kurdish-red-crescent"
    taken = {"c-ain-issa-ied-kurdish-red-crescent", "c-ain-issa-ied-kurdish-red-crescent-2"}
    assert propose_id("claims", claim, taken) == "c-ain-issa-ied-kurdish-red-crescent-3"
    assert propose_id("sources", {"outlet": "Enab Baladi", "published": "2018-06-06"}, set()) == \
        "enab-baladi-2018-06-06"


def test_the_quote_check_says_found_not_found_or_cannot_check(seed):
    text_file = seed.sources.set_index("source_id").at["aawsat-2018-06-roundup", "text_file"]
    quote = seed.claims.set_index("claim_id").at["c-ain-issa-ied-sdf", "quote_ar"]
    assert check_quote(quote, text_file, None, seeds=SEEDS).ok is True
    assert check_quote(quote + " وهذا مضاف", text_file, None, seeds=SEEDS).ok is False
    assert check_quote(quote, "", None, seeds=SEEDS).ok is None
    assert "Cannot check" in check_quote(quote, text_file, None, seeds=SEEDS / "nowhere").message


def test_adding_a_claim_shows_it_in_the_ledger_with_the_proposed_id(local_edit_data):
    at = action(map_at(), "Add a claim")
    assert at.text_input(key=f"{ADD}_event_id__shown").value == EVENT and at.text_input(
        key=f"{ADD}_event_id__shown").disabled
    at = fill_claim(at, claimant="Test Monitor Network", claimant_kind="monitor", stance="denies",
                    claim_date="2018-06-05", source_id="aawsat-2018-06-roundup")
    shown_id = next(t for t in at.text_input if t.key and t.key.startswith(f"{ADD}__id_"))
    assert shown_id.value == "c-ain-issa-ied-test-monitor-network" and shown_id.disabled
    at.button(key=f"{ADD}__save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved change #1" in plain(s.value) for s in at.success), [s.value for s in at.success]
    assert "Test Monitor Network" in ledger(at)
    seed_claims = len(load_dataset(REPO).claims)
    assert any(f"{seed_claims + 1} claims" in c.value for c in at.caption)  # the counts under the map
    stored = load_dataset(local_edit_data).claims.set_index("claim_id")
    assert stored.at["c-ain-issa-ied-test-monitor-network", "stance"] == "denies"
    history = CsvStore(local_edit_data).history(event_id=EVENT)
    assert [(c.op, c.row_id, c.who) for c in history] == [("create", "c-ain-issa-ied-test-monitor-network", "local")]


def test_an_invalid_claim_is_refused_at_the_field_and_nothing_is_written(local_edit_data):
    before = (local_edit_data / "claims.csv").read_bytes()
    at = action(map_at(), "Add a claim")
    at = fill_claim(at, claimant="Someone", claimant_kind="monitor", stance="asserts", claim_date="2018-13-45",
                    source_id="aawsat-2018-06-roundup", quote_ar="هذه جملة ليست في المقال أبدا")
    at.button(key=f"{ADD}__save").click().run()
    # The quote is checked against the archived article first; it is not there.
    assert "Not found in" in errors_text(at)
    assert (local_edit_data / "claims.csv").read_bytes() == before
    at.text_area(key=f"{ADD}_quote_ar").set_value("").run()
    at.button(key=f"{ADD}__save").click().run()
    # The bad date is named under its own field (inside the claim_date field's container), nowhere else.
    field = at.get_by_key(f"f-{ADD}_claim_date")
    assert [e.value for e in field.error] and "2018-13-45" in plain(field.error[0].value)
    assert not at.get_by_key(f"f-{ADD}_claimant").error
    assert (local_edit_data / "claims.csv").read_bytes() == before
    assert at.text_input(key=f"{ADD}_claimant").value == "Someone"  # the input is kept


def test_a_stale_save_shows_the_conflict_side_by_side_and_keeps_the_input(local_edit_data):
    at = action(map_at(), "Edit")
    at.selectbox(key=f"ed_which_{prefix('events', EVENT)}").set_value("c-ain-issa-ied-sdf").run()
    p = prefix("claims", "c-ain-issa-ied-sdf")
    at.text_input(key=f"{p}_channel").set_value("mine: statement to AFP").run()
    # Meanwhile someone else saves the same claim.
    store = CsvStore(local_edit_data)
    store.update("claims", "c-ain-issa-ied-sdf", {"channel": "theirs: press conference"}, 0, who="someone else",
                 reason="checked the video")
    at.button(key=f"{p}__save").click().run()
    text = errors_text(at)
    assert "someone else" in text and "checked the video" in text and "nothing was saved" in text
    [diff] = [d.value for d in at.dataframe if "yours" in d.value.columns]
    row = diff[diff["column"] == "channel"].iloc[0]
    assert row["yours"] == "mine: statement to AFP" and row.iloc[2] == "theirs: press conference"
    assert at.text_input(key=f"{p}_channel").value == "mine: statement to AFP"
    assert store.get("claims", "c-ain-issa-ied-sdf").values["channel"] == "theirs: press conference"
    # Merge by hand: keep mine on top of theirs, then save.
    at.button(key=f"{p}__rebase").click().run()
    at.text_input(key=f"{p}_channel").set_value("mine and theirs").run()
    at.button(key=f"{p}__save").click().run()
    assert store.get("claims", "c-ain-issa-ied-sdf").values["channel"] == "mine and theirs"


def test_history_shows_the_change_and_revert_undoes_it(local_edit_data):
    store = CsvStore(local_edit_data)
    row = store.get("claims", "c-ain-issa-ied-coalition")
    store.update("claims", "c-ain-issa-ied-coalition", {"stance": "denies"}, row.revision, who="tester",
                 reason="misread")
    at = action(map_at(), "History")
    shown = plain("\n".join(m.value for m in at.markdown))
    assert "tester" in shown and "misread" in shown and "c-ain-issa-ied-coalition" in shown
    at.button(key="revert-1").click().run()
    assert store.get("claims", "c-ain-issa-ied-coalition").values["stance"] == "acknowledges"
    assert [c.reverts for c in store.history()] == [None, 1]
    # Reverting the first change again is refused with a message: the row moved on since.
    at.button(key="revert-1").click().run()
    assert "changed again" in errors_text(at)


def test_deleting_an_event_with_claims_asks_first(local_edit_data):
    at = action(map_at("mayadin-explosion"), "Edit")
    p = prefix("events", "mayadin-explosion")
    at.button(key=f"{p}__delete").click().run()
    assert "This event has 1 claim(s)" in plain("\n".join(w.value for w in at.warning))
    at.button(key=f"{p}__delete_no").click().run()
    assert "mayadin-explosion" in set(load_dataset(local_edit_data).events["event_id"])
    at.button(key=f"{p}__delete").click().run()
    at.button(key=f"{p}__delete_yes").click().run()
    data = load_dataset(local_edit_data)
    assert "mayadin-explosion" not in set(data.events["event_id"])
    assert not (data.claims["event_id"] == "mayadin-explosion").any()
    assert [c.op for c in CsvStore(local_edit_data).history()] == ["delete", "delete"]


def test_an_event_a_story_still_uses_is_not_deleted_at_all(local_edit_data):
    before = {p: (local_edit_data / p).read_bytes() for p in ("events.csv", "claims.csv")}
    at = action(map_at(), "Edit")
    p = prefix("events", EVENT)
    at.button(key=f"{p}__delete").click().run()
    at.button(key=f"{p}__delete_yes").click().run()
    assert "still used by story_steps" in errors_text(at)
    assert {p: (local_edit_data / p).read_bytes() for p in before} == before  # not even its claims


def test_the_edit_page_adds_a_source_with_a_proposed_id(local_edit_data):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/edit.py").run()
    at.button_group(key="ed_table").set_value("sources").run()
    p = prefix("sources", None)
    at.text_input(key=f"{p}_outlet").set_value("Enab Baladi")
    at.text_input(key=f"{p}_language").set_value("ar")
    at.text_input(key=f"{p}_published").set_value("2018-06-06")
    at.selectbox(key=f"{p}_published_precision").set_value("day")
    at.text_input(key=f"{p}_title").set_value("عنوان المقال")
    at.run()
    at.button(key=f"{p}__save").click().run()
    assert not at.exception
    assert "enab-baladi-2018-06-06" in set(load_dataset(local_edit_data).sources["source_id"])


@pytest.mark.parametrize("page", ["pages/map.py", "pages/places.py", "pages/import_data.py"])
def test_edit_off_shows_no_write_control(local_edit_data, monkeypatch, page):
    monkeypatch.setenv("CONFLICTMAP_EDIT", "off")
    at = map_at()
    if page != "pages/map.py":
        at.switch_page(page).run()
    assert not at.exception
    groups = [b for b in at.button_group if b.key.startswith("ed_action_")]
    assert all(g.options == ["History"] for g in groups)
    labels = [b.label for b in at.button]
    assert not [x for x in labels if x.startswith(("Save", "Add", "Delete", "Revert", "Geocode"))], labels
    assert not [f for f in at.get("form")], "a form (the Import page's save) is shown"


def test_edit_off_hides_the_edit_page_and_it_refuses_if_reached(local_edit_data, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_EDIT", "off")
    at = AppTest.from_file(str(REPO / "pages" / "edit.py"), default_timeout=90).run()
    assert not at.exception
    assert "Editing is off" in "\n".join(i.value for i in at.info)
    assert not at.button and not at.text_input


def test_an_events_places_are_found_in_the_gazetteer_by_their_arabic_name(local_edit_data):
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/edit.py").run()
    at.button_group(key="ed_table").set_value("events").run()
    p = prefix("events", None)
    at.text_input(key=f"{p}_place_ids__search").set_value("عين عيسى").run()
    add = [b for b in at.button if b.key and b.key.startswith(f"{p}_place_ids__add_")]
    assert [b.key.rsplit("_", 1)[-1] for b in add][:1] == ["ain-issa"], [b.label for b in add]
    add[0].click().run()
    assert at.multiselect(key=f"{p}_place_ids").value == ["ain-issa"]
