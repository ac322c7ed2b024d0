"""A data set with script-injection payloads in every text column runs nothing in the browser, and still works.

Every payload sets ``window.__pwned``; the data (see ``write_payload_data``) puts them in
every free-text column of every table, in ids, and in a rejected row's typed columns.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from .conftest import INJECTED, PAYLOAD_EVENT, PAYLOAD_ID_EVENT, PAYLOADS, TIMEOUT_MS, UNPLACED, PlaywrightError

TOOLTIP = ".leaflet-tooltip"


def _javascript_links(app) -> list[str]:
    links = []
    for frame in app.page.frames:
        links += frame.evaluate("""() => [...document.querySelectorAll('[href], [src], [action]')]
            .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || '')
            .filter(u => /^\\s*javascript:/i.test(u))""")
    return links


def test_payloads_execute_nothing_and_the_app_still_works(open_app, payload_server, payload_data, request_log,
                                                         request):
    mapped = payload_data.events[payload_data.events["lat"].notna()]
    assert {PAYLOAD_EVENT, PAYLOAD_ID_EVENT} <= set(mapped["event_id"]), "both payload events should load"
    assert payload_data.errors, "the row with payloads in its typed columns should be rejected"

    app = open_app(payload_server)
    app.wait_map(count=len(mapped))
    assert len(app.markers()) == len(mapped)
    assert app.shown_counts() == (len(mapped), len(payload_data.events))
    assert app.pwned() == {}

    # Hover: the tooltip shows the payload title as text.
    row = payload_data.events.set_index("event_id").loc[PAYLOAD_EVENT]
    lat, lon = float(row["lat"]), float(row["lon"])
    x, y = app.point_of(lat, lon)
    app.page.mouse.move(x, y)
    tooltip = app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(TOOLTIP)
    tooltip.wait_for()
    assert PAYLOADS[0] in tooltip.text_content()
    assert tooltip.locator("img, script, svg").count() == 0

    # Click: the ledger opens and shows every payload literally.
    app.click_map_at(lat, lon)
    ledger = app.ledger()
    ledger.wait_for()
    app.wait_idle()
    app.page.mouse.move(5, 5)
    assert ledger.locator("h3").first.text_content() == INJECTED
    text = ledger.text_content()
    for p in PAYLOADS:
        assert p in text
    assert ledger.locator("img, script, svg, iframe").count() == 0
    assert app.pwned() == {}

    # The event whose id is itself a payload, chosen from the Event list.
    app.pick_event(PAYLOAD_ID_EVENT)
    ledger = app.ledger().filter(has_text="Claim ledger (1)")  # x1 has two claims, this one has one
    ledger.wait_for()
    app.wait_idle()
    assert INJECTED in ledger.text_content()
    assert ledger.locator("img, script, svg, iframe").count() == 0

    # Every page, with the payloads in its tables, captions and notices; then back to the map.
    names = [n.strip() for n in app.page.get_by_test_id("stSidebarNavLink").locator(
        '[data-testid="stMarkdownContainer"]').all_inner_texts()]
    assert len(names) >= 4, names
    for name in [*names[1:], names[0]]:
        app.go_to_page(name)
        assert app.exceptions() == [], f"{name}: an exception is shown"
        assert app.pwned() == {}, f"{name}: a payload ran"
    app.wait_map(count=len(mapped))

    assert app.pwned() == {}
    assert _javascript_links(app) == []
    mine = [e["url"] for e in request_log.entries if e["test"] == request.node.nodeid]
    assert mine, "requests should have been recorded"
    assert not [u for u in mine if urlsplit(u).path.rstrip("/").endswith("/x")], "an injected <img src=x> loaded"


def test_clicking_the_marker_of_an_event_whose_id_holds_markup_opens_its_ledger(open_app, payload_server,
                                                                                payload_data):
    mapped = payload_data.events[payload_data.events["lat"].notna()]
    app = open_app(payload_server)
    app.wait_map(count=len(mapped))
    row = payload_data.events.set_index("event_id").loc[PAYLOAD_ID_EVENT]
    lat, lon = float(row["lat"]), float(row["lon"])  # Moscow: off the default view of Syria
    app.map_button("Fit all").click()  # on the map, in the browser: during the opening runs too (test_map.py)
    app.wait_in_view(lat, lon)
    app.wait_idle()
    [drawn_id] = app.markers_at(lat, lon)
    app.click_map_at(lat, lon)
    ledger = app.ledger()
    try:
        ledger.wait_for(timeout=30_000)
    except PlaywrightError:
        pytest.fail(f"clicking the marker opened no ledger; the marker carries the id {drawn_id!r}, "
                    f"the event's id is {PAYLOAD_ID_EVENT!r}", pytrace=False)
    assert app.event_box().input_value().endswith(f"({PAYLOAD_ID_EVENT})")
    assert app.pwned() == {}


# Streamlit renders st.info text as Markdown: data (or a shared link's parameters) put there
# unescaped can add a clickable link to any site, on the app's own origin. Script cannot run (Markdown's
# HTML is escaped and javascript: links are dropped), but the text must still reach the reader as text.
MD_LINK = "[Sign in again](https://example.invalid/login)"


def _links_in(locator) -> list[str]:
    return locator.locator("a[href]").evaluate_all("els => els.map(e => e.href)")


def test_a_place_name_in_the_outside_the_map_notice_is_shown_as_text(open_app, payload_server, payload_data):
    mapped = payload_data.events[payload_data.events["lat"].notna()]
    app = open_app(payload_server)
    app.wait_map(count=len(mapped))
    notice = app.page.get_by_test_id("stAlert").filter(has_text="outside the map")
    notice.wait_for()
    text = notice.inner_text()
    assert _links_in(notice) == [], "text from places.csv became a link"
    for literal in ("[md link](javascript:window.__pwned=1)", "`+(window.__pwned=1)+`"):
        assert literal in text, f"{literal!r} was rendered as Markdown, not shown as text"


def test_a_shared_link_cannot_put_a_link_in_the_notices(open_app, seed_server):
    from urllib.parse import quote

    app = open_app(seed_server, f"?event={quote(MD_LINK)}")
    notice = app.page.locator(".cm-notice")  # the link-parameter notice above the map
    notice.wait_for()
    assert "no such event" in notice.inner_text()
    assert _links_in(notice) == [], "a URL parameter became a link in the notice"
    assert MD_LINK in notice.inner_text()


def test_place_names_in_the_places_page_labels_are_text(open_app, payload_server, payload_data):
    # Geocoding a place without coordinates puts its names (here: payloads) into a caption, a checkbox or a radio
    # label, all of which Streamlit renders as Markdown.
    assert payload_data.places.set_index("place_id").loc[UNPLACED, "lat"] != payload_data.places["lat"].max()
    app = open_app(payload_server)
    app.go_to_page("Places")
    button = app.page.get_by_role("button", name="Geocode 1 place(s)")
    button.click()
    main = app.page.get_by_test_id("stMain")
    label = main.get_by_text(f"{UNPLACED} (", exact=False).first  # the place's own line: "unplaced (names): ..."
    label.wait_for(timeout=TIMEOUT_MS)
    app.wait_idle()
    text = label.inner_text()
    assert text.startswith(f"{UNPLACED} (")
    for literal in ("[md link](javascript:window.__pwned=1)", "`+(window.__pwned=1)+`", "${window.__pwned=1}"):
        assert literal in text, f"{literal!r} was rendered as Markdown, not shown as text"
    assert [h for h in _links_in(main) if "javascript" in h.lower()] == []
    assert main.locator("img[onerror], svg[onload]").count() == 0
    assert app.exceptions() == [] and app.pwned() == {}
