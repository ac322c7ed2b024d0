"""Editing by map clicks and editing stories, in the app (AppTest): "New event here" after a click on an empty
spot of the map (the nearest gazetteer place, or a new place with the click's provenance and precision), a
click on the place form's map setting the coordinate, and stories with their steps (create, edit, reorder,
delete, history); with CONFLICTMAP_EDIT=off none of it is offered."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from conflictmap.editing import click_precision_m, nearest_place
from conflictmap.load import load_dataset
from conflictmap.store import CsvStore
from tests.conftest import REPO
from ui.edit import prefix

NEW = prefix("events", None)


def clicked_map(lat: float, lon: float, zoom: int = 10, on_object: bool = False) -> AppTest:
    """The map page after a click at (lat, lon): st_folium stores what it returns under its key ("map")."""
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    click = {"lat": lat, "lng": lon}
    at.session_state["map"] = {"last_clicked": click, "last_object_clicked": click if on_object else None,
                               "zoom": zoom}
    return at.run()


def fill_event(at: AppTest, title: str) -> AppTest:
    at.text_input(key=f"{NEW}_date_start").set_value("2018-06-10")
    at.text_input(key=f"{NEW}_date_end").set_value("2018-06-10")
    at.selectbox(key=f"{NEW}_date_precision").set_value("day")
    at.text_input(key=f"{NEW}_title_en").set_value(title)
    at.selectbox(key=f"{NEW}_event_type").set_value("Battles")
    at.run()
    at.selectbox(key=f"{NEW}_sub_event_type").set_value("Armed clash")
    at.selectbox(key=f"{NEW}_source_id").set_value("aawsat-2018-06-roundup")
    return at.run()


def test_nearest_place_and_click_precision():
    data = load_dataset(REPO)
    assert click_precision_m(8, 36.0) > click_precision_m(12, 36.0) >= 100
    found = nearest_place(data.places, 36.39, 38.87, click_precision_m(10, 36.39))
    assert found is not None and found[0] == "ain-issa" and found[1] < 2000
    assert nearest_place(data.places, 35.0, 38.5, click_precision_m(12, 35.0)) is None  # not "syria", a country


def test_new_event_here_at_the_nearest_gazetteer_place(local_edit_data):
    at = clicked_map(36.39, 38.87)
    assert not at.exception, [e.value for e in at.exception]
    [choice] = [r for r in at.radio if r.key.startswith("_here_choice_")]
    assert choice.value == "ain-issa" and "Ain Issa" in choice.format_func(choice.value)
    at.button(key="_here_event").click().run()
    assert at.multiselect(key=f"{NEW}_place_ids").value == ["ain-issa"]
    fill_event(at, "Test clash near Ain Issa")
    at.button(key=f"{NEW}__save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    events = load_dataset(local_edit_data).events.set_index("event_id")
    assert events.at["test-clash-near-ain-issa", "place_ids"] == "ain-issa"
    [change] = CsvStore(local_edit_data).history()
    assert (change.op, change.table, change.who) == ("create", "events", "local")
    assert at.session_state["selected_event"] == "test-clash-near-ain-issa"
    assert not [c for c in at.get("container") if getattr(c, "key", None) == "cm_new_here"]


def test_new_event_here_at_a_new_place_records_the_click(local_edit_data):
    at = clicked_map(34.9, 38.3, zoom=12)
    [choice] = [r for r in at.radio if r.key.startswith("_here_choice_")]
    assert choice.options == ["A new place at the click"]
    at.text_input(key="_here_name_en").set_value("Test Wells").run()
    at.text_input(key="_here_name_ar").set_value("آبار الاختبار").run()
    at.button(key="_here_create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    place = CsvStore(local_edit_data).get("places", "test-wells").values
    assert (place["lat"], place["lon"]) == ("34.90000", "38.30000")
    assert place["coord_source"] == "clicked on the map by local (zoom 12)"
    assert place["coord_precision_m"] == str(click_precision_m(12, 34.9)) and place["coord_inferred"] == "false"
    assert at.multiselect(key=f"{NEW}_place_ids").value == ["test-wells"]
    fill_event(at, "Test event at the wells")
    at.button(key=f"{NEW}__save").click().run()
    ops = [(c.op, c.table) for c in CsvStore(local_edit_data).history()]
    assert ops == [("create", "places"), ("create", "events")]
    data = load_dataset(local_edit_data)
    assert not data.errors
    ev = data.events.set_index("event_id").loc["test-event-at-the-wells"]
    assert (round(ev["lat"], 5), round(ev["lon"], 5)) == (34.9, 38.3)


def test_a_click_on_an_event_offers_no_new_event(local_edit_data):
    at = clicked_map(36.3855, 38.86228, on_object=True)
    assert not [r for r in at.radio if r.key.startswith("_here_choice_")]


def test_with_editing_off_the_map_asks_for_no_click_and_offers_nothing(local_edit_data, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_EDIT", "off")
    at = clicked_map(36.39, 38.87)
    assert not at.exception
    assert not [r for r in at.radio if r.key.startswith("_here_choice_")]
    [component] = [c for c in at.get("component_instance") if "last_active_drawing" in c.proto.json_args]
    assert "last_clicked" not in json.loads(component.proto.json_args)["returned_objects"]
    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    [component] = [c for c in clicked_map(36.39, 38.87).get("component_instance")
                   if "last_active_drawing" in c.proto.json_args]
    assert "last_clicked" in json.loads(component.proto.json_args)["returned_objects"]


def form(at: AppTest, table: str, row_id: str | None) -> str:
    """A form's key prefix in the app's current generation (it moves on after every save: ui.edit.prefix)."""
    gen = at.session_state["_ed_gen"] if "_ed_gen" in at.session_state else 0  # noqa: SIM401 - AppTest state has no get()
    return prefix(table, row_id) + (f"_g{gen}" if gen else "")


def step_picker(sid: str) -> str:
    from ui.edit_stories import _step_key

    return _step_key(sid)


def edit_page(table: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/edit.py").run()
    at.button_group(key="ed_table").set_value(table).run()
    return at


def test_a_click_on_the_place_forms_map_sets_the_coordinate_with_its_provenance(local_edit_data):
    at = edit_page("places")
    at.selectbox(key="ed_row_places").set_value("hajin").run()
    p = prefix("places", "hajin")
    at.session_state[f"{p}__map"] = {"last_clicked": {"lat": 34.7001, "lng": 40.8302}, "last_object_clicked": None,
                                     "zoom": 14}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert (at.text_input(key=f"{p}_lat").value, at.text_input(key=f"{p}_lon").value) == ("34.70010", "40.83020")
    at.button(key=f"{p}__save").click().run()
    row = CsvStore(local_edit_data).get("places", "hajin").values
    assert row["lat"] == "34.70010" and row["coord_source"] == "clicked on the map by local (zoom 14)"
    assert row["coord_precision_m"] == str(click_precision_m(14, 34.7001))
    [change] = CsvStore(local_edit_data).history()
    assert change.old["lat"] != "34.70010" and change.new["lat"] == "34.70010"


def test_a_click_on_the_event_forms_map_adds_the_nearest_gazetteer_place(local_edit_data):
    at = edit_page("events")
    at.session_state[f"{NEW}__map"] = {"last_clicked": {"lat": 35.41, "lng": 35.95}, "last_object_clicked": None,
                                       "zoom": 11}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key=f"{NEW}__map_add").click().run()
    assert at.multiselect(key=f"{NEW}_place_ids").value == ["hmeimim"]
    at.session_state[f"{NEW}__map"] = {"last_clicked": {"lat": 34.9, "lng": 38.3}, "last_object_clicked": None,
                                       "zoom": 11}
    at.run()  # nothing near: nothing offered, nothing added
    assert any("No gazetteer place near the click" in c.value for c in at.caption)
    assert at.multiselect(key=f"{NEW}_place_ids").value == ["hmeimim"]


# --- stories --------------------------------------------------------------------------------------------

def test_a_new_story_with_a_step_is_created_and_validated_at_the_field(local_edit_data):
    at = edit_page("stories")
    p = prefix("stories", None)
    at.text_input(key=f"{p}_title_en").set_value("Test story: two nights in Hajin")
    at.text_input(key=f"{p}_title_ar").set_value("قصة اختبار: ليلتان في هجين").run()
    at.button(key=f"{p}__save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    sid = "test-story-two-nights"
    assert CsvStore(local_edit_data).get("stories", sid).values["title_ar"] == "قصة اختبار: ليلتان في هجين"
    at.selectbox(key="ed_story").set_value(sid).run()
    s = form(at, "story_steps", None)
    assert at.text_input(key=f"{s}_step__shown").value == "1"
    at.selectbox(key=f"{s}_event_id").set_value("hajin-clashes").run()
    at.text_area(key=f"{s}_caption_en").set_value("The first night.")
    at.text_area(key=f"{s}_caption_ar").set_value("الليلة الأولى.")
    at.text_input(key=f"{s}_zoom").set_value("40").run()
    at.button(key=f"{s}__save").click().run()
    assert any("zoom" in e.value or "40" in e.value for e in at.error)  # at the field, nothing written
    assert CsvStore(local_edit_data).get("story_steps", f"{sid}/1") is None
    at.text_input(key=f"{s}_zoom").set_value("9").run()
    at.button(key=f"{s}__save").click().run()
    step = CsvStore(local_edit_data).get("story_steps", f"{sid}/1").values
    assert (step["event_id"], step["caption_ar"], step["zoom"]) == ("hajin-clashes", "الليلة الأولى.", "9")
    data = load_dataset(local_edit_data)
    assert not data.errors and sid in set(data.story_steps["story_id"])


def test_a_step_highlighting_another_events_claim_is_refused_at_the_claim(local_edit_data):
    at = edit_page("stories")
    at.selectbox(key="ed_story").set_value("ain-issa").run()
    at.selectbox(key=step_picker("ain-issa")).set_value("ain-issa/2").run()
    s = form(at, "story_steps", "ain-issa/2")
    assert at.selectbox(key=f"{s}_claim_id").value == "c-ain-issa-ied-sohr"
    at.selectbox(key=f"{s}_event_id").set_value("hajin-clashes").run()  # the claim stays: another event's now
    at.button(key=f"{s}__save").click().run()
    assert any("is not a claim of the event hajin-clashes" in e.value.replace("\\", "") for e in at.error)
    assert CsvStore(local_edit_data).history() == []


def test_steps_are_moved_and_deleted_and_the_story_history_reverts_them(local_edit_data):
    def captions() -> list[str]:
        steps = load_dataset(local_edit_data).story_steps.query("story_id == 'ain-issa'")
        return [r.caption_en for r in steps.itertuples()]

    at = edit_page("stories")
    at.selectbox(key="ed_story").set_value("ain-issa").run()
    key = step_picker("ain-issa")
    before = captions()
    at.selectbox(key=key).set_value("ain-issa/4").run()
    at.button(key=f"{key}__up").click().run()
    assert not at.exception, [e.value for e in at.exception]
    after = captions()
    assert after == [before[0], before[1], before[3], before[2], before[4]]
    assert at.selectbox(key=key).value == "ain-issa/3"  # the picker follows the moved step
    at.button(key=f"{key}__delete").click().run()
    after = captions()
    assert after == [before[0], before[1], before[2], before[4]]
    history = "\n".join(m.value for m in at.markdown)
    assert "delete story\\_steps" in history or "delete story_steps" in history
    newest = max(c.change_id for c in CsvStore(local_edit_data).history())
    at.button(key=f"revert-{newest}").click().run()  # the deleted last row comes back
    assert CsvStore(local_edit_data).get("story_steps", "ain-issa/5") is not None


def test_deleting_a_story_asks_first_and_takes_its_steps(local_edit_data):
    at = edit_page("stories")
    at.selectbox(key="ed_story").set_value("assad-exit").run()
    at.button(key="ed_story_delete").click().run()
    assert any("its" in w.value and "step" in w.value for w in at.warning)
    at.button(key="ed_story_delete_yes").click().run()
    assert not at.exception, [e.value for e in at.exception]
    data = load_dataset(local_edit_data)
    assert "assad-exit" not in set(data.stories["story_id"]) and "assad-exit" not in set(data.story_steps["story_id"])
    assert at.selectbox(key="ed_story").value is None


def test_with_editing_off_stories_cannot_be_edited(local_edit_data, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_EDIT", "off")
    at = AppTest.from_file(str(REPO / "pages" / "edit.py"), default_timeout=90).run()
    assert not at.button and not at.selectbox
    from ui.edit_stories import _move

    at.session_state  # noqa: B018 - a script context exists for the callback below
    _move("ain-issa", 2, 1)  # a write reached without an editor is refused
    assert CsvStore(local_edit_data).history() == []
