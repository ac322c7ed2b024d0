"""Presenting in a real browser: a copied link reopens the same view, a story steps by keyboard,
and the standalone HTML export works from disk with the network blocked."""

from __future__ import annotations

import re
import time

import pytest

from conflictmap import assets, export
from conflictmap.load import load_dataset
from conflictmap.stories import step_view, story_lengths

from .conftest import SCREENSHOTS, TIMEOUT_MS, VIEWPORT, App, full_page_screenshot


def test_a_copied_link_reopens_the_same_view_in_a_fresh_browser(open_app, seed_server, browser):
    app = open_app(seed_server)
    app.wait_map()
    # The user narrows the window, picks the Ain Issa blast and zooms the map in.
    runs = app.runs()
    app.date_thumb("end").focus()
    for _ in range(3):
        app.page.keyboard.press("ArrowLeft")
    app.wait_rerun(runs)
    runs = app.runs()
    app.pick_event("ain-issa-ied")
    app.wait_rerun(runs)
    app.ledger().wait_for()
    runs = app.runs()
    app.map_eval("(map) => { map.setView([36.37, 38.84], 9, {animate: false}); }")
    app.wait_rerun(runs)  # st_folium reports the new view; the link follows it
    app.wait_map()
    before = {"window": app.date_window(), "markers": sorted(app.markers()), "view": app.view(),
              "ledger": app.ledger().inner_text()}

    # "Copy link": the box shows the full URL.
    app.page.get_by_role("button", name=re.compile("Copy link to this view")).click()
    link = app.page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(seed_server.url) and "event=ain-issa-ied" in link and "z=9" in link

    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    try:
        fresh = App(ctx.new_page(), seed_server)
        fresh.page.goto(link)
        fresh.page.wait_for_selector("h1", timeout=TIMEOUT_MS)
        fresh.wait_idle()
        fresh.wait_map()
        fresh.ledger().wait_for()
        after = {"window": fresh.date_window(), "markers": sorted(fresh.markers()), "view": fresh.view(),
                 "ledger": fresh.ledger().inner_text()}
        full_page_screenshot(fresh.page, SCREENSHOTS / "link-reopened.png")
    finally:
        ctx.close()
    assert after["window"] == before["window"]
    assert after["markers"] == before["markers"]
    assert after["ledger"] == before["ledger"]
    assert after["view"]["zoom"] == before["view"]["zoom"] == 9
    assert after["view"]["lat"] == pytest.approx(before["view"]["lat"], abs=1e-3)
    assert after["view"]["lng"] == pytest.approx(before["view"]["lng"], abs=1e-3)


def test_a_bad_link_shows_a_notice_and_the_page_still_works(open_app, seed_server):
    app = open_app(seed_server, "?event=no-such-event&from=2018-02-30&z=banana&status=contested")
    app.wait_map()
    notice = app.page.locator(".cm-notice")
    notice.wait_for()
    text = notice.inner_text()
    assert "no such event" in text and "not a date" in text
    assert app.exceptions() == []
    assert "ain-issa-ied" in app.markers()  # the valid part (status=contested) still applied


def settle(app: App, quiet_s: float = 1.5, deadline_s: float = 60) -> None:
    """Until no script run has started for ``quiet_s``: the map reports its view once after drawing,
    and a key pressed during that rerun can land on a button that is being replaced. Fails after
    ``deadline_s`` if the page never goes quiet (a rerun loop is a bug to report, not to wait out)."""
    give_up = time.monotonic() + deadline_s
    while time.monotonic() < give_up:
        runs = app.runs()
        app.page.wait_for_timeout(quiet_s * 1000)
        app.wait_idle()
        if app.runs() == runs:
            return
    pytest.fail(f"the page kept rerunning for {deadline_s:.0f} s: {app.runs()} runs", pytrace=False)


def test_a_story_steps_by_keyboard(open_app, seed_server, seed):
    n = story_lengths(seed)["ain-issa"]
    app = open_app(seed_server, "?story=ain-issa&step=1")
    app.wait_map()
    app.page.get_by_text(f"Step 1 / {n}").wait_for()
    stance_of = seed.claims.set_index("claim_id")["stance"]
    for step in (2, 3, 4):
        settle(app)
        runs = app.runs()
        app.page.locator("body").press("ArrowRight")
        app.wait_rerun(runs)
        app.page.get_by_text(f"Step {step} / {n}").wait_for()
        sv = step_view(seed, "ain-issa", step)
        caption = app.page.locator(".cm-caption").first.inner_text()
        assert caption == sv.caption_en
        highlighted = app.ledger().locator(".cm-highlight")
        assert highlighted.count() == 1
        claimant = seed.claims.set_index("claim_id").at[sv.claim_id, "claimant"]
        assert claimant.split(" (")[0] in highlighted.inner_text()
        assert stance_of[sv.claim_id] in ("asserts", "denies", "acknowledges")
        # The map is on the event and shows it selected.
        app.wait_map()
        assert "ain-issa-ied" in app.markers()
    settle(app)
    runs = app.runs()
    app.page.locator("body").press("ArrowLeft")
    app.wait_rerun(runs)
    app.page.get_by_text(f"Step 3 / {n}").wait_for()


