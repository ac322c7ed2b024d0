"""The map page in a real browser: markers drawn, the view surviving the time slider, a click opening the ledger."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

import pytest

from conflictmap.geo import country_only
from conflictmap.select import select_events

from .conftest import _MAP_JS, AIN_ISSA, MAP_IFRAME, App


def expected_ids(data, window) -> tuple[list[str], int]:
    """(ids that should be drawn: selected and with coordinates, number selected) for a date window."""
    sel = select_events(data, date_range=window)
    # Events known only at country level are listed beside the map, not drawn (issue 15, geo.country_only).
    drawn = sel["lat"].notna() & ~country_only(sel, data.places)
    return sorted(sel.loc[drawn, "event_id"]), len(sel)


def test_map_renders_one_marker_per_selected_event(open_app, seed_server, seed):
    app = open_app(seed_server)
    app.wait_map()
    ids, n_selected = expected_ids(seed, app.date_window())
    assert ids, "the seed data should put events on the map"

    drawn = app.markers()
    assert sorted(drawn) == ids
    assert app.event_count() == len(drawn)
    assert app.shown_counts() == (n_selected, len(seed.events))

    # Rendered offline: Leaflet came from the app's own static files, and the Natural Earth borders were drawn.
    leaflet = app.map_eval("""() => performance.getEntriesByType('resource').map(e => e.name)
                                     .filter(u => /leaflet(\\.min)?\\.js$/.test(u))""")
    assert leaflet and all(u.startswith(seed_server.url + "app/static/vendor/") for u in leaflet), leaflet
    app.page.wait_for_function("""() => {
        const w = document.querySelector('iframe[title="streamlit_folium.st_folium"]').contentWindow;
        let n = 0; w.map.eachLayer(l => { if (l.options && l.options.pane === 'cm-basemap') n++; });
        return n > 10; }""")


# (thumb, key, presses): a move that keeps the notice about events outside Syria, and one that removes it.
SLIDER_MOVES = [
    pytest.param("start", "ArrowRight", 1, id="start-thumb-one-day-later"),
    pytest.param("end", "ArrowLeft", 3, id="end-thumb-before-the-moscow-events"),
]


@pytest.mark.parametrize(("thumb", "key", "presses"), SLIDER_MOVES)
def test_keyboard_slider_changes_markers_and_keeps_the_view(open_app, seed_server, seed, thumb, key, presses):
    app = open_app(seed_server)
    app.wait_map()
    before = app.markers()

    # The user zooms in with the + button and drags the map somewhere else.
    zoom0 = app.view()["zoom"]
    app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-control-zoom-in").click()
    app.map_eval("(map, L, z) => new Promise(r => map.getZoom() > z && !map._animatingZoom ? r() : "
                 "map.once('zoomend', () => r()))", zoom0)
    app.wait_map_still()
    box = app.iframe_box()
    x, y = box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.75  # over Iraq: no marker to hit
    start = app.view()
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    for i in range(1, 13):
        app.page.mouse.move(x - 10 * i, y - 6 * i)
    app.page.mouse.up()
    app.wait_map_still()
    app.wait_idle()  # a pan may rerun the script (st_folium returns the view)
    left = app.view()
    assert left["zoom"] == zoom0 + 1
    assert (left["lat"], left["lng"]) != (start["lat"], start["lng"]), "the mouse drag did not pan the map"
    app.map_eval("() => { window.__cmSameMap = true; }")

    # Move one thumb of the sidebar's date slider with the keyboard, a day per key press.
    lo, hi = app.date_window()
    step = dt.timedelta(days=presses if key == "ArrowRight" else -presses)
    target = (lo + step, hi) if thumb == "start" else (lo, hi + step)
    ids, n_selected = expected_ids(seed, target)
    assert ids != sorted(before), "this slider move should change the events shown"
    app.date_thumb(thumb).focus()
    for _ in range(presses):
        app.page.keyboard.press(key)
    app.page.wait_for_function("([el, want]) => el.getAttribute('aria-valuetext') === want",
                               arg=[app.date_thumb(thumb).element_handle(), target[thumb == "end"].isoformat()])
    app.wait_markers(ids)
    app.wait_idle()
    app.wait_map_still()

    assert sorted(app.markers()) == ids
    assert app.shown_counts()[0] == n_selected
    same_map = app.map_eval("() => window.__cmSameMap === true")
    after = app.view()
    assert after["zoom"] == left["zoom"], (
        f"zoom {left['zoom']} -> {after['zoom']}"
        + ("" if same_map else ": the map's iframe was re-created by the rerun, so the view reset"))
    assert (after["lat"], after["lng"]) == pytest.approx((left["lat"], left["lng"]), abs=1e-6), (
        f"centre moved from {left} to {after}"
        + ("" if same_map else ": the map's iframe was re-created by the rerun, so the view reset"))
    assert same_map, "the map's iframe was re-created by the rerun"


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def test_clicking_a_marker_opens_its_claim_ledger_with_rtl_arabic(open_app, seed_server, seed):
    app = open_app(seed_server)
    app.wait_map()
    row = seed.events.set_index("event_id").loc[AIN_ISSA]
    lat, lon = float(row["lat"]), float(row["lon"])
    assert app.markers_at(lat, lon) == [AIN_ISSA], "the click point should hit only this event's marker"

    app.click_map_at(lat, lon)
    ledger = app.ledger()
    ledger.wait_for()
    app.wait_idle()
    app.page.mouse.move(5, 5)  # no tooltip over the screenshot

    text = _squash(ledger.inner_text())
    assert _squash(row["title_en"]) in text
    claims = seed.claims[seed.claims["event_id"] == AIN_ISSA]
    assert f"Claim ledger ({len(claims)})" in text
    for claimant in claims["claimant"]:
        assert _squash(claimant) in text
    for stance in ("Asserts", "Denies", "Aware of reports"):
        assert stance in text

    quotes = [_squash(q) for q in claims["quote_ar"] if q]
    rtl = ledger.locator("blockquote[dir=rtl]")
    assert rtl.count() == len(quotes) > 0
    shown = [_squash(t) for t in rtl.all_inner_texts()]
    for q in quotes:
        assert q in shown
    directions = rtl.evaluate_all("els => els.map(e => getComputedStyle(e).direction)")
    assert directions == ["rtl"] * len(quotes)
    assert all(b.get_attribute("lang") == "ar" for b in rtl.all())

    # The Event list follows the click, and the map marks the event (a bigger marker).
    assert app.event_box().input_value().endswith(f"({AIN_ISSA})")
    app.page.wait_for_function("""(id) => {
        const w = document.querySelector('iframe[title="streamlit_folium.st_folium"]').contentWindow;
        let mine = null, others = 0;
        w.map.eachLayer(l => { if (l instanceof w.L.CircleMarker && l.options.className === 'cm-event') {
            if (l.feature.properties.id === id) mine = l.getRadius();
            else others = Math.max(others, l.getRadius()); } });
        return mine !== null && mine > others; }""", arg=AIN_ISSA)


def test_downloads_hold_exactly_the_selection(open_app, seed_server, seed, tmp_path):
    """The files are built when the button is clicked, from the selection on screen at that moment."""
    import pandas as pd

    app = open_app(seed_server)
    app.wait_map()
    lo, hi = app.date_window()
    target = (lo, hi - dt.timedelta(days=3))
    want = sorted(select_events(seed, date_range=target)["event_id"])
    assert 0 < len(want) < len(seed.events), "this window should leave some events out"
    app.date_thumb("end").focus()
    for _ in range(3):
        app.page.keyboard.press("ArrowLeft")
    app.page.wait_for_function("([el, want]) => el.getAttribute('aria-valuetext') === want",
                               arg=[app.date_thumb("end").element_handle(), target[1].isoformat()])
    # The slider sends its value a moment after the last key press: wait for the page to show the new selection.
    app.page.get_by_text(f"{len(want)} of {len(seed.events)} events shown").wait_for()
    app.wait_idle()
    assert app.shown_counts()[0] == len(want)

    app.wait_idle()
    app.page.get_by_role("button", name="Download this selection").click()
    app.page.get_by_role("button", name="CSV (spreadsheet-safe)").wait_for()
    with app.page.expect_download() as info:
        app.page.get_by_role("button", name="CSV (spreadsheet-safe)").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    assert path.name == "conflictmap-events.csv"
    assert sorted(pd.read_csv(path, dtype=str)["event_id"]) == want

    with app.page.expect_download() as info:
        app.page.get_by_role("button", name="GeoJSON (with claims)").click()
    info.value.save_as(tmp_path / "x.geojson")
    import json
    features = json.loads((tmp_path / "x.geojson").read_text(encoding="utf-8"))["features"]
    assert sorted(f["properties"]["event_id"] for f in features) == want
    assert not app.exceptions()


def test_the_maps_fit_all_and_syria_buttons_act_at_once_and_the_link_follows(open_app, seed_server, seed):
    # "Fit all" and "Syria" are on the map and act in the browser. Pressed the moment the map shows, while the
    # page's opening runs are still going, a press on a Streamlit button could be lost in a rerun race
    # (ui.uninterrupted); these cannot. Three fresh sessions, no waiting for idle.
    from conflictmap.geo import SYRIA_CENTER, SYRIA_ZOOM

    placed = seed.events[seed.events["lat"].notna()]
    far = placed.loc[placed["lat"].idxmax()]               # Moscow: outside the default view of Syria
    app = open_app(seed_server)
    moscow = [float(far["lat"]), float(far["lon"])]
    for _ in range(3):
        app.goto()
        app.wait_map()
        assert not app.map_eval("(map, L, ll) => map.getBounds().contains(ll)", moscow)  # a fresh session: Syria
        app.map_button("Fit all").click()
        app.wait_in_view(float(far["lat"]), float(far["lon"]))
        app.wait_idle()
        app.wait_in_view(float(far["lat"]), float(far["lon"]))   # and the runs that follow keep it there
    app.wait_url_param("z", True)                                 # the shareable link holds the new view

    app.map_button("Syria").click()
    app.page.wait_for_function(f"""() => {{ const w = ({_MAP_JS})(); const c = w.map.getCenter();
        return w.map.getZoom() === {SYRIA_ZOOM} && Math.abs(c.lat - {SYRIA_CENTER[0]}) < 0.05
               && Math.abs(c.lng - {SYRIA_CENTER[1]}) < 0.05; }}""")
    assert not app.map_eval("(map, L, ll) => map.getBounds().contains(ll)", moscow)
    app.wait_url_param("z", False)                                # the default view needs no parameters
    assert not app.exceptions()

    # Nothing shown: Fit all is disabled, and comes back with the events.
    box = app.page.get_by_label("Search (Arabic or English)")
    drawn = int((~country_only(placed, seed.places)).sum())     # country-level events are listed, not drawn
    for text, count in (("zzzz-no-such-event", 0), ("", drawn)):
        since = app.runs()
        box.fill(text)
        box.press("Enter")
        app.wait_rerun(since)
        app.wait_map(count=count)
        assert app.map_button("Fit all").is_disabled() == (count == 0)


def test_zoom_to_this_event_works_again_after_the_user_panned_away(open_app, seed_server, seed):
    # st_folium moves the map only when the centre and zoom it is sent change: asking for the same place a
    # second time, after a pan, once did nothing (maplayers.view_args).
    row = seed.events.set_index("event_id").loc[AIN_ISSA]
    lat, lon = float(row["lat"]), float(row["lon"])
    app = open_app(seed_server)
    app.wait_map()
    app.pick_event(AIN_ISSA)
    app.wait_idle()
    for _ in range(2):
        app.page.get_by_role("button", name="Zoom to this event").click()
        app.page.wait_for_function(f"""() => {{ const w = ({_MAP_JS})(); const c = w && w.map.getCenter();
            return c && w.map.getZoom() === 10 && Math.abs(c.lat - {lat}) < 0.01 && Math.abs(c.lng - {lon}) < 0.01
                   && !w.map._animatingZoom; }}""")
        app.map_eval("(map) => { map.setView([33.5, 36.3], 8); return true; }")  # the user pans and zooms out
        app.page.wait_for_function("() => new URL(location.href).searchParams.get('z') === '8'")  # the server saw it
        app.wait_idle()
    assert not app.exceptions()


# Every value the map sends the app, recorded in the page before any script of the app runs.
_RECORD_MAP_VALUES = """
window.cmSent = [];
window.addEventListener('message', (e) => {
  const f = document.querySelector(MAP_IFRAME);
  if (f && e.source === f.contentWindow && e.data && e.data.type === 'streamlit:setComponentValue') {
    window.cmSent.push(JSON.stringify(e.data.value));
  }
});
""".replace("MAP_IFRAME", json.dumps(MAP_IFRAME))


def test_the_map_reports_only_real_changes_not_the_view_it_opened_with(browser_context, seed_server, seed):
    # The map used to send its opening view (a script run that told the app nothing), then ~250 ms later the
    # same view computed from pixels. Either one, arriving after a click on another page's link, took the user
    # back to the map (maplayers.QuietOpen).
    page = browser_context.new_page()
    page.add_init_script(_RECORD_MAP_VALUES)
    app = App(page, seed_server)
    for _ in range(2):
        app.goto()
        app.wait_map()
        page.wait_for_timeout(1500)            # several times st_folium's 250 ms debounce
        app.wait_idle()
        sent = page.evaluate("window.cmSent")
        assert sent == [], "the map sent values without being touched:\n" + "\n".join(sent)
    # A click on an event is sent: its ledger opens.
    row = seed.events.set_index("event_id").loc[AIN_ISSA]
    app.click_map_at(float(row["lat"]), float(row["lon"]))
    app.ledger().wait_for()
    assert len(page.evaluate("window.cmSent")) == 1
    # So is a move, once, and the shareable link follows it.
    app.map_eval("(map) => { map.setView([33.5, 36.3], 8); return true; }")
    page.wait_for_function("() => window.cmSent.length === 2")
    assert '"zoom":8' in page.evaluate("window.cmSent")[1]
    app.wait_url_param("z", True)
    assert not app.exceptions()
