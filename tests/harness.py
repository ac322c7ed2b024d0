"""One harness for "start the app on a free loopback port, drive Chromium".

Used by the browser tests (``tests/browser/conftest.py`` builds its pytest fixtures on it),
the benchmarks (``benchmarks/run.py``, ``benchmarks/profile_rerun.py``) and the screenshot
script (``scripts/screenshot.py``). Import it as ``tests.harness`` with the repository root
on ``sys.path``. It holds no pytest code.

* :class:`StreamlitServer`: ``streamlit run <script>`` on a free port on 127.0.0.1, headless,
  no usage statistics, no file watcher, its output in a log file; :meth:`~StreamlitServer.start`
  waits for ``/_stcore/health`` (with a deadline), :meth:`~StreamlitServer.stop` terminates, then kills.
* :func:`chromium`: Debian's Chromium (the ``chromium`` on PATH, never a downloaded browser),
  launched by Playwright's client with :data:`CHROMIUM_ARGS`.
* :func:`local_context`: a browser context that aborts every request not to 127.0.0.1 and
  records requests in a :class:`RequestLog`.
* Page helpers: :func:`wait_idle`, :func:`wait_map`, :func:`save_screenshot`, and :class:`App`,
  the page driver the tests use.

Every wait has a deadline.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

try:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment; callers say how to install it
    sync_playwright = None
    PlaywrightError = Exception

try:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
except ImportError:  # pragma: no cover - streamlit is a dependency of the app under test
    ForwardMsg = None

REPO = Path(__file__).resolve().parent.parent

# --- the browser -------------------------------------------------------------------------------------

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
INSTALL_HINT = ("Debian's Chromium is not on PATH: install it with `apt-get install -y chromium` "
                "(never `playwright install`; these tests drive the system browser)")
PLAYWRIGHT_HINT = "Playwright's Python client is not installed: pip install -r requirements-dev.txt"
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 90_000  # generous: first runs import pandas/folium and build the dataset cache
SERVER_START_TIMEOUT = 120  # s; a 2-core machine running other jobs
SERVER_STOP_TIMEOUT = 20  # s, after terminate and again after kill


def chromium_path(explicit: str | None = None) -> str | None:
    """The Chromium to drive: ``explicit`` if given, else ``chromium`` on PATH, else Debian's ``/usr/bin/chromium``."""
    if explicit:
        return explicit
    found = shutil.which("chromium")
    if found:
        return found
    return "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None


@contextlib.contextmanager
def chromium(executable: str | None = None) -> Iterator:
    """Playwright's client and a headless Chromium (the system one); both closed on the way out.

    :class:`RuntimeError` naming the fix if the client or the browser is missing.
    """
    if sync_playwright is None:
        raise RuntimeError(PLAYWRIGHT_HINT)
    exe = chromium_path(executable)
    if exe is None:
        raise RuntimeError(INSTALL_HINT)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


# --- the app server ------------------------------------------------------------------------------------