def test_the_assad_story_draws_its_path_to_moscow(open_app, seed_server):
    app = open_app(seed_server, "?story=assad-exit&step=5")
    app.wait_map()
    arrows = app.map_eval("""(map, L) => { let n = 0;
        map.eachLayer(l => { if (l instanceof L.Marker && l.options.icon
                                 && l.options.icon.options.className === 'cm-arrow') n++; });
        return n; }""")
    assert arrows >= 2  # Damascus -> Hmeimim -> Moscow, with direction
    app.ledger().wait_for()
    assert app.ledger().get_by_text("Attributed / unverified").count() >= 1  # Assad's account is marked


def test_the_exported_html_works_from_disk_with_no_network(browser, payload_dir, tmp_path):
    if not assets.use_local_assets():
        pytest.fail("offline assets not installed: run `python -m conflictmap assets install`")
    data = load_dataset(payload_dir)
    path = tmp_path / "export.html"
    export.atomic_write(path, export.to_standalone_html(data, data.events))

    ctx = browser.new_context(viewport=VIEWPORT)
    requested: list[str] = []

    def route(r):
        requested.append(r.request.url)
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            r.abort()

    ctx.route("**/*", route)
    try:
        page = ctx.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("() => window.L && document.querySelector('.leaflet-timeline-control')",
                               timeout=TIMEOUT_MS)

        # Markers are canvas-drawn (prefer_canvas): count the event layers on the map object.
        count_js = """() => { let n = 0; window.map_cm.eachLayer(l => {
            if (l.feature && l.feature.properties && l.feature.properties.popup) n++; }); return n; }"""

        def drawn() -> int:
            return page.evaluate(count_js)

        page.wait_for_function(f"({count_js})() > 0")
        at_end = drawn()
        mapped = data.events["lat"].notna().sum()
        assert at_end >= mapped > 0
        # Move the time slider back to the start: fewer events have happened by then.
        slider = page.locator(".leaflet-timeline-control input[type=range]")
        slider.evaluate("(s) => { s.value = s.min; s.dispatchEvent(new Event('input', {bubbles: true})); "
                        "s.dispatchEvent(new Event('change', {bubbles: true})); }")
        page.wait_for_function(f"(n) => ({count_js})() < n", arg=at_end)
        assert drawn() < at_end
        # A popup shows the ledger with the payload as literal text, and nothing ran.
        slider.evaluate("(s) => { s.value = s.max; s.dispatchEvent(new Event('input', {bubbles: true})); }")
        page.wait_for_function(f"(n) => ({count_js})() >= n", arg=at_end)
        # Click an event marker where it is drawn: its popup is the escaped claim ledger.
        x, y = page.evaluate("""() => { let p = null; window.map_cm.eachLayer(l => {
            if (!p && l.feature && l.feature.properties.popup && l.getLatLng) {
                const q = window.map_cm.latLngToContainerPoint(l.getLatLng());
                const r = window.map_cm.getContainer().getBoundingClientRect(); p = [q.x + r.left, q.y + r.top]; } });
            return p; }""")
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "Claim ledger" in popup.inner_text()
        assert page.evaluate("() => typeof window.__pwned") == "undefined"
        # The payload sources' javascript: URL is text in the popup and in the Sources panel, never a link.
        js_links = """() => [...document.querySelectorAll('a[href]')]
            .filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length"""
        assert page.evaluate(js_links) == 0
        assert "javascript:window.__pwned=1" in page.locator(".cm-sources").inner_text()
        assert "javascript:window.__pwned=1" in popup.inner_text()
        full_page_screenshot(page, SCREENSHOTS / "export-offline.png")
    finally:
        ctx.close()
    assert all(u.startswith(("file:", "data:")) for u in requested), [u for u in requested
                                                                     if not u.startswith(("file:", "data:"))]
