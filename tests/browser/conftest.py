"""Fixtures for the real-browser tests: a running app, Debian's Chromium, and a page driver.

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
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conflictmap import schema
from conflictmap.load import load_dataset
from tests.conftest import PAYLOAD, PAYLOADS, claim, event, place, skip_or_fail, source, write_table

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None
    PlaywrightError = Exception

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
ARTIFACTS = REPO / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("Debian's Chromium is not on PATH: install it with `apt-get install -y chromium` "
                "(never `playwright install`; these tests drive the system browser)")
VIEWPORT = {"width": 1400, "height": 1000}
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SERVER_START_TIMEOUT = 120  # s; a 2-core machine running other jobs
TIMEOUT_MS = 90_000  # generous: first runs import pandas/folium and build the dataset cache

# Text that would run if any layer (HTML, folium's JS template literals, Markdown, a link) let it through.
EXTRA_PAYLOADS = ["<svg/onload=window.__pwned=1>", "[md link](javascript:window.__pwned=1)"]
INJECTED = " ".join([*PAYLOADS, *EXTRA_PAYLOADS])
assert PAYLOAD in INJECTED
AIN_ISSA = "ain-issa-ied"  # seed event: a dashed line between two places, its marker at the midpoint
PAYLOAD_EVENT = "x1"  # ordinary id, every text column poisoned
PAYLOAD_ID_EVENT = PAYLOADS[0]  # an event whose *id* is a payload too
UNPLACED = "unplaced"  # a payload place without coordinates, for the Places page's geocoding labels


def chromium_path() -> str | None:
    return shutil.which("chromium")


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


# --- the app server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class StreamlitServer:
    """``streamlit run app.py`` on 127.0.0.1, serving the data in ``data_dir``."""

    name: str
    data_dir: Path
    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                # Others may be editing the tree: a test run serves the code as it was when it started.
                "--server.fileWatcherType", "none", "--server.runOnSave", "false"]

    def start(self, timeout: float = SERVER_START_TIMEOUT) -> StreamlitServer:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = ARTIFACTS / f"server-{self.name}.log"
        env = {**os.environ, "CONFLICTMAP_DATA": str(self.data_dir), "CONFLICTMAP_BASEMAP": "offline",
               "PYTHONUNBUFFERED": "1"}
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(self.command(), cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        opener = _no_proxy_opener()
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode} before it was healthy "
                                   f"(log {self.log_path}):\n{self.log_tail()}")
            try:
                with opener.open(f"{self.url}_stcore/health", timeout=5) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout:.0f} s "
                           f"(log {self.log_path}):\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextlib.contextmanager
def running_server(request, name: str, data_dir: Path):
    server = StreamlitServer(name, data_dir)
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
        skip_or_fail("Playwright's Python client is not installed: pip install -r requirements-dev.txt")
    exe = chromium_path()
    if exe is None:
        skip_or_fail(INSTALL_HINT)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


NON_NETWORK_SCHEMES = ("data", "blob", "about")


def is_local(url: str) -> bool:
    """True for 127.0.0.1 (http/ws) and for URLs that never touch the network (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in NON_NETWORK_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1"


@dataclass
class RequestLog:
    """Every request the browser made this session: (test, kind, url). ``blocked`` ones were aborted."""

    entries: list[dict] = field(default_factory=list)

    def add(self, test: str, kind: str, url: str, blocked: bool = False) -> None:
        self.entries.append({"test": test, "kind": kind, "url": url, "blocked": blocked})

    def non_local(self) -> list[dict]:
        return [e for e in self.entries if e["blocked"] or not is_local(e["url"])]

    def summary(self) -> dict:
        def where(url: str) -> str:
            p = urlsplit(url)
            if p.scheme in NON_NETWORK_SCHEMES:
                return f"{p.scheme}:"
            first = p.path.strip("/").split("/")[0] if p.path.strip("/") else ""
            host = "127.0.0.1:<port>" if p.hostname == "127.0.0.1" else p.netloc
            return f"{p.scheme}://{host}/{first}"

        return {"requests": sum(not e["blocked"] for e in self.entries),
                "blocked": sum(e["blocked"] for e in self.entries),
                "non_local": len(self.non_local()),
                "tests": len({e["test"] for e in self.entries}),
                "by_prefix": dict(Counter(where(e["url"]) for e in self.entries if not e["blocked"]).most_common())}


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
    ctx = browser.new_context(viewport=VIEWPORT, locale="en-US", timezone_id="UTC", service_workers="block")
    ctx.set_default_timeout(TIMEOUT_MS)

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            request_log.add(test, r.request.resource_type, r.request.url, blocked=True)
            r.abort()

    ctx.route("**/*", route)
    ctx.on("request", lambda r: request_log.add(test, r.resource_type, r.url))
    ctx.on("page", lambda p: p.on("websocket", lambda ws: request_log.add(test, "websocket", ws.url)))
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


# --- the page driver -------------------------------------------------------------------------------

def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main block, not the document: grow the viewport to fit, then shoot."""
    size = page.viewport_size or VIEWPORT
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]
            .map(e => e.scrollHeight))""")
    height = int(min(max(height, size["height"]), 8000))
    tmp = path.with_suffix(".tmp.png")
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.screenshot(path=str(tmp), full_page=True, animations="disabled", caret="hide")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        if height > size["height"]:
            page.set_viewport_size(size)


