"""The app through Streamlit's AppTest: every page, the slider, the filters and the claim panel.

st_folium shows up as an unknown component; what it would draw is read from its
arguments (the event layer's JSON), which is exactly what the browser receives.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PAYLOAD, REPO, claim, event, layer_payload, place, skip_or_fail, source
from ui.text import md_escape

PAGES = ["pages/map.py", "pages/events.py", "pages/claims.py", "pages/quality.py"]
PAGES += [p for p in ("pages/places.py", "pages/import_data.py", "pages/article.py") if (REPO / p).exists()]


@pytest.fixture
def app(monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_DATA", raising=False)
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=90)


def map_args(at: AppTest) -> dict:
    # The map page has two components since the timeline: the map is st_folium's.
    [component] = [c for c in at.get("component_instance") if "st_folium" in c.proto.component_name]
    return json.loads(component.proto.json_args)


def sent_view(at: AppTest) -> tuple[tuple[float, float], int]:
    """The centre and zoom the map is sent, to 5 decimals (alternate moves are nudged: maplayers.view_args)."""
    args = map_args(at)
    return (round(args["center"][0], 5), round(args["center"][1], 5)), round(args["zoom"])


def drawn_ids(at: AppTest) -> list[str]:
    fg = map_args(at)["feature_group"]
    layer = layer_payload(fg)
    assert layer and layer[0] == "events", "no event layer in the map's feature group"
    return layer[1]["id"]


def html_text(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads_without_an_exception(app, page):
    at = app.run()
    if page != "pages/map.py":
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"


def test_map_draws_every_event_with_coordinates(app, seed):
    at = app.run()
    ids = drawn_ids(at)
    # Events known only at country level (all their places are countries) are listed beside the map
    # under "Without a precise place", not drawn as a dot in the middle of Syria (issue 15).
    country = set(seed.places.loc[seed.places["kind"] == "country", "place_id"])
    only_country = seed.events["place_list"].map(lambda ps: all(p in country for p in ps))
    assert only_country.sum() == 3
    assert sorted(ids) == sorted(seed.events.loc[seed.events["lat"].notna() & ~only_country, "event_id"])
    assert f"**{len(seed.events)} of {len(seed.events)} events shown**" in [m.value for m in at.markdown]
    assert [e.label for e in at.expander] == ["Without a precise place (3)"]
    listed = {b.label for b in at.expander[0].button}
    assert listed == set(seed.events.loc[only_country, "title_en"])


def test_moving_the_slider_changes_the_events_shown(app):
    at = app.run()
    before = set(drawn_ids(at))
    at.slider(key="f_dates").set_value((dt.date(2024, 12, 1), dt.date(2024, 12, 10))).run()
    after = set(drawn_ids(at))
    assert after and after < before
    assert "damascus-taken" in after and "ain-issa-ied" not in after
    shown = next(m.value for m in at.markdown if "events shown" in m.value)
    listed = next((int(e.label.split("(")[1].rstrip(")")) for e in at.expander
                   if e.label.startswith("Without a precise place")), 0)
    assert shown.startswith(f"**{len(after) + listed} of")  # drawn + listed without a precise place


def test_quick_jump_sets_the_window_to_a_cluster(app):
    at = app.run()
    jump = next(b for b in at.button if b.label.startswith("Dec 2024"))
    jump.click().run()
    lo, hi = at.slider(key="f_dates").value
    assert lo.year == 2024 and hi == dt.date(2024, 12, 10)
    assert all(i not in drawn_ids(at) for i in ("ain-issa-ied", "hajin-clashes"))


def test_base_map_script_does_not_change_with_the_selection(app):
    # The map's identity is its script: if it changed, the user's pan and zoom would be lost.
    at = app.run()
    script = map_args(at)["script"]
    at.slider(key="f_dates").set_value((dt.date(2018, 6, 1), dt.date(2018, 6, 30))).run()
    assert map_args(at)["script"] == script


def test_search_in_arabic_or_english_narrows_the_map(app):
    at = app.run()
    at.text_input(key="f_text").input("الميادين").run()
    assert drawn_ids(at) == ["mayadin-explosion"]
    at.text_input(key="f_text").input("Mayadeen").run()  # a transliteration listed in the gazetteer
    assert drawn_ids(at) == ["mayadin-explosion"]


def test_status_filter(app):
    at = app.run()
    at.multiselect(key="f_status").set_value(["contested"]).run()
    ids = drawn_ids(at)
    assert "ain-issa-ied" in ids and "mayadin-explosion" not in ids


def test_claim_panel_shows_the_ledger_with_rtl_arabic(app, seed):
    at = app.run()
    at.session_state["selected_event"] = "ain-issa-ied"
    at.run()
    html = html_text(at)
    claims = seed.claims[seed.claims["event_id"] == "ain-issa-ied"]
    for _, c in claims.iterrows():
        assert c["claimant"].split(" (")[0] in html
        if c["quote_ar"]:
            assert 'dir="rtl" lang="ar"' in html and c["quote_ar"][:30] in html
    for stance in ("Asserts", "Denies", "Aware of reports"):
        assert stance in html
    assert '"selected":"ain-issa-ied"' in map_args(at)["feature_group"]


def test_injected_text_stays_text_in_panel_tables_and_map(monkeypatch, make_data):
    d = make_data(
        events=[event("x1", "2018-06-03", title_en=PAYLOAD, title_ar=PAYLOAD, summary_en=PAYLOAD, notes=PAYLOAD,
                      actor1=PAYLOAD, location_note=PAYLOAD)],
        claims=[claim("c1", "x1", PAYLOAD, "asserts", quote_ar=PAYLOAD, quote_en=PAYLOAD, channel=PAYLOAD)],
        sources=[source(title=PAYLOAD, outlet=PAYLOAD)],
        places=[place("a", 36.0, 38.0, name_en=PAYLOAD, name_ar=PAYLOAD, coord_source=PAYLOAD)],
    )
    monkeypatch.setenv("CONFLICTMAP_DATA", str(d))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.session_state["selected_event"] = "x1"
    at.run()
    assert not at.exception
    html = html_text(at)
    assert "<img src=x" not in html and "</script><script>" not in html
    assert "&lt;img src=x onerror=" in html  # shown, as text
    fg = map_args(at)["feature_group"]
    assert "<img src=x" not in fg and "${window" not in fg and "`+(window" not in fg
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, page


def test_data_quality_page_lists_rejected_rows(monkeypatch, make_data):
    d = make_data(events=[event("ok", "2018-06-03"), event("bad", "2018-06-03", geo_precision="9")])
    monkeypatch.setenv("CONFLICTMAP_DATA", str(d))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    at.switch_page("pages/quality.py").run()
    [table] = at.dataframe
    df = table.value
    row = df[df["column"] == "geo_precision"].iloc[0]
    assert (row["file"], row["row"], row["value"]) == ("events.csv", 3, "9")
    assert drawn_ids(at.switch_page("pages/map.py").run()) == ["ok"]


def test_map_assets_are_served_locally_when_installed(app):
    if not (REPO / "static" / "vendor").exists():
        skip_or_fail("offline assets not installed: run `python -m conflictmap assets install`")
    args = map_args(app.run())
    links = args["js_links"] + args["css_links"]
    assert links and all(u.startswith("/app/static/") for u in links), links   # from the app itself
    assert any(u.startswith("/app/static/conflictmap-layers.js?v=") for u in args["js_links"])


def test_filters_survive_switching_pages(app):
    at = app.run()
    at.multiselect(key="f_status").set_value(["contested"]).run()
    n = len(drawn_ids(at))
    at.switch_page("pages/events.py").run()
    assert at.multiselect(key="f_status").value == ["contested"]
    assert any(m.value.startswith(f"**{n} of") for m in at.markdown)
    at.switch_page("pages/map.py").run()
    assert len(drawn_ids(at)) == n


def test_the_maps_language_and_basemap_survive_a_visit_to_another_page(app):
    at = app.run()
    at.button_group(key="lang").set_value("ar").run()
    at.selectbox(key="basemap").set_value("osm").run()
    at.switch_page("pages/events.py").run()
    at.switch_page("pages/map.py").run()
    assert not at.exception
    assert at.button_group(key="lang").value == "ar" and at.title[0].value == "الأحداث والروايات المتضاربة حولها"
    assert at.selectbox(key="basemap").value == "osm"
    assert at.query_params["lang"] == "ar" and at.query_params["map"] == "osm"


def test_a_second_click_on_the_chosen_language_keeps_it_chosen(app):
    # A segmented control unselects its option on a second click; the link once read "lang=None" then.
    at = app.run()
    at.button_group(key="lang").set_value("ar").run()
    at.button_group(key="lang").set_value(None).run()
    assert at.button_group(key="lang").value == "ar" and at.query_params["lang"] == "ar"
    at.button_group(key="lang").set_value("en").run()
    at.button_group(key="lang").set_value(None).run()
    assert at.button_group(key="lang").value == "en" and "lang" not in at.query_params


def _filter_callback_without_a_value():
    """A filter's callback fired for a widget whose value Streamlit cannot read (AppTest.from_function)."""
    import streamlit as st

    import ui

    st.session_state.setdefault("_keep_f_types", ["Explosion"])
    if st.button("late message"):
        ui.keep("f_types")           # as when a late map message names the page the user left
    st.multiselect("Event type", ["Explosion", "Clashes"], key="f_types_here")
    if st.button("a real change"):
        st.session_state["f_types"] = ["Clashes"]
        ui.keep("f_types")
    st.markdown(f"kept: {st.session_state['_keep_f_types']}")


