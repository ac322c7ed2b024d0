"""No request leaves 127.0.0.1, over this test's own tour of the app and over the whole test session.

Every browser context records every request (``context.on("request")``, web sockets too)
and aborts, and records, any request not addressed to 127.0.0.1 (``context.route``).
This test runs after the other browser tests (``browser_last``), so the session log it
checks holds their traffic as well; the log and a summary are written to
``tests/artifacts/requests.json``.
"""

from __future__ import annotations

import json

import pytest

from .conftest import AIN_ISSA


def _report(entries: list[dict]) -> str:
    by_url: dict[str, set[str]] = {}
    for e in entries:
        by_url.setdefault(e["url"], set()).add(e["test"].split("::")[-1])
    return "\n".join(f"  {url}\n    from: {', '.join(sorted(tests))}" for url, tests in sorted(by_url.items()))


@pytest.mark.browser_last
def test_no_request_leaves_127_0_0_1(open_app, seed_server, seed, request_log, request):
    app = open_app(seed_server)
    app.wait_map()

    # Every page, through the sidebar, then back to the map.
    names = [n.strip() for n in app.page.get_by_test_id("stSidebarNavLink").locator(
        '[data-testid="stMarkdownContainer"]').all_inner_texts()]
    for name in [*names[1:], names[0]]:
        app.go_to_page(name)
    app.wait_map()

    # Hover and click a marker: tooltip, ledger.
    row = seed.events.set_index("event_id").loc[AIN_ISSA]
    app.click_map_at(float(row["lat"]), float(row["lon"]))
    app.ledger().wait_for()
    app.wait_idle()

    # Zoom, and move the time slider with the keyboard.
    app.page.frame_locator('iframe[title="streamlit_folium.st_folium"]').locator(".leaflet-control-zoom-in").click()
    n = app.event_count()
    app.date_thumb("start").focus()
    app.page.keyboard.press("ArrowRight")
    app.page.wait_for_function("""(n) => { const f = document.querySelector(
        'iframe[title="streamlit_folium.st_folium"]'); return f && f.contentWindow.cmEventCount !== undefined
        && f.contentWindow.cmEventCount !== n; }""", arg=n)
    app.wait_idle()

    mine = [e for e in request_log.entries if e["test"] == request.node.nodeid]
    assert any(e["kind"] == "websocket" for e in mine), "the app's web socket should have been recorded"
    assert any("/app/static/vendor/" in e["url"] for e in mine), "the map's scripts should have been recorded"
    summary = request_log.summary()
    print("recorded requests this session:", json.dumps(summary, indent=1))
    assert request_log.non_local() == [], (
        f"requests that would have left 127.0.0.1 (aborted) this session:\n{_report(request_log.non_local())}")
