"""Fixtures for the real-browser tests: a running app, Debian's Chromium, and a page driver.

The server, the browser, the local-only context and the :class:`App` driver live in
``tests/harness.py`` (shared with the benchmarks and the screenshot script); this file
adds what is pytest's: fixtures, skip semantics, the injection data set, artifacts.

* ``seed_server`` / ``payload_server`` (session): ``streamlit run app.py`` on a free
  port on 127.0.0.1, pointed (``CONFLICTMAP_DATA``) at the bundled seed data or at a
  data set with script-injection payloads in every text column. Output goes to
  ``tests/artifacts/server-<name>.log``, kept when a test failed.
* ``browser`` (session): the ``chromium`` on PATH, launched by Playwright's client.
  Never a downloaded browser. Missing: the tests skip, saying how to install it;
  with ``CI=true`` a skipped browser test is reported as a failure.
* ``open_app`` (per test): a fresh browser context whose every request is recorded
  (and aborted unless it goes to 127.0.0.1); returns an :class:`App` driver. A
  full-page screenshot of each page is saved to
  ``tests/artifacts/screenshots/<test name>.png`` when the test ends.
* ``request_log`` (session): every request of the session, written with a summary to
  ``tests/artifacts/requests.json`` at the end.
"""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest

from conflictmap import schema
from conflictmap.load import load_dataset
from tests.conftest import PAYLOAD, PAYLOADS, claim, event, place, skip_or_fail, source, write_table
from tests.harness import (  # noqa: F401 - re-exported: the test files import these from here
    CHROMIUM_ARGS,
    INSTALL_HINT,
    MAP_IFRAME,
    MAP_WINDOW_JS,
    PLAYWRIGHT_HINT,
    SERVER_START_TIMEOUT,
    TIMEOUT_MS,
    VIEWPORT,
    App,
    PlaywrightError,
    RequestLog,
    StreamlitServer,
    chromium,
    chromium_path,
    free_port,
    full_page_screenshot,
    is_local,
    local_context,
    sync_playwright,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

_MAP_JS = MAP_WINDOW_JS  # the name test_map.py uses

# Text that would run if any layer (HTML, folium's JS template literals, Markdown, a link) let it through.
EXTRA_PAYLOADS = ["<svg/onload=window.__pwned=1>", "[md link](javascript:window.__pwned=1)"]
INJECTED = " ".join([*PAYLOADS, *EXTRA_PAYLOADS])
assert PAYLOAD in INJECTED
AIN_ISSA = "ain-issa-ied"  # seed event: a dashed line between two places, its marker at the midpoint
PAYLOAD_EVENT = "x1"  # ordinary id, every text column poisoned
PAYLOAD_ID_EVENT = PAYLOADS[0]  # an event whose *id* is a payload too
UNPLACED = "unplaced"  # a payload place without coordinates, for the Places page's geocoding labels


# --- skip semantics --------------------------------------------------------------------------------

def _is_browser_item(item) -> bool:
    return HERE in Path(str(item.fspath)).resolve().parents


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives a real Chromium against the running app")
    config.addinivalue_line("markers", "browser_last: run after every other browser test (whole-session checks)")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_browser_item(item):
            item.add_marker(pytest.mark.browser)
    # Whole-session checks (e.g. "no request left 127.0.0.1") go last, so they see every other test's traffic.
    last = [i for i in items if i.get_closest_marker("browser_last")]
    items[:] = [i for i in items if i not in last] + last


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if not _is_browser_item(item):
        return
    if rep.failed:  # a skip in CI is turned into a failure by tests/conftest.py, for every test
        for value in getattr(item, "funcargs", {}).values():
            if isinstance(value, StreamlitServer):
                rep.sections.append((f"streamlit server log, tail ({value.log_path})", value.log_tail()))


# --- the app server (tests.harness.StreamlitServer) ---------------------------------------------------

@contextlib.contextmanager
def running_server(request, name: str, data_dir: Path, env: dict[str, str] | None = None,
                   args: list[str] | None = None):
    """The app started for a test (``env`` and ``args`` as in StreamlitServer); its log is kept if a test failed."""
    server = StreamlitServer(name, data_dir, log_dir=ARTIFACTS, env=dict(env or {}), args=list(args or []))
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
        if request.session.testsfailed == 0:
            server.log_path.unlink(missing_ok=True)
        else:
            print(f"\nstreamlit server log kept: {server.log_path}")


# --- data sets -------------------------------------------------------------------------------------

def _keys(table: schema.Table) -> set[str]:
    return {table.key} if isinstance(table.key, str) else set(table.key)


def poison(table: schema.Table, row: dict, text: str = INJECTED) -> dict:
    """``row`` with ``text`` in every free-text column (kinds text, str, list) that is not a key or a reference."""
    out = dict(row)
    for col in table.columns:
        if col.kind in ("text", "str", "list") and not col.refs and col.name not in _keys(table):
            out[col.name] = text
    return out


def write_payload_data(d: Path) -> Path:
    """A small data directory with script-injection payloads in every text column, ids included.

    Two events load (``x1`` in Syria; one whose id is a payload, in Moscow, so its
    place's payload name appears in the "outside the map" notice) and one row with
    payloads in its typed columns is rejected (its values show on Data quality). A third
    place has no coordinate, so the Places page puts its payload names into geocoding labels.
    """
    bad_source = PAYLOADS[4]  # "</script><script>..." as a source id
    rows = {
        "sources": [poison(schema.SOURCES, source(url="javascript:window.__pwned=1")),
                    poison(schema.SOURCES, source(source_id=bad_source, url="javascript:window.__pwned=1"))],
        "places": [poison(schema.PLACES, place("a", 36.0, 38.0)),
                   poison(schema.PLACES, place("b", 55.75, 37.62)),
                   # No coordinate: the Places page offers to geocode it, with its payload names in the labels.
                   poison(schema.PLACES, place(UNPLACED, None, None, coord_precision_m=None))],
        "events": [poison(schema.EVENTS, event(PAYLOAD_EVENT, "2018-06-03", place_ids="a")),
                   poison(schema.EVENTS, event(PAYLOAD_ID_EVENT, "2018-06-05", place_ids="b", source_id=bad_source)),
                   poison(schema.EVENTS, event("rejected", INJECTED, event_type=INJECTED, date_precision=INJECTED))],
        "claims": [poison(schema.CLAIMS, claim("c1", PAYLOAD_EVENT, "A", "asserts")),
                   poison(schema.CLAIMS, claim("c2", PAYLOAD_EVENT, "B", "denies", claimant_kind="armed_group")),
                   poison(schema.CLAIMS, claim(PAYLOADS[2], PAYLOAD_ID_EVENT, "C", "acknowledges",
                                               source_id=bad_source))],
    }
    for name, table in schema.TABLES.items():
        write_table(d / table.path, table, rows.get(name, []))  # tables added later: header only
    return d


# --- fixtures: data and servers ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def payload_dir(tmp_path_factory) -> Path:
    return write_payload_data(tmp_path_factory.mktemp("payload-data"))


@pytest.fixture(scope="session")
def payload_data(payload_dir):
    return load_dataset(payload_dir)


@pytest.fixture(scope="session")
def seed_server(request, browser):
    """The app on the bundled seed data (the repository root). Needs the browser: no browser, no server."""
    with running_server(request, "seed", REPO) as server:
        yield server


@pytest.fixture(scope="session")
def payload_server(request, browser, payload_dir):
    with running_server(request, "payload", payload_dir) as server:
        yield server


# --- fixtures: the browser and the request log -------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    if sync_playwright is None:
        skip_or_fail(PLAYWRIGHT_HINT)
    exe = chromium_path()
    if exe is None:
        skip_or_fail(INSTALL_HINT)
    with chromium(exe) as b:
        yield b


@pytest.fixture(scope="session")
def request_log():
    log = RequestLog()
    yield log
    if log.entries:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "requests.json").write_text(json.dumps({"summary": log.summary(), "entries": log.entries},
                                                            indent=1, ensure_ascii=False))


def _screenshot_name(node_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-\[\]]+", "_", node_name)[:150]


@pytest.fixture
def browser_context(browser, request_log, request):
    """A fresh context per test; every request is recorded, and any not on 127.0.0.1 is aborted."""
    test = request.node.nodeid
    ctx = local_context(browser, request_log, test, viewport=VIEWPORT, timeout_ms=TIMEOUT_MS)
    yield ctx
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for i, pg in enumerate(ctx.pages):
        path = SCREENSHOTS / f"{_screenshot_name(request.node.name)}{'' if i == 0 else f'-{i + 1}'}.png"
        try:
            full_page_screenshot(pg, path)
        except PlaywrightError as exc:  # a screenshot is for people; never fail a test over it
            print(f"screenshot {path} failed: {exc}")
    ctx.close()


@pytest.fixture
def open_app(browser_context):
    """``open_app(server, path="")``: a new page at the app, once the script has run; returns an :class:`App`."""

    def _open(server: StreamlitServer, path: str = "") -> App:
        app = App(browser_context.new_page(), server)
        app.goto(path)
        return app

    return _open