def test_a_filter_callback_with_no_value_to_read_keeps_the_last_one():
    # In the browser, this raised KeyError and the page showed an exception instead of its content.
    at = AppTest.from_function(_filter_callback_without_a_value, default_timeout=30).run()
    at.button[0].click().run()
    assert not at.exception
    assert at.markdown[0].value == "kept: ['Explosion']"
    at.button[1].click().run()
    assert at.markdown[0].value == "kept: ['Clashes']"


def test_the_map_is_drawn_with_the_filters_the_sidebar_shows_in_the_same_run(app, seed):
    # The map page selects and draws the map before it draws the sidebar (the map reaches the browser
    # first). Every filter change must show on the map in the run it starts, without a second run.
    at = app.run()
    steps = [
        lambda: at.slider(key="f_dates").set_value((dt.date(2018, 5, 1), dt.date(2018, 6, 30))),
        lambda: at.multiselect(key="f_status").set_value(["contested", "single_source"]),
        lambda: at.text_input(key="f_text").input("Hajin"),
        lambda: at.multiselect(key="f_status").set_value([]),
        lambda: next(b for b in at.button if b.label == "All dates").click(),
    ]
    for step in steps:
        step().run()
        assert not at.exception
        assert "_refiltered" not in at.session_state, "the sidebar disagreed with the map's filters"
        lo, hi = at.slider(key="f_dates").value
        shown = next(m.value for m in at.markdown if "events shown" in m.value)
        n = int(shown.strip("*").split(" of ")[0])
        ev = seed.events
        overlap = ev[(ev["date_start"].dt.date <= hi) & (ev["date_end"].dt.date >= lo)]
        assert len(drawn_ids(at)) == n <= len(overlap)
    assert at.text_input(key="f_text").value == "Hajin"
    assert n == len(drawn_ids(at)) and 0 < n < len(seed.events)


