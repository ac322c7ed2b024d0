"""Arabic on every page, in a real browser: the main area runs right to left and the heading is Arabic.

The language comes from a shared link (``?lang=ar``) and is kept while the reader moves through the
navigation (ui.i18n.lang); app.py sets the direction for every page, not only the map's.
"""

from __future__ import annotations

import re

from conflictmap.i18n import AR

# Every page's navigation entry (the edit page is translated on its own branch: it is checked for direction only).
PAGES = ["nav.map", "nav.events", "nav.claims", "nav.places", "nav.import", "nav.article", "nav.quality"]
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def test_every_page_in_arabic_runs_right_to_left_with_an_arabic_heading(open_app, seed_server):
    app = open_app(seed_server, "?lang=ar")
    app.wait_map()
    page = app.page
    for key in PAGES:
        app.go_to_page(AR[key])
        assert app.exceptions() == [], key
        page.wait_for_function("() => getComputedStyle(document.querySelector('[data-testid=stMain]')).direction"
                               " === 'rtl'")
        assert page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=stSidebar]'))"
                             ".direction") == "rtl", key
        heading = page.locator("[data-testid=stMain] h1").first.inner_text().strip()
        assert ARABIC.search(heading) and not LATIN_WORD.search(heading), f"{key}: h1 {heading!r}"
        # The heading itself is laid out right to left, so it starts at the right edge.
        assert page.evaluate("() => { const s = getComputedStyle(document.querySelector('[data-testid=stMain] h1'));"
                             " return [s.direction, s.textAlign]; }") in (["rtl", "right"], ["rtl", "start"]), key
