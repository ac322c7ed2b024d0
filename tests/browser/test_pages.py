"""Every page of the app, reached through the sidebar navigation, loads without an exception shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conflictmap.i18n import EN

REPO = Path(__file__).resolve().parents[2]


def app_pages() -> list[tuple[str, str]]:
    """(script, title) of every ``st.Page(...)`` in app.py, in navigation order."""
    source = (REPO / "app.py").read_text(encoding="utf-8")
    pages = []
    for call in re.finditer(r"st\.Page\((.*?)\)", source, flags=re.S):
        script = re.match(r'\s*["\']([^"\']+)["\']', call.group(1))
        title = re.search(r'title\s*=\s*["\']([^"\']+)["\']', call.group(1))
        # Titles come from the message catalogue (title=t("nav.map")): the English one is the default.
        key = re.search(r'title\s*=\s*t\(\s*["\']([^"\']+)["\']', call.group(1))
        if script and (title or key):
            pages.append((script.group(1), EN[key.group(1)] if key else title.group(1)))
    return pages


PAGES = app_pages()


def test_app_py_lists_pages():
    assert len(PAGES) >= 4, PAGES


@pytest.mark.parametrize(("script", "title"), PAGES, ids=[s for s, _ in PAGES])
def test_page_loads_without_an_exception(open_app, seed_server, script, title):
    app = open_app(seed_server)
    assert app.nav_link(title).count() == 1, f"no sidebar link named {title!r}"
    app.go_to_page(title)
    assert app.exceptions() == []
    assert app.page.locator("h1").first.is_visible()
    if script.endswith("map.py"):
        app.wait_map()
    app.wait_idle()
    assert app.exceptions() == [], f"{title}: an exception is shown"


def test_a_page_link_clicked_as_the_map_opens_leads_to_that_page(open_app, seed_server):
    # A link clicked the moment the map shows. The map's report of its opening view (now not sent:
    # maplayers.QuietOpen) went out for the page being left, and took the user back to the map, or showed a
    # KeyError from a filter's callback (ui.keep). Three fresh sessions; the page must stay put once settled.
    # (App.go_to_page checks the same after every click, in every test, for links clicked as a page opens.)
    app = open_app(seed_server)
    for _ in range(3):
        app.goto()
        app.wait_map()
        app.go_to_page("Events")
        app.page.wait_for_timeout(1500)
        app.wait_idle()
        assert app.nav_link("Events").get_attribute("aria-current") == "page", app.page.url
        assert app.page.url.rstrip("/").endswith("/events"), app.page.url
        assert app.exceptions() == []