def test_fit_all_on_the_map_follows_the_filters_and_zoom_to_event_moves_it_in_the_run(app, seed):
    # "Syria" and "Fit all" act in the browser (tests/browser/test_map.py); the server sends the bounds to fit.
    at = app.run()
    placed = seed.events[seed.events["lat"].notna()]
    assert layer_payload(map_args(at)["feature_group"])[1]["fit"][1][1] == round(placed["lon"].max(), 4)  # Moscow
    at.text_input(key="f_text").input("Hajin").run()
    shown = placed[placed["event_id"].isin(drawn_ids(at))]
    assert 0 < len(shown) < len(placed)
    fit = layer_payload(map_args(at)["feature_group"])[1]["fit"]
    assert fit == [[round(shown["lat"].min(), 4), round(shown["lon"].min(), 4)],
                   [round(shown["lat"].max(), 4), round(shown["lon"].max(), 4)]]

    at.session_state["selected_event"] = shown.iloc[0]["event_id"]
    at.run()
    next(b for b in at.button if b.label == "Zoom to this event").click().run()
    assert sent_view(at) == ((round(shown.iloc[0]["lat"], 5), round(shown.iloc[0]["lon"], 5)), 10)


def test_choosing_a_story_opens_its_first_step_in_the_same_run(app, seed):
    from conflictmap.stories import step_view, story_lengths

    at = app.run()
    story = next(iter(story_lengths(seed)))
    at.selectbox(key="story_pick_None_en").select_index(1).run()  # the first story (0 is "choose one")
    sv = step_view(seed, story, 1)
    assert at.session_state["story"] == story and at.session_state["story_step"] == 1
    assert sv.caption_en[:40] in html_text(at)
    if sv.center is not None:
        assert sent_view(at) == ((round(sv.center[0], 5), round(sv.center[1], 5)), sv.zoom)