def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_proxy_opener() -> urllib.request.OpenerDirector:
    # A proxy from the environment must never see (or answer for) a loopback health check.
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class StreamlitServer:
    """``streamlit run <script>`` on 127.0.0.1, serving ``data`` (``CONFLICTMAP_DATA``; ``None``: the seed data).

    ``env`` adds variables (``CONFLICTMAP_CACHE``...); ``args`` adds options to ``streamlit run``
    (``["--secrets.files", path]``); ``wrapper`` is a script run instead of ``python -m streamlit``
    (the profiler's). The log goes to ``log_dir/server-<name>.log``.
    Use as a context manager (start, then stop) or call :meth:`start` and :meth:`stop`.
    """

    name: str
    data: Path | None = None
    log_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    script: str = "app.py"
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    wrapper: str | None = None
    start_timeout: float = SERVER_START_TIMEOUT
    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        runner = [self.wrapper] if self.wrapper else ["-m", "streamlit"]
        return [sys.executable, *runner, "run", self.script,
                "--server.port", str(self.port), "--server.address", "127.0.0.1",
                "--server.headless", "true", "--browser.gatherUsageStats", "false",
                # Others may be editing the tree: a run serves the code as it was when it started.
                "--server.fileWatcherType", "none", "--server.runOnSave", "false", *self.args]

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "CONFLICTMAP_BASEMAP": "offline", "PYTHONUNBUFFERED": "1",
               # A script outside the root (benchmarks/naive_app.py) still imports conflictmap from this tree.
               "PYTHONPATH": os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)}
        if self.data is not None:
            env["CONFLICTMAP_DATA"] = str(Path(self.data).resolve())
        else:
            env.pop("CONFLICTMAP_DATA", None)
        env.update(self.env)
        return env

    def start(self) -> StreamlitServer:
        """Start the server and wait until ``/_stcore/health`` answers; :class:`RuntimeError` with the log's tail
        if it exits or is not healthy within ``start_timeout`` seconds (it is stopped then)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = self.log_dir / f"server-{self.name}.log"
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(self.command(), cwd=REPO, env=self.environment(), stdout=log,
                                         stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + self.start_timeout
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
        raise RuntimeError(f"streamlit did not answer /_stcore/health within {self.start_timeout:.0f} s "
                           f"(log {self.log_path}):\n{self.log_tail()}")

    def stop(self) -> None:
        """Terminate the server; kill it if it has not exited within :data:`SERVER_STOP_TIMEOUT` seconds."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=SERVER_STOP_TIMEOUT)

    def log_tail(self, lines: int = 60) -> str:
        """The last ``lines`` lines of the server's log."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- requests: only 127.0.0.1 --------------------------------------------------------------------------

NON_NETWORK_SCHEMES = ("data", "blob", "about")


def is_local(url: str) -> bool:
    """True for 127.0.0.1 (http/ws) and for URLs that never touch the network (data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in NON_NETWORK_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == "127.0.0.1"


@dataclass
class RequestLog:
    """Requests browser contexts made: (test or label, kind, url). ``blocked`` ones were aborted."""

    entries: list[dict] = field(default_factory=list)

    def add(self, test: str, kind: str, url: str, blocked: bool = False) -> None:
        self.entries.append({"test": test, "kind": kind, "url": url, "blocked": blocked})

    def non_local(self) -> list[dict]:
        return [e for e in self.entries if e["blocked"] or not is_local(e["url"])]

    def blocked_urls(self) -> list[str]:
        """The distinct URLs that were aborted, sorted."""
        return sorted({e["url"] for e in self.entries if e["blocked"]})

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


def local_context(browser, log: RequestLog | None = None, label: str = "", *, record_all: bool = True,
                  viewport: dict | None = None, timeout_ms: float = TIMEOUT_MS):
    """A fresh browser context in which every request not to 127.0.0.1 is aborted.

    Aborted requests go to ``log`` (as ``label``) always; with ``record_all``, every request
    and web socket too. English locale, UTC, no service workers, ``timeout_ms`` as the
    default deadline of every Playwright wait in it.
    """
    ctx = browser.new_context(viewport=viewport or VIEWPORT, locale="en-US", timezone_id="UTC",
                              service_workers="block")
    ctx.set_default_timeout(timeout_ms)

    def route(r):
        if is_local(r.request.url):
            r.continue_()
        else:
            if log is not None:
                log.add(label, r.request.resource_type, r.request.url, blocked=True)
            r.abort()

    ctx.route("**/*", route)
    if log is not None and record_all:
        ctx.on("request", lambda r: log.add(label, r.resource_type, r.url))
        ctx.on("page", lambda p: p.on("websocket", lambda ws: log.add(label, "websocket", ws.url)))
    return ctx


# --- page helpers ------------------------------------------------------------------------------------------

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

# Evaluated in the top page: the map iframe's window once Leaflet is up, else null.
MAP_WINDOW_JS = f"""() => {{
  const f = document.querySelector('{MAP_IFRAME}');
  return f && f.contentWindow && f.contentWindow.map && f.contentWindow.L ? f.contentWindow : null;
}}"""

# The page shows no script running and is connected.
IDLE_JS = """() => {
  const a = document.querySelector('[data-testid=stApp]');
  return !!a && a.dataset.testScriptState === 'notRunning' && a.dataset.testConnectionState === 'CONNECTED';
}"""
# ... and no skeletons: on a first visit the widgets' code loads a moment after the run ends.
IDLE_NO_SKELETONS_JS = """() => {
  const a = document.querySelector('[data-testid=stApp]');
  return !!a && a.dataset.testScriptState === 'notRunning' && a.dataset.testConnectionState === 'CONNECTED'
    && !document.querySelector('[data-testid*=Skeleton], [data-testid*=skeleton]');
}"""

# ([n, minBorders]): the map has drawn its event layer (n markers, if n is not null) and at least minBorders
# layers of the offline base map. Evaluated from the top page, so it holds even if the iframe is re-created.
MAP_DRAWN_JS = f"""([n, minBorders]) => {{
  const w = ({MAP_WINDOW_JS})();
  if (!w || w.cmEventCount === undefined || (n !== null && w.cmEventCount !== n)) return false;
  let drawn = 0, borders = 0;
  w.map.eachLayer(l => {{
    if (l instanceof w.L.CircleMarker && l.options.className === 'cm-event') drawn++;
    if (l.options && l.options.pane === 'cm-basemap') borders++;
  }});
  return drawn === w.cmEventCount && borders >= minBorders;
}}"""


def wait_idle(page, timeout: float = TIMEOUT_MS, *, no_skeletons: bool = False) -> None:
    """Until the page shows no script running and is connected (and, with ``no_skeletons``, no placeholders)."""
    page.wait_for_function(IDLE_NO_SKELETONS_JS if no_skeletons else IDLE_JS, timeout=timeout)


def wait_map(page, count: int | None = None, *, min_borders: int = 0, timeout: float = TIMEOUT_MS) -> None:
    """Until the map has drawn its event layer (with ``count`` markers, if given) and at least ``min_borders``
    layers of the offline base map."""
    page.wait_for_function(MAP_DRAWN_JS, arg=[count, min_borders], timeout=timeout)


def date_thumb(page, which: str):
    """The sidebar date slider's ``start`` or ``end`` thumb (an ``input[type=range]``)."""
    return page.locator(f'input[type=range][aria-label="Date window — {which}"]')


def next_frames(page) -> None:
    """Until the browser has drawn two more animation frames (a resize or a scroll has been painted)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def save_screenshot(page, path: Path, *, full_page: bool = True, element: str | None = None,
                    settle: Callable[[], None] | None = None) -> None:
    """Write a PNG of the page (or of the last match of ``element``), whole or not at all.

    With ``full_page``, the viewport first grows to fit the content (Streamlit scrolls inside
    its main block, not the document; at most 8000 px) and ``settle`` runs after the resize;
    the viewport is restored afterwards.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or VIEWPORT
    height = size["height"]
    if full_page:
        height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
            ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]
                .map(e => e.scrollHeight))""")
        height = int(min(max(height, size["height"]), 8000))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        if height > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": height})
            next_frames(page)
        if full_page and settle is not None:
            settle()
        if element:
            page.locator(element).last.screenshot(path=tmp, animations="disabled", caret="hide")
        else:
            page.screenshot(path=tmp, full_page=full_page, animations="disabled", caret="hide")
        os.chmod(tmp, 0o644)  # mkstemp makes it private; it is a picture for the docs
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
        if height > size["height"]:
            page.set_viewport_size(size)


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main block, not the document: grow the viewport to fit, then shoot."""
    save_screenshot(page, path, full_page=True)