_MAP_JS = f"""() => {{
  const f = document.querySelector('{MAP_IFRAME}');
  return f && f.contentWindow && f.contentWindow.map && f.contentWindow.L ? f.contentWindow : null;
}}"""


try:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
except ImportError:  # pragma: no cover - streamlit is a dependency of the app under test
    ForwardMsg = None


class App:
    """Drives one page of the app. The map lives in streamlit-folium's same-origin iframe (``window.map``).

    Script runs are followed on the app's web socket: each ``script_finished`` message
    (except "finished early for a rerun") counts as one completed run, which is what
    :meth:`wait_rerun` waits for. A run that changes nothing visible still counts.
    """

    def __init__(self, page, server: StreamlitServer):
        self.page = page
        self.server = server
        self.finished_runs = 0
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        if ForwardMsg is None or not ws.url.endswith("/_stcore/stream"):
            return

        def frame(payload) -> None:
            if isinstance(payload, str):
                return
            try:
                msg = ForwardMsg.FromString(payload)
            except Exception:  # a frame we cannot read is not ours to judge
                return
            if (msg.WhichOneof("type") == "script_finished"
                    and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN):
                self.finished_runs += 1

        ws.on("framereceived", frame)

    # navigation and script state
    def goto(self, path: str = "") -> None:
        since = self.finished_runs
        self.page.goto(self.server.url + path.lstrip("/"))
        self.wait_rerun(since)
        self.page.wait_for_selector("h1", timeout=TIMEOUT_MS)

    def wait_idle(self, timeout: float = TIMEOUT_MS) -> None:
        """Until the page shows no script running and is connected."""
        self.page.wait_for_function("""() => {
            const a = document.querySelector('[data-testid=stApp]');
            return a && a.dataset.testScriptState === 'notRunning' && a.dataset.testConnectionState === 'CONNECTED';
        }""", timeout=timeout)

    def runs(self) -> int:
        """How many script runs have finished for this page so far."""
        return self.finished_runs

    def wait_rerun(self, since: int, timeout: float = TIMEOUT_MS) -> None:
        """Until a script run has finished after ``since`` (from :meth:`runs`), and the page is idle."""
        if ForwardMsg is None:
            self.wait_idle(timeout)
            return
        deadline = time.monotonic() + timeout / 1000
        while self.finished_runs <= since:
            if time.monotonic() > deadline:
                raise AssertionError(f"no script run finished within {timeout / 1000:.0f} s")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the web socket frames
        self.wait_idle(timeout)

    def nav_link(self, title: str):
        return self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True)

    def go_to_page(self, title: str) -> None:
        """Click the page's link in the sidebar navigation, wait for the page's script to finish, and check
        the app is still on that page then (a late message from the page left once took the user back)."""
        link = self.nav_link(title)
        if link.get_attribute("aria-current") == "page":
            return
        runs = self.runs()
        link.click()
        self.wait_rerun(runs)
        self.page.wait_for_selector("h1", timeout=TIMEOUT_MS)
        self.wait_idle()
        assert link.get_attribute("aria-current") == "page", f"clicked {title!r}, but the app shows {self.page.url}"

    def exceptions(self) -> list[str]:
        return self.page.locator('[data-testid="stException"]').all_inner_texts()

    def pwned(self) -> dict[str, object]:
        """``window.__pwned`` in every frame where it is set (empty: nothing ran)."""
        found = {}
        for frame in self.page.frames:
            with contextlib.suppress(PlaywrightError):  # a frame detached mid-check has nothing to say
                value = frame.evaluate("() => typeof window.__pwned === 'undefined' ? null : String(window.__pwned)")
                if value is not None:
                    found[frame.url] = value
        return found

    # the map
    def wait_map(self, count: int | None = None, timeout: float = TIMEOUT_MS) -> None:
        """Until the map has drawn its event layer (with ``count`` markers, if given) and the offline borders.

        Evaluated from the top page, so it holds even if the iframe is re-created meanwhile.
        """
        self.page.wait_for_function(f"""(n) => {{
            const w = ({_MAP_JS})();
            if (!w || w.cmEventCount === undefined || (n !== null && w.cmEventCount !== n)) return false;
            let drawn = 0;
            w.map.eachLayer(l => {{
                if (l instanceof w.L.CircleMarker && l.options.className === 'cm-event') drawn++; }});
            return drawn === w.cmEventCount;
        }}""", arg=count, timeout=timeout)

    def wait_markers(self, ids, timeout: float = TIMEOUT_MS) -> None:
        """Until the map's markers are exactly the events ``ids`` (the final state, not a passing one)."""
        self.page.wait_for_function(f"""(want) => {{
            const w = ({_MAP_JS})();
            if (!w) return false;
            const got = [];
            w.map.eachLayer(l => {{ if (l instanceof w.L.CircleMarker && l.options.className === 'cm-event')
                                     got.push(l.feature.properties.id); }});
            got.sort();
            return JSON.stringify(got) === JSON.stringify(want);
        }}""", arg=sorted(ids), timeout=timeout)

    def wait_in_view(self, lat: float, lon: float, timeout: float = TIMEOUT_MS) -> None:
        """Until (lat, lon) lies inside the map's current view, with no animation running."""
        self.page.wait_for_function(f"""(ll) => {{
            const w = ({_MAP_JS})();
            return w && w.map.getBounds().pad(-0.05).contains(ll) && !w.map._animatingZoom
                   && !(w.map._panAnim && w.map._panAnim._inProgress);
        }}""", arg=[lat, lon], timeout=timeout)

    def map_button(self, name: str):
        """A button on the map itself ("Syria", "Fit all"), inside the map's iframe."""
        return self.page.frame_locator(MAP_IFRAME).get_by_role("button", name=name, exact=True)

    def wait_url_param(self, name: str, present: bool, timeout: float = TIMEOUT_MS) -> None:
        """Until the address bar has (or lacks) the query parameter ``name``."""
        self.page.wait_for_function("""([name, present]) =>
            new URL(location.href).searchParams.has(name) === present""", arg=[name, present], timeout=timeout)

    def map_eval(self, js: str, arg=None):
        """Evaluate ``js`` (a function of ``(map, L, arg)``) inside the map's iframe."""
        frame = self.page.locator(MAP_IFRAME).element_handle(timeout=TIMEOUT_MS).content_frame()
        return frame.evaluate(f"([arg]) => ({js})(window.map, window.L, arg)", [arg])

    def markers(self) -> list[str]:
        """Event ids of the canvas markers on the map (layers with className 'cm-event')."""
        return self.map_eval("""(map, L) => { const ids = [];
            map.eachLayer(l => { if (l instanceof L.CircleMarker && l.options.className === 'cm-event')
                                 ids.push(l.feature.properties.id); });
            return ids; }""")

    def event_count(self) -> int:
        return self.map_eval("() => window.cmEventCount")

    def view(self) -> dict:
        return self.map_eval("(map) => ({zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng})")

    def wait_map_still(self) -> None:
        """Until no zoom or pan animation is running in the map."""
        frame = self.page.locator(MAP_IFRAME).element_handle().content_frame()
        frame.wait_for_function("() => !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress)")

    def iframe_box(self) -> dict:
        loc = self.page.locator(MAP_IFRAME)
        loc.scroll_into_view_if_needed()
        return loc.bounding_box()

    def point_of(self, lat: float, lon: float) -> tuple[float, float]:
        """Page (viewport) coordinates of a map position."""
        box = self.iframe_box()
        x, y = self.map_eval("""(map, L, ll) => { const p = map.latLngToContainerPoint(ll);
            const r = map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""", [lat, lon])
        return box["x"] + x, box["y"] + y

    def markers_at(self, lat: float, lon: float) -> list[str]:
        """Ids of the markers whose drawn circle covers the pixel of (lat, lon): what a click there would hit."""
        return self.map_eval("""(map, L, ll) => { const p = map.latLngToContainerPoint(ll); const ids = [];
            map.eachLayer(l => { if (l instanceof L.CircleMarker && l.options.className === 'cm-event') {
                const q = map.latLngToContainerPoint(l.getLatLng());
                if (p.distanceTo(q) <= l.getRadius() + l.options.weight) ids.push(l.feature.properties.id); } });
            return ids; }""", [lat, lon])

    def click_map_at(self, lat: float, lon: float) -> None:
        """A real mouse click where (lat, lon) is drawn; markers are canvas-drawn, with no DOM element to click."""
        x, y = self.point_of(lat, lon)
        self.page.mouse.move(x, y)
        self.page.mouse.click(x, y)

    # the sidebar
    def date_thumb(self, which: str):
        """The date slider's ``start`` or ``end`` thumb (an ``input[type=range]``)."""
        return self.page.locator(f'input[type=range][aria-label="Date window — {which}"]')

    def date_window(self) -> tuple[dt.date, dt.date]:
        lo = self.date_thumb("start").get_attribute("aria-valuetext")
        hi = self.date_thumb("end").get_attribute("aria-valuetext")
        return dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)

    # the right-hand panel
    def shown_counts(self) -> tuple[int, int]:
        """(N, M) from "N of M events shown"."""
        text = self.page.get_by_text(re.compile(r"\d+ of \d+ events shown")).first.inner_text()
        n, m = re.search(r"(\d+) of (\d+) events shown", text).groups()
        return int(n), int(m)

    def ledger(self):
        """The claim panel rendered by st.html (the block that holds the "Claim ledger" heading)."""
        return self.page.locator('[data-testid="stHtml"]').filter(has=self.page.locator("h4", has_text="Claim ledger"))

    def event_box(self):
        """The "Event" selectbox (a combobox whose value reads "<title> (<id>)")."""
        return self.page.get_by_role("combobox", name="Event", exact=True)

    def pick_event(self, event_id: str) -> None:
        """Choose an event in the "Event" selectbox (options read "<title> (<id>)")."""
        self.event_box().click()
        options = self.page.get_by_role("option")
        options.first.wait_for()
        texts = options.all_inner_texts()
        index = next(i for i, t in enumerate(texts) if t.rstrip().endswith(f"({event_id})"))
        options.nth(index).click()