def test_present_toggles_presentation_mode(app):
    at = app.run()
    next(b for b in at.button if b.label == "Present").click().run()
    assert at.session_state["present"] is True
    assert any(b.label == "Exit" for b in at.button)
    assert "section[data-testid=\"stSidebar\"]" in html_text(at)      # the controls are hidden
    next(b for b in at.button if b.label == "Exit").click().run()
    assert at.session_state["present"] is False and any(b.label == "Present" for b in at.button)


def test_the_event_picker_lists_the_latest_events_of_a_large_selection(monkeypatch, make_data):
    n = 260
    days = [dt.date(2018, 1, 1) + dt.timedelta(days=i) for i in range(n)]
    d = make_data(events=[event(f"e{i:03d}", day.isoformat()) for i, day in enumerate(days)])
    monkeypatch.setenv("CONFLICTMAP_DATA", str(d))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90).run()
    picker = at.selectbox(key="pick_None")
    assert len(picker.options) == 200
    assert "(e259)" in " ".join(picker.options) and "(e059)" not in " ".join(picker.options)
    assert any("latest 200 of 260 events" in c.value for c in at.caption)
    at.session_state["selected_event"] = "e000"          # an older event, e.g. clicked on the map
    at.run()
    options = at.selectbox(key="pick_e000").options
    assert len(options) == 201 and "(e000)" in options[0]


def test_a_click_on_the_map_opens_the_ledger_in_the_run_it_starts(app):
    # st_folium stores what it returns under its key before the run; the page reads it before drawing.
    at = app.run()
    at.session_state["map"] = {"last_active_drawing": {"properties": {"id": "ain-issa-ied"}}}
    at.run()
    assert at.session_state["selected_event"] == "ain-issa-ied"
    assert '"selected":"ain-issa-ied"' in map_args(at)["feature_group"]
    assert "Syrian Observatory for Human Rights" in html_text(at)
    assert at.selectbox(key="pick_ain-issa-ied").value == "ain-issa-ied"