# --- the page driver ------------------------------------------------------------------------------------

class App:
    """Drives one page of the app. The map lives in streamlit-folium's same-origin iframe (``window.map``).

    ``server`` is anything with a ``url`` (a :class:`StreamlitServer`). Script runs are followed
    on the app's web socket: each ``script_finished`` message (except "finished early for a
    rerun") counts as one completed run, which is what :meth:`wait_rerun` waits for. A run that
    changes nothing visible still counts.
    """

    def __init__(self, page, server):
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
        wait_idle(self.page, timeout)

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
        """Until the map has drawn its event layer (with ``count`` markers, if given).

        Evaluated from the top page, so it holds even if the iframe is re-created meanwhile.
        """
        wait_map(self.page, count, timeout=timeout)

    def wait_markers(self, ids, timeout: float = TIMEOUT_MS) -> None:
        """Until the map's markers are exactly the events ``ids`` (the final state, not a passing one)."""
        self.page.wait_for_function(f"""(want) => {{
            const w = ({MAP_WINDOW_JS})();
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
            const w = ({MAP_WINDOW_JS})();
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

    def map_frame(self, timeout: float = TIMEOUT_MS):
        """The map iframe's frame, once the iframe is in the page."""
        return self.page.locator(MAP_IFRAME).element_handle(timeout=timeout).content_frame()

    def map_eval(self, js: str, arg=None):
        """Evaluate ``js`` (a function of ``(map, L, arg)``) inside the map's iframe."""
        return self.map_frame().evaluate(f"([arg]) => ({js})(window.map, window.L, arg)", [arg])

    def markers(self) -> list[str]:
        """Event ids of the canvas markers on the map (layers with className 'cm-event')."""
        return self.map_eval("""(map, L) => { const ids = [];
            map.eachLayer(l => { if (l instanceof L.CircleMarker && l.options.className === 'cm-event')
                                 ids.push(l.feature.properties.id); });
            return ids; }""")

    def marker_position(self, event_id: str) -> tuple[float, float] | None:
        """(lat, lon) of the marker of ``event_id``, or ``None`` if it is not on the map."""
        return self.map_eval("""(map, L, id) => { let ll = null; map.eachLayer(l => {
            if (l instanceof L.CircleMarker && l.options.className === 'cm-event' && l.feature.properties.id === id)
                ll = [l.getLatLng().lat, l.getLatLng().lng]; });
            return ll; }""", event_id)

    def event_count(self) -> int:
        return self.map_eval("() => window.cmEventCount")

    def view(self) -> dict:
        return self.map_eval("(map) => ({zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng})")

    def wait_map_still(self, timeout: float = TIMEOUT_MS) -> None:
        """Until no zoom or pan animation is running in the map."""
        self.map_frame(timeout).wait_for_function(
            "() => !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress)", timeout=timeout)

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
        return date_thumb(self.page, which)

    def step_date(self, which: str, key: str) -> None:
        """Move the ``start`` or ``end`` thumb one step with the keyboard (``ArrowLeft``/``ArrowRight``) and
        wait for the rerun it starts and the map it draws."""
        self.date_thumb(which).focus()
        since = self.runs()
        self.page.keyboard.press(key)
        self.wait_rerun(since)
        self.wait_map()

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

    def open_list(self, box):
        """Click a selectbox until its list shows, and return the list's options.

        A click can be lost: right after a text input was committed with Enter it only takes the focus, and a
        rerun that redraws the box closes a list just opened (a CI run once waited 90 s for the "Event" list
        after a single click). So it clicks again every 3 s, until TIMEOUT_MS.
        """
        options = self.page.get_by_role("option")
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while True:
            box.click()
            try:
                options.first.wait_for(timeout=3000)
                return options
            except PlaywrightError:
                if time.monotonic() > deadline:
                    raise
                self.page.keyboard.press("Escape")  # a list half-open, or open elsewhere, is closed first

    def pick_event(self, event_id: str) -> None:
        """Choose an event in the "Event" selectbox (options read "<title> (<id>)")."""
        options = self.open_list(self.event_box())
        texts = options.all_inner_texts()
        index = next(i for i, t in enumerate(texts) if t.rstrip().endswith(f"({event_id})"))
        options.nth(index).click()