def _press_during_another_interaction(protect: bool):
    """An app whose button callback is reached by a second interaction half-way (AppTest.from_function)."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData

    import ui

    def fit_all():
        # Another message reaches the server while the callback runs: the map sending its first view, say.
        get_script_run_ctx().script_requests.request_rerun(RerunData())
        st.session_state["view"] = "every event"
        st.session_state["presses"] = st.session_state.get("presses", 0) + 1

    st.button("Fit all", on_click=ui.uninterrupted(fit_all) if protect else fit_all)
    st.markdown(f"view: {st.session_state.get('view', 'Syria')}; presses: {st.session_state.get('presses', 0)}")


def test_a_press_is_not_lost_when_another_interaction_arrives_during_its_callback():
    # The page's callbacks are all ui.uninterrupted; this is the race that lost Fit all in the browser tests.
    at = AppTest.from_function(_press_during_another_interaction, args=(True,), default_timeout=30).run()
    at.button[0].click().run()
    assert not at.exception
    assert at.markdown[0].value == "view: every event; presses: 1"

    bare = AppTest.from_function(_press_during_another_interaction, args=(False,), default_timeout=30).run()
    bare.button[0].click().run()
    if bare.markdown[0].value != "view: Syria; presses: 0":
        skip_or_fail("this Streamlit no longer abandons an interrupted callback: the check above proves nothing")


def test_every_callback_of_the_app_is_uninterrupted():
    import ast

    files = [*sorted((REPO / "ui").glob("*.py")), REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
    trees = {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in files}
    defs = {f.name: f for tree in trees.values() for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
    callbacks = []
    for name, tree in trees.items():
        for call in (c for c in ast.walk(tree) if isinstance(c, ast.Call)):
            for kw in call.keywords:
                if kw.arg in ("on_click", "on_change") and not isinstance(kw.value, ast.Constant):  # "ignore"
                    callbacks.append((name, kw.value.attr if isinstance(kw.value, ast.Attribute) else kw.value.id))
    assert len(callbacks) >= 10, callbacks  # the finder works
    unprotected = [f"{file}: {fn}" for file, fn in callbacks
                   if not any("uninterrupted" in ast.unparse(d) for d in defs[fn].decorator_list)]
    assert unprotected == []


# --- server paths: only for the person editing at the machine ----------------------------------------

@pytest.mark.parametrize("mode, shows_path", [("local", True), ("off", False), ("login", False), ("bogus", False)])
def test_the_footer_shows_the_data_directory_only_when_editing_locally(app, monkeypatch, mode, shows_path):
    monkeypatch.setenv("CONFLICTMAP_EDIT", mode)
    at = app.switch_page("pages/events.py").run()
    footer = [c.value for c in at.caption if "events," in c.value]
    assert footer, [c.value for c in at.caption]
    # The caption is Markdown with the path escaped (a checkout under /tmp/tmp.X/ reads "tmp\\.X" in its source).
    assert (md_escape(str(REPO)) in footer[-1]) == shows_path, footer[-1]


def test_a_hosted_app_defaults_to_no_server_paths(app, monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_EDIT", raising=False)
    at = app.switch_page("pages/events.py").run()  # AppTest has no server address: not loopback, so "off"
    assert not any(str(REPO) in c.value for c in at.caption)


def test_the_events_table_of_a_large_selection_shows_the_latest_rows_and_says_so(monkeypatch, make_data):
    # Every row of the table is sent to the browser: a 200,000-event selection must not be (pages/events.py).
    n = 1030
    days = [dt.date(2015, 1, 1) + dt.timedelta(days=i) for i in range(n)]
    d = make_data(events=[event(f"e{i:04d}", day.isoformat()) for i, day in enumerate(days)])
    monkeypatch.setenv("CONFLICTMAP_DATA", str(d))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.switch_page("pages/events.py").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 1000
    assert "e1029" in set(table["event_id"]) and "e0029" not in set(table["event_id"])
    assert any("latest 1,000 of the 1,030 events" in c.value for c in at.caption)
    assert any("1030 of 1030 events" in m.value for m in at.markdown)
