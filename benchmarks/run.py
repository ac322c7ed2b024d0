"""On-demand performance benchmark: import, page open, slider moves, bytes and memory, against the naive pattern.

    python benchmarks/run.py [--sizes 1000,10000,100000,200000] [--repeats 3] [--repeats-large 2]
                             [--naive-max 10000] [--out docs/performance.md] [--fresh]

Not run in CI: it takes minutes, starts servers and a browser. For each size N:

1. ``benchmarks/generate.py`` writes ``benchmarks/data/acled-syria-N.csv`` (once; deterministic).
2. Cold import, then warm load: ``conflictmap.importers.import_file(csv)`` in a fresh
   subprocess each time, first with the Parquet cache directory empty, then with the
   cache present. Reported: the call's own time (in-process ``perf_counter``), and the
   subprocess's wall time (interpreter start-up and imports included) separately.
3. ``streamlit run app.py`` on 127.0.0.1 with ``CONFLICTMAP_DATA=<csv>`` (warm cache),
   driven by Debian's Chromium through Playwright; the same for ``benchmarks/naive_app.py``
   when N <= ``--naive-max``. A first, unmeasured page loads the data into the server.
   Then, per repeat, a fresh browser context:

   * page open -> ready: from navigation start until the map iframe has drawn the events
     (ours: ``window.cmEventCount > 0``, set by the event layer after drawing; naive: as many
     ``.leaflet-marker-icon`` elements as "N of M events shown" says), plus one animation
     frame. Timed inside the page (``performance.now()``), so Playwright's round trips add nothing.
   * slider moves -> map updated: the date slider's start thumb is moved with the keyboard
     to 70 % of the range (``PageUp`` x 7, not measured), the map is zoomed in one level
     (``map.setZoom``), then two measured moves: ``PageUp`` (window = last 20 % of the range)
     and ``ArrowLeft`` (one day back; both windows new to the session, so nothing comes from
     Streamlit's message cache). Timed in the page from the ``keydown`` event until the
     new layer is on the map, plus one animation frame. The signal: before the key press
     every map iframe and every feature group st_folium has added (``window.feature_group``)
     gets a ``__cmOld`` mark; "updated" is a map whose newest feature group carries no mark
     and is on the map (ours), or an unmarked map iframe holding as many marker icons as the
     page says are shown, after that number changed (naive). Then "view kept": zoom and
     centre after the move equal those before it.
   * bytes: every websocket frame the browser receives from the key press until the rerun
     has finished is recorded and parsed as Streamlit ``ForwardMsg`` protobufs, so the
     total is split into the map component's arguments (and, in those, the event layer
     that ``feature_group_to_add`` carries) and the other elements. Divided by the events
     drawn (ours, in grid mode: events *counted* in the cells).
   * server memory: ``VmRSS`` of the streamlit process and its children, with 3 pages open
     on the map at once.
4. In this process, the map part of a rerun is timed step by step for the measured
   window (selection, ``event_layers``, st_folium's feature-group rendering) and the layer
   payload computed server-side, as a cross-check of the measured bytes.

Results go to ``benchmarks/data/results.json`` (sizes from earlier runs are kept unless
``--fresh``) and the table to ``--out`` (``docs/performance.md``). Every server and
browser is stopped on the way out; every request not to 127.0.0.1 is aborted and counted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from tests.harness import (  # noqa: E402 - the shared app-and-browser harness
    IDLE_JS,
    INSTALL_HINT,
    VIEWPORT,
    RequestLog,
    StreamlitServer,
    chromium,
    chromium_path,
    date_thumb,
    local_context,
)

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # checked in main()
    PlaywrightTimeout = TimeoutError

DATA = HERE / "data"
RESULTS = DATA / "results.json"
KEEP_MARKER = "<!-- written by hand from other benchmarks; run.py keeps everything from here on -->"
LOGS = DATA / "logs"
START_TIMEOUT = 180  # s, until /_stcore/health answers
OPEN_TIMEOUT = {"ours": 600, "naive": 600}  # s, page open -> ready
UPDATE_TIMEOUT = {"ours": 180, "naive": 600}  # s, slider move -> updated
IDLE_TIMEOUT = 600  # s, until a script run finishes
SETUP_PAGEUPS = 7  # start thumb to 70 % of the range: the last 30 % is shown
# The measured moves: the start thumb a tenth of the range on (70-100 % -> 80-100 %), then the end thumb a tenth back
# (-> 80-90 %). Both windows are new to the session (a window seen before may come from Streamlit's message cache, as
# a hash) and both change the selection.
MOVES = (("start", "PageUp"), ("end", "PageDown"))
LARGE = 100_000  # sizes from here on use --repeats-large

TARGETS = {  # key: (label, size it applies to (None = every size), limit, unit)
    "cold": ("200k-row ACLED CSV, cold import", 200_000, 10.0, "s"),
    "warm": ("200k-row ACLED CSV, warm load (cache)", 200_000, 1.0, "s"),
    "slider_1k": ("slider move -> map updated, 1k events", 1_000, 0.3, "s"),
    "slider_200k": ("slider move -> map updated, 200k events, view kept", 200_000, 1.5, "s"),
    "open_200k": ("page open -> map ready, 200k events", 200_000, 3.0, "s"),
    "bytes": ("bytes sent to the browser per event drawn", None, 60.0, "B"),
    "rss": ("server memory (RSS), 200k events, 3 open sessions", 200_000, 1536.0, "MB"),
}


# --- small helpers -----------------------------------------------------------------------------------

def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def stats(values: list[float]) -> dict | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "n": len(values), "all": values}


def rss_mb(pid: int) -> dict:
    """VmRSS and VmHWM (peak) of ``pid`` and all its descendants, in MB."""
    def children(p: int) -> list[int]:
        out = []
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
        return out

    def field_kb(p: int, name: str) -> int:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(name + ":"):
                    return int(line.split()[1])
        return 0

    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += children(p)
    return {"rss": sum(field_kb(p, "VmRSS") for p in pids) / 1024,
            "hwm": sum(field_kb(p, "VmHWM") for p in pids) / 1024, "processes": len(pids)}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_server_idle(pid: int, wait_s: float, busy_below: float = 0.1) -> float:
    """Wait (at most ``wait_s``) until the server used less than ``busy_below`` s of CPU in one second (no script
    run left over from an earlier page going on); return the seconds waited (``wait_s``: it never got idle)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < wait_s:
        c0 = cpu_seconds(pid)
        time.sleep(1.0)
        if cpu_seconds(pid) - c0 < busy_below:
            return time.monotonic() - t0 - 1.0
    return wait_s


def wait_quiet(max_load: float, wait_s: float) -> float:
    """Wait (at most ``wait_s``) until the 1-minute load average is below ``max_load``; return it."""
    deadline = time.monotonic() + wait_s
    load = os.getloadavg()[0]
    if load >= max_load:
        log(f"  load average {load:.1f} >= {max_load:g}: waiting up to {wait_s:.0f} s for a quieter machine")
    while load >= max_load and time.monotonic() < deadline:
        time.sleep(5)
        load = os.getloadavg()[0]
    return load


# --- import timings ----------------------------------------------------------------------------------

IMPORT_SNIPPET = """
import json, sys, time
t0 = time.perf_counter()
from conflictmap.importers import import_file
t1 = time.perf_counter()
data = import_file(sys.argv[1])
t2 = time.perf_counter()
print(json.dumps({"call": t2 - t1, "imports": t1 - t0, "events": len(data.events), "claims": len(data.claims),
                  "places": len(data.places), "issues": len(data.issues)}))
"""


def time_import(csv: Path, cache_dir: Path, *, cold: bool) -> dict:
    if cold:
        shutil.rmtree(cache_dir, ignore_errors=True)
    env = {**os.environ, "CONFLICTMAP_CACHE": str(cache_dir), "PYTHONPATH": str(REPO)}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", IMPORT_SNIPPET, str(csv)], cwd=REPO, env=env, capture_output=True,
                         text=True, timeout=1800, check=False)
    wall = time.perf_counter() - t
    if out.returncode != 0:
        raise RuntimeError(f"import_file({csv.name}) failed:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


STREAMLIT_MAIN = """
import sys
from streamlit.web.cli import main
sys.exit(main())
"""


# --- the server ----------------------------------------------------------------------------------------

def app_server(script: str, csv: Path, cache_dir: Path, label: str, wrapper: str | None = None) -> StreamlitServer:
    """``streamlit run <script>`` on 127.0.0.1 serving ``csv`` with its Parquet cache in ``cache_dir``; log in
    ``benchmarks/data/logs/server-<label>.log``. ``wrapper``: a script standing in for ``python -m streamlit``
    (profile_rerun.py)."""
    return StreamlitServer(label, csv, log_dir=LOGS, script=script, env={"CONFLICTMAP_CACHE": str(cache_dir)},
                           wrapper=wrapper, start_timeout=START_TIMEOUT)


# --- the page-side instrumentation ------------------------------------------------------------------

# Runs in every frame of every page before its own scripts; only the top page installs anything.
INIT_JS = r"""
(() => {
  if (window !== window.top) return;
  const MODE = %(mode)s;
  const IFRAME = 'iframe[title="streamlit_folium.st_folium"]';
  const nextFrame = () => new Promise(r => { let done = false;
    const fin = () => { if (!done) { done = true; r(); } };
    requestAnimationFrame(() => fin()); setTimeout(fin, 100); });
  const cm = window.__cm = {
    mode: MODE,
    maps() {
      const out = [];
      for (const f of document.querySelectorAll(IFRAME)) {
        try { const w = f.contentWindow; if (w && w.map && w.L) out.push(w); } catch (e) { /* detached */ }
      }
      return out;
    },
    map() { const ms = cm.maps(); return ms.length ? ms[ms.length - 1] : null; },
    shown() {
      for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"] strong')) {
        const m = /([\d,]+) of ([\d,]+) events shown/.exec(el.textContent || '');
        if (m) return parseInt(m[1].replace(/,/g, ''), 10);
      }
      return null;
    },
    icons(w) { return w.document.querySelectorAll('.leaflet-marker-icon').length; },
    newestLayer(w) { const fg = w.feature_group || []; return fg.length ? fg[fg.length - 1] : null; },
    drawnOurs(w) {
      const g = cm.newestLayer(w);
      return !!g && w.map.hasLayer(g) && typeof w.cmEventCount === 'number';
    },
    readyOpen() {
      if (MODE === 'ours') return cm.maps().some(w => w.cmEventCount > 0 && cm.drawnOurs(w));
      const n = cm.shown();
      return n > 0 && cm.maps().some(w => cm.icons(w) === n);
    },
    settled() {  // the map shows what the page says (no update pending)
      const w = cm.map();
      if (!w) return false;
      if (MODE === 'ours') return cm.drawnOurs(w);
      return cm.icons(w) === cm.shown();
    },
    mark() {
      for (const w of cm.maps()) { w.__cmOld = 1; (w.feature_group || []).forEach(g => { g.__cmOld = 1; }); }
      cm.before = cm.shown();
    },
    updated() {
      if (MODE === 'ours') {
        return cm.maps().some(w => { const g = cm.newestLayer(w); return g && !g.__cmOld && cm.drawnOurs(w); });
      }
      const n = cm.shown();
      return n !== null && n !== cm.before && cm.maps().some(w => !w.__cmOld && cm.icons(w) === n);
    },
    watch(test, key, limitMs) {  // poll every 5 ms; store performance.now() one frame after test() holds
      window[key] = undefined;
      const t0 = performance.now();
      const tick = async () => {
        let ok = false;
        try { ok = test(); } catch (e) { ok = false; }
        if (ok) { await nextFrame(); window[key] = performance.now(); return; }
        if (performance.now() - t0 > limitMs) { window[key] = -1; return; }
        setTimeout(tick, 5);
      };
      tick();
    },
    view() {
      const w = cm.map();
      if (!w) return null;
      const c = w.map.getCenter();
      return {zoom: w.map.getZoom(), lat: c.lat, lng: c.lng, count: w.cmEventCount === undefined ? null :
              w.cmEventCount, layerMode: w.cmLayerMode || null, icons: cm.icons(w),
              sameMap: w.__cmOld === 1,
              heapMB: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null};
    },
  };
  document.addEventListener('keydown', () => { window.__cmKeyT = performance.now(); }, true);
  // Script runs (Streamlit's data-test-script-state) and open milestones, with their times.
  cm.states = [];
  cm.milestones = {};
  new MutationObserver(ms => { for (const m of ms) {
      const s = m.target.getAttribute && m.target.getAttribute('data-test-script-state');
      if (s && (!cm.states.length || cm.states[cm.states.length - 1][1] !== s)) cm.states.push([performance.now(), s]);
    } }).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
  const stone = () => {
    const t = performance.now(), ms = cm.milestones;
    if (ms.iframe === undefined && document.querySelector(IFRAME)) ms.iframe = t;
    if (ms.map === undefined && cm.maps().length) ms.map = t;
    if (ms.shown === undefined && cm.shown() !== null) ms.shown = t;
    if (ms.ready === undefined) setTimeout(stone, 5);
  };
  const startOpen = () => { stone();
    cm.watch(() => { const ok = cm.readyOpen(); if (ok) cm.milestones.ready = performance.now(); return ok; },
             '__cmReady', %(open_ms)d); };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', startOpen);
  else startOpen();
})();
"""

class Frames:
    """Websocket frames (binary ForwardMsgs) a page receives, and /_stcore/message HTTP bodies."""

    def __init__(self, page) -> None:
        self.frames: list[bytes] = []
        self.http: list[int] = []
        page.on("websocket", self._ws)
        page.on("response", self._response)

    def _ws(self, ws) -> None:
        ws.on("framereceived", lambda payload: self.frames.append(
            payload if isinstance(payload, bytes) else payload.encode("utf-8")))

    def _response(self, response) -> None:
        if "/_stcore/message" in response.url:
            with contextlib.suppress(Exception):
                self.http.append(len(response.body()))

    def mark(self) -> tuple[int, int]:
        return len(self.frames), len(self.http)

    def since(self, mark: tuple[int, int]) -> dict:
        """Bytes received since ``mark``, split by what they carried."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        out = {"total": 0, "frames": 0, "component_args": 0, "feature_group": 0, "map_script": 0, "by_element": {},
               "http_message": sum(self.http[mark[1]:]), "unparsed": 0}
        for raw in self.frames[mark[0]:]:
            out["total"] += len(raw)
            out["frames"] += 1
            try:
                msg = ForwardMsg.FromString(raw)
            except Exception:  # not a ForwardMsg (should not happen)
                out["unparsed"] += len(raw)
                continue
            kind = msg.WhichOneof("type") or "?"
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element
                kind = el.WhichOneof("type") or "?"
                if kind == "component_instance":
                    args = el.component_instance.json_args
                    out["component_args"] += len(args.encode("utf-8"))
                    with contextlib.suppress(ValueError):
                        parsed = json.loads(args)
                        out["feature_group"] += len((parsed.get("feature_group") or "").encode("utf-8"))
                        out["map_script"] += len((parsed.get("script") or "").encode("utf-8"))
            out["by_element"][kind] = out["by_element"].get(kind, 0) + len(raw)
        out["total"] += out["http_message"]
        return out


class Driver:
    """One page of one app, with its instrumentation."""

    def __init__(self, browser, server: StreamlitServer, mode: str, requests: RequestLog | None = None) -> None:
        self.mode = mode
        self.server = server
        # Requests not to 127.0.0.1 are aborted and go to ``requests``; the others are not recorded.
        self.ctx = local_context(browser, requests, mode, record_all=False, viewport=VIEWPORT, timeout_ms=60_000)
        self.ctx.add_init_script(INIT_JS % {"mode": json.dumps(mode), "open_ms": OPEN_TIMEOUT[mode] * 1000})
        self.page = self.ctx.new_page()
        self.frames = Frames(self.page)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ctx.close()

    # waiting
    def wait_js(self, js: str, timeout_s: float, arg=None) -> None:
        self.page.wait_for_function(js, arg=arg, timeout=timeout_s * 1000, polling=20)

    def wait_idle(self, timeout_s: float = IDLE_TIMEOUT) -> None:
        self.wait_js(IDLE_JS, timeout_s)

    def idle(self) -> bool:
        return bool(self.page.evaluate(IDLE_JS))

    def settle(self, timeout_s: float = IDLE_TIMEOUT, *, need_idle: bool = True) -> None:
        """Until the map shows what the page says and (``need_idle``) no script run is going on, twice 0.3 s apart.

        :class:`TimeoutError` if that takes longer than ``timeout_s``.
        """
        deadline = time.monotonic() + timeout_s
        check = "() => window.__cm.settled()"
        while time.monotonic() < deadline:
            try:
                if need_idle:
                    self.wait_idle(max(1.0, deadline - time.monotonic()))
                self.wait_js(check, max(1.0, deadline - time.monotonic()))
            except PlaywrightTimeout:
                break
            time.sleep(0.3)
            if (not need_idle or self.idle()) and self.page.evaluate(check):
                return
        raise TimeoutError(f"the page did not settle within {timeout_s:.0f} s "
                           f"({'a script run is still going on' if not self.idle() else 'the map lags the page'})")

    # measurements
    def open(self) -> float:
        """Page open -> map ready, in seconds from navigation start."""
        self.page.goto(self.server.url, wait_until="commit", timeout=60_000)
        self.wait_js("() => window.__cmReady !== undefined", OPEN_TIMEOUT[self.mode] + 5)
        ready = self.page.evaluate("() => window.__cmReady")
        if ready < 0:
            raise TimeoutError(f"{self.mode}: map not ready within {OPEN_TIMEOUT[self.mode]} s")
        return ready / 1000

    def open_milestones(self) -> dict:
        """Seconds from navigation start: DOM loaded, first script run started/finished, iframe, map, ready."""
        ms = self.page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0] || {};
            const st = window.__cm.states; const run = st.find(s => s[1] === 'running');
            const done = run && st.find(s => s[1] === 'notRunning' && s[0] > run[0]);
            return Object.assign({dom: n.domContentLoadedEventEnd || null, run_start: run ? run[0] : null,
                                  run_end: done ? done[0] : null}, window.__cm.milestones); }""")
        return {k: (v / 1000 if v is not None else None) for k, v in ms.items()}

    def thumb(self, which: str = "start"):
        return date_thumb(self.page, which)

    def window(self) -> tuple[str, str]:
        return self.thumb("start").get_attribute("aria-valuetext"), self.thumb("end").get_attribute("aria-valuetext")

    def range_position(self) -> float:
        """Where the start thumb is, as a fraction of the slider's range."""
        lo, hi, now = self.thumb().evaluate("el => [Number(el.min), Number(el.max), Number(el.value)]")
        return (now - lo) / (hi - lo) if hi > lo else 0.0

    def setup(self, busy_s: float) -> None:
        """Start thumb to 70 % of the range with ``PageUp`` presses 0.3 s apart (runs they start while one is going on
        are folded into one), then wait for the map (and for the run to end, at most ``busy_s``); checked, and
        corrected at most twice."""
        target = SETUP_PAGEUPS / 10 - 0.01
        for _ in range(3):
            missing = round((target - self.range_position()) * 10 + 0.5)
            if missing <= 0:
                return
            self.thumb().focus()
            for _ in range(missing):
                self.page.keyboard.press("PageUp")
                time.sleep(0.3)
            time.sleep(0.5)
            with contextlib.suppress(TimeoutError):
                self.settle(busy_s)
        if self.range_position() < target:
            raise RuntimeError(f"the start thumb did not reach 70 % (at {self.range_position():.0%})")

    def view(self) -> dict:
        return self.page.evaluate("() => window.__cm.view()")

    def zoom_in(self, busy_s: float) -> None:
        z = self.view()["zoom"]
        self.page.evaluate("() => { const w = window.__cm.map(); w.map.setZoom(w.map.getZoom() + 1); }")
        self.wait_js("""(z) => { const w = window.__cm.map();
            return w && w.map.getZoom() === z + 1 && !w.map._animatingZoom; }""", 180, arg=z)
        time.sleep(0.6)  # st_folium reports the view after a 250 ms debounce, which reruns the script
        self.settle(busy_s)

    def move(self, thumb: str, key: str, busy_s: float) -> dict:
        """One measured slider move: seconds from keydown to the new layer drawn, view kept, bytes."""
        self.settle(busy_s)
        before = self.view()
        self.page.evaluate("() => window.__cm.mark()")
        mark = self.frames.mark()
        limit = UPDATE_TIMEOUT[self.mode] * 1000
        self.page.evaluate("(ms) => window.__cm.watch(() => window.__cm.updated(), '__cmDone', ms)", limit)
        self.thumb(thumb).focus()
        self.page.keyboard.press(key)
        self.wait_js("() => window.__cmDone !== undefined", UPDATE_TIMEOUT[self.mode] + 5)
        done, key_t = self.page.evaluate("() => [window.__cmDone, window.__cmKeyT]")
        if done < 0:
            raise TimeoutError(f"{self.mode}: the map did not update within {UPDATE_TIMEOUT[self.mode]} s")
        busy = None
        try:
            self.settle(busy_s)
        except TimeoutError as exc:
            busy = str(exc)
            self.settle(60, need_idle=False)
        time.sleep(0.3)
        after = self.view()
        states = self.page.evaluate("() => window.__cm.states")
        sent = self.frames.since(mark)
        kept = (after["zoom"] == before["zoom"] and abs(after["lat"] - before["lat"]) < 1e-6
                and abs(after["lng"] - before["lng"]) < 1e-6)
        drawn = after["count"] if self.mode == "ours" else after["icons"]
        # The first script run after the key press, and when it finished (it may finish after the layer is drawn:
        # the component's delta comes before the end of the run).
        runs = [t for t, st in states if st == "running" and key_t <= t <= done]
        ends = [t for t, st in states if st == "notRunning" and runs and t > runs[0]]
        phases = {"to_run_start": (runs[0] - key_t) / 1000 if runs else None,
                  "run": (ends[0] - runs[0]) / 1000 if runs and ends else None,
                  "run_end_to_drawn": (done - ends[0]) / 1000 if ends else None,
                  "runs": len([t for t, st in states if st == "running" and t >= key_t])}
        return {"key": f"{thumb} {key}", "seconds": (done - key_t) / 1000, "phases": phases,
                "load": os.getloadavg()[0], "view_kept": kept, "before": before, "after": after,
                "window": self.window(), "shown": self.page.evaluate("() => window.__cm.shown()"), "drawn": drawn,
                "layer_mode": after["layerMode"] if self.mode == "ours" else "markers", "bytes": sent,
                "busy_after": busy}


# --- one app at one size --------------------------------------------------------------------------------

def measure_app(browser, server: StreamlitServer, mode: str, repeats: int, busy_s: float) -> dict:
    """Opens, slider moves and memory for one running app. ``busy_s``: the longest wait for a script run to end
    before a move (a move while a run is going on would measure that run, not the move)."""
    requests = RequestLog()
    res: dict = {"opens": [], "moves": [], "errors": []}
    # A first page makes the server load the data (st.cache_resource): timed, but reported apart.
    d = Driver(browser, server, mode, requests)
    try:
        t = time.perf_counter()
        d.page.goto(server.url, wait_until="commit", timeout=60_000)
        d.wait_js("() => window.__cm.shown() !== null", OPEN_TIMEOUT[mode])
        res["first_script_run"] = time.perf_counter() - t
        res["rss_after_first_page"] = rss_mb(server.proc.pid)
    finally:
        d.close()
    moves_possible = True
    for r in range(repeats):
        # Each page starts on an idle server: a closed page's script run may still be going on (see the notes).
        waited = wait_server_idle(server.proc.pid, busy_s)
        res.setdefault("server_idle_wait", []).append(waited)
        if waited >= busy_s:
            res["errors"].append(f"repeat {r + 1}: the server was still busy after {busy_s:.0f} s")
        d = Driver(browser, server, mode, requests)
        try:
            mark = d.frames.mark()
            opened = d.open()
            res["opens"].append(opened)
            res.setdefault("open_load", []).append(os.getloadavg()[0])
            try:
                d.settle(busy_s)
            except TimeoutError as exc:
                res.setdefault("busy", []).append(f"after page open: {exc}")
                d.settle(60, need_idle=False)
            open_view = d.view()
            res.setdefault("open_bytes", []).append({"bytes": d.frames.since(mark), "drawn": open_view["count"]
                                                     if mode == "ours" else open_view["icons"],
                                                     "layer_mode": open_view["layerMode"] or "markers",
                                                     "heapMB": open_view["heapMB"]})
            res.setdefault("open_milestones", []).append(d.open_milestones())
            log(f"  {mode} open #{r + 1}: {opened:.2f} s ({res['open_bytes'][-1]['drawn']} drawn, "
                f"{res['open_bytes'][-1]['layer_mode']}); first script run ends at "
                f"{res['open_milestones'][-1]['run_end'] or float('nan'):.2f} s")
            if not moves_possible:
                continue
            if not d.idle():
                moves_possible = False
                res["errors"].append(f"slider moves not measured: the page's script run was still going on "
                                     f"{busy_s:.0f} s after the map was ready (see 'first run done')")
                log(f"  {mode}: {res['errors'][-1]}")
                continue
            d.setup(busy_s)
            for thumb, key in MOVES:
                if d.view()["zoom"] <= open_view["zoom"]:  # zoomed in before every move (naive loses it)
                    d.zoom_in(busy_s)
                mv = d.move(thumb, key, busy_s)
                res["moves"].append(mv)
                log(f"  {mode} move {thumb} {key}: {mv['seconds']:.3f} s, view kept {mv['view_kept']}, "
                    f"{mv['drawn']} drawn ({mv['layer_mode']}), {mv['bytes']['total']:,} B; run "
                    f"{(mv['phases']['run'] or float('nan')):.2f} s")
        except Exception as exc:  # keep what was measured; say what failed
            res["errors"].append(f"repeat {r + 1}: {type(exc).__name__}: {exc}")
            log(f"  {mode} repeat {r + 1} failed: {exc}")
            traceback.print_exc()
        finally:
            d.close()
    # Server memory with three sessions on the map at once (their script runs may still be going on).
    drivers = []
    try:
        wait_server_idle(server.proc.pid, busy_s)
        for _ in range(3):
            dr = Driver(browser, server, mode, requests)
            drivers.append(dr)
            dr.open()
        for dr in drivers:
            with contextlib.suppress(TimeoutError):
                dr.settle(min(busy_s, 120))
        time.sleep(1.0)
        res["rss_3_sessions"] = rss_mb(server.proc.pid)
        res["rss_3_sessions"]["runs_going_on"] = sum(not dr.idle() for dr in drivers)
        log(f"  {mode} RSS with 3 sessions: {res['rss_3_sessions']['rss']:.0f} MB "
            f"(peak {res['rss_3_sessions']['hwm']:.0f} MB)")
    except Exception as exc:
        res["errors"].append(f"memory: {type(exc).__name__}: {exc}")
        log(f"  {mode} memory measurement failed: {exc}")
    finally:
        for dr in drivers:
            dr.close()
    res["blocked_requests"] = requests.blocked_urls()
    return res


# --- server-side breakdown of the map part of a rerun -----------------------------------------------------

def breakdown(csv: Path, cache_dir: Path, windows: list[tuple[str, str]], zoom: int) -> list[dict]:
    """Time selection, layer build and st_folium's rendering for each window; the layer's JSON bytes."""
    os.environ["CONFLICTMAP_CACHE"] = str(cache_dir)
    from streamlit_folium import _get_feature_group_string

    from conflictmap.importers import import_file
    from conflictmap.maplayers import base_map, event_layers
    from conflictmap.select import select_events

    data = import_file(csv)
    out = []
    for lo, hi in windows:
        t0 = time.perf_counter()
        sel = select_events(data, date_range=(dt.date.fromisoformat(lo), dt.date.fromisoformat(hi)))
        t1 = time.perf_counter()
        layer = event_layers(sel, data.places, zoom=zoom)
        t2 = time.perf_counter()
        js = _get_feature_group_string(layer, base_map())
        t3 = time.perf_counter()
        child = next(iter(layer._children.values()))
        payload = len(child.data_json.encode("utf-8"))
        out.append({"window": [lo, hi], "selected": len(sel), "layer": type(child).__name__,
                    "select_s": t1 - t0, "layer_s": t2 - t1, "st_folium_render_s": t3 - t2,
                    "layer_json_bytes": payload, "feature_group_bytes": len(js.encode("utf-8"))})
    return out


def measure_floor(browser, csv: Path, cache: Path, n: int, repeats: int, quiet: tuple[float, float]) -> dict:
    """Page open of ``floor_app.py`` (our map alone, no page around it): the floor for the page-open target."""
    res: dict = {"opens": [], "errors": []}
    server = app_server("benchmarks/floor_app.py", csv, cache, f"floor-{n}")
    wait_quiet(*quiet)
    try:
        server.start()
        first = Driver(browser, server, "ours")
        try:
            first.open()  # loads the data into the server's cache; not counted
        finally:
            first.close()
        for _ in range(repeats):
            wait_server_idle(server.proc.pid, 60)
            d = Driver(browser, server, "ours")
            try:
                res["opens"].append(d.open())
            finally:
                d.close()
        log("  the map alone (floor_app.py), page open: " + ", ".join(f"{t:.2f} s" for t in res["opens"]))
    except Exception as exc:
        res["errors"].append(f"{type(exc).__name__}: {exc}")
        log(f"  floor measurement failed: {exc}")
    finally:
        server.stop()
    return res


# --- one size -----------------------------------------------------------------------------------------------

def run_size(browser, n: int, repeats: int, naive_max: int, quiet: tuple[float, float], busy_s: float) -> dict:
    csv = generate.ensure(DATA, n)
    cache = DATA / "cache" / str(n)
    res: dict = {"n": n, "csv_mb": csv.stat().st_size / 1e6, "repeats": repeats,
                 "when": dt.datetime.now().isoformat(timespec="seconds")}
    log(f"N={n:,}: {csv.name} ({res['csv_mb']:.1f} MB)")
    res["load_before_import"] = wait_quiet(*quiet)
    res["cold"] = [time_import(csv, cache, cold=True) for _ in range(repeats)]
    log("  cold import: " + ", ".join(f"{r['call']:.2f} s (wall {r['wall']:.2f})" for r in res["cold"]))
    res["warm"] = [time_import(csv, cache, cold=False) for _ in range(repeats)]
    log("  warm load:   " + ", ".join(f"{r['call']:.2f} s (wall {r['wall']:.2f})" for r in res["warm"]))
    apps = [("ours", "app.py")]
    if n <= naive_max:
        apps.append(("naive", "benchmarks/naive_app.py"))
    else:
        res["naive_skipped"] = (f"not run (would take minutes): N > --naive-max {naive_max:,}; the baseline's "
                                f"100k one-Marker-per-event map was never ready after 11 minutes")
    res["floor"] = measure_floor(browser, csv, cache, n, repeats, quiet)
    for mode, script in apps:
        server = app_server(script, csv, cache, f"{mode}-{n}")
        res[f"load_before_{mode}"] = wait_quiet(*quiet)
        try:
            t = time.perf_counter()
            server.start()
            log(f"  {mode}: server healthy after {time.perf_counter() - t:.1f} s on port {server.port}")
            res[mode] = measure_app(browser, server, mode, repeats, busy_s)
        except Exception as exc:
            res[mode] = {"errors": [f"{type(exc).__name__}: {exc}"]}
            log(f"  {mode} failed: {exc}")
        finally:
            server.stop()
    windows = sorted({tuple(m["window"]) for m in res.get("ours", {}).get("moves", [])})
    if windows:
        zoom = res["ours"]["moves"][0]["after"]["zoom"]
        try:
            res["breakdown"] = breakdown(csv, cache, [list(w) for w in windows], zoom)
        except Exception as exc:
            res["breakdown_error"] = f"{type(exc).__name__}: {exc}"
    return res


# --- the report ------------------------------------------------------------------------------------------------

def machine() -> dict:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    mem = ""
    with contextlib.suppress(OSError, StopIteration):
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 1024 / 1024:.1f} GB"
    versions = {}
    for pkg in ("streamlit", "folium", "streamlit-folium", "pandas", "pyarrow", "numpy", "playwright"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[pkg] = importlib.metadata.version(pkg)
    load = ""
    with contextlib.suppress(OSError):
        load = Path("/proc/loadavg").read_text().split()[:3]
    return {"nproc": len(os.sched_getaffinity(0)), "cpu": cpu, "ram": mem, "python": platform.python_version(),
            "os": platform.platform(), "versions": versions, "loadavg_at_start": load}


def fmt_s(s: dict | None) -> str:
    if not s:
        return "–"
    if s["n"] == 1:
        return f"{s['min']:.2f} s"
    return f"{s['min']:.2f} / {s['median']:.2f} s"


def per_event(b: dict, drawn: int | None) -> float | None:
    return b["total"] / drawn if drawn else None


def summarise(r: dict) -> dict:
    """Figures for the table from one column's raw results."""
    out: dict = {"n": r["n"]}
    out["cold"] = stats([x["call"] for x in r.get("cold", [])])
    out["cold_wall"] = stats([x["wall"] for x in r.get("cold", [])])
    out["warm"] = stats([x["call"] for x in r.get("warm", [])])
    out["warm_wall"] = stats([x["wall"] for x in r.get("warm", [])])
    for mode in ("ours", "naive"):
        m = r.get(mode) or {}
        moves = m.get("moves", [])
        out[f"{mode}_open"] = stats(m.get("opens", []))
        out[f"{mode}_move"] = stats([x["seconds"] for x in moves])
        out[f"{mode}_kept"] = (f"{sum(x['view_kept'] for x in moves)}/{len(moves)}" if moves else None)
        sent = [x for x in moves if x["bytes"]["component_args"] and x["drawn"]]  # not a cached message ref
        out[f"{mode}_move_bpe"] = stats([per_event(x["bytes"], x["drawn"]) for x in sent])
        out[f"{mode}_move_layer_bpe"] = stats([x["bytes"]["feature_group"] / x["drawn"] for x in sent]) \
            if mode == "ours" else None
        for phase in ("to_run_start", "run", "run_end_to_drawn"):
            out[f"{mode}_phase_{phase}"] = stats([(x.get("phases") or {}).get(phase) for x in moves])
        for stone in ("dom", "run_start", "run_end", "iframe", "map", "ready"):
            out[f"{mode}_open_{stone}"] = stats([o.get(stone) for o in m.get("open_milestones", [])])
        out[f"{mode}_load"] = stats([x.get("load") for x in moves] + m.get("open_load", []))
        out[f"{mode}_open_bpe"] = stats([per_event(x["bytes"], x["drawn"]) for x in m.get("open_bytes", [])])
        out[f"{mode}_rss"] = (m.get("rss_3_sessions") or {}).get("rss")
        out[f"{mode}_modes"] = sorted({x["layer_mode"] for x in moves} | {x["layer_mode"] for x in
                                                                          m.get("open_bytes", [])})
        out[f"{mode}_drawn"] = sorted({x["drawn"] for x in moves})
        out[f"{mode}_errors"] = m.get("errors", []) + m.get("busy", [])
    return out


def ratio(naive: dict | None, ours: dict | None) -> str:
    if not naive or not ours or not ours["median"]:
        return "–"
    x = naive["median"] / ours["median"]
    return f"{x:.0f}×" if x >= 10 else f"{x:.1f}×"


def column_label(r: dict) -> str:
    return f"{r['n']:,}"


def column_order(results: dict[str, dict]) -> list[str]:
    return sorted(results, key=lambda k: results[k]["n"])


def verdict(key: str, sums: dict[str, dict], results: dict[str, dict]) -> tuple[str, str, str]:
    """(target text, measured text, ✓/✗/?)."""
    _label, size, limit, unit = TARGETS[key]
    target = f"≤ {limit:g} {unit}" if unit != "MB" else f"≤ {limit / 1024:g} GB"
    return target, *_measured(key, size, limit, sums, results)


def _measured(key: str, size: int, limit: float, sums: dict[str, dict], results: dict[str, dict]) -> tuple[str, str]:
    cols = column_order(results)
    if key == "bytes":
        vals = [(results[k]["n"], sums[k]["ours_move_layer_bpe"], sums[k]["ours_move_bpe"]) for k in cols
                if sums[k].get("ours_move_layer_bpe")]
        if not vals:
            return "not measured", "?"
        worst = max(v["median"] for _, v, _ in vals)
        text = "; ".join(f"{n:,}: {v['median']:.0f} B ({a['median']:.0f} B)" for n, v, a in vals)
        return text, "✓" if worst <= limit else "✗"
    col = next((k for k in cols if results[k]["n"] == size), None)
    if col is None:
        return "not run at this size", "?"
    s = sums[col]
    if key in ("cold", "warm"):
        v = s[key]
        return fmt_s(v), ("✓" if v["median"] <= limit else "✗") if v else "?"
    if key.startswith("slider"):
        v = s["ours_move"]
        if not v:
            why = "; ".join(e for e in s["ours_errors"] if "slider moves" in e or "settle" in e)[:160]
            return "not measured" + (f" ({why})" if why else ""), "✗" if why else "?"
        ok = v["median"] <= limit
        text = fmt_s(v)
        if key == "slider_200k":
            kept = s["ours_kept"] or "0/0"
            ok = ok and kept.split("/")[0] == kept.split("/")[1]
            text += f", view kept {kept}"
        return text, "✓" if ok else "✗"
    if key == "open_200k":
        v = s["ours_open"]
        return fmt_s(v), ("✓" if v["median"] <= limit else "✗") if v else "?"
    v = s["ours_rss"]  # key == "rss"
    return (f"{v:,.0f} MB" if v else "not measured"), ("✓" if v <= limit else "✗") if v else "?"


def render(results: dict[str, dict], info: dict, argv: list[str]) -> str:
    cols = column_order(results)
    sums = {k: summarise(results[k]) for k in cols}
    lines = ["# Performance", "",
             "The on-demand benchmark (`benchmarks/run.py`): synthetic ACLED exports of Syria at several sizes, "
             "imported, then served by the app and by the naive Streamlit + Folium pattern side by side, and driven "
             "in headless Chromium. Figures are **min / median** over the repeats (one figure: a single run).", ""]
    lines += ["## Machine", "",
              f"- {info['nproc']} cores ({info['cpu'] or 'unknown CPU'}), {info['ram']} RAM, {info['os']}",
              f"- Chromium {info.get('chromium', '?')} (Debian, headless), Python {info['python']}",
              "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
              f"- load average when the run started: {' '.join(info.get('loadavg_at_start') or []) or '?'}; "
              "other jobs were running on the machine at times (2 cores), hence min and median, and a load "
              "average column below",
              f"- last run: `{' '.join(argv)}`; columns measured on: "
              + ", ".join(f"{column_label(results[k])} ({results[k].get('when', '?')})" for k in cols), "",
              "## Targets (issue 5)", "",
              "| what | target | measured | met |", "|---|---|---|---|"]
    for key in TARGETS:
        target, measured, met = verdict(key, sums, results)
        lines.append(f"| {TARGETS[key][0]} | {target} | {measured} | {met} |")
    lines += ["", "Bytes: the event layer's bytes ÷ events drawn on a slider move (median); in brackets, every byte "
              "the rerun sent ÷ events drawn.", ""]

    lines += ["## Results: ours against the naive pattern", "",
              "| what | " + " | ".join(column_label(results[k]) for k in cols) + " |", "|---|" + "---|" * len(cols)]

    def row(label: str, cell) -> None:
        lines.append(f"| {label} | " + " | ".join(cell(sums[k], results[k]) for k in cols) + " |")

    def naive(r: dict, text: str) -> str:
        return text if "naive" in r else "not run"

    row("CSV size", lambda s, r: f"{r['csv_mb']:.0f} MB" if r["csv_mb"] >= 10 else f"{r['csv_mb']:.1f} MB")
    row("cold import (`import_file`, in-process)", lambda s, r: fmt_s(s["cold"]))
    row("cold import, subprocess wall", lambda s, r: fmt_s(s["cold_wall"]))
    row("warm load (Parquet cache, in-process)", lambda s, r: fmt_s(s["warm"]))
    row("warm load, subprocess wall", lambda s, r: fmt_s(s["warm_wall"]))
    row("**page open → map ready**, ours", lambda s, r: fmt_s(s["ours_open"]))
    row("page open → ready, the map alone (`floor_app.py`)",
        lambda s, r: fmt_s(stats((r.get("floor") or {}).get("opens", []))) if r.get("floor") else "not run")
    row("page open → ready, naive", lambda s, r: naive(r, fmt_s(s["naive_open"])))
    row("ratio naive ÷ ours (median)", lambda s, r: ratio(s["naive_open"], s["ours_open"]))
    row("**slider move → map updated**, ours", lambda s, r: fmt_s(s["ours_move"]))
    row("slider move → updated, naive", lambda s, r: naive(r, fmt_s(s["naive_move"])))
    row("ratio naive ÷ ours (median)", lambda s, r: ratio(s["naive_move"], s["ours_move"]))
    row("view kept after a slider move: ours", lambda s, r: s["ours_kept"] or "–")
    row("view kept: naive", lambda s, r: naive(r, s["naive_kept"] or "–"))
    row("what ours drew after the moves", lambda s, r: (", ".join(s["ours_modes"]) + ": "
                                                         + ", ".join(f"{d:,}" for d in s["ours_drawn"]))
        if s["ours_drawn"] else ", ".join(s["ours_modes"]) or "–")
    row("bytes per event drawn, slider move, ours: event layer / everything",
        lambda s, r: (f"{s['ours_move_layer_bpe']['median']:.0f} / {s['ours_move_bpe']['median']:.0f} B"
                      if s["ours_move_bpe"] and s["ours_move_layer_bpe"] else "–"))
    row("bytes per event drawn, slider move, naive (everything)",
        lambda s, r: naive(r, f"{s['naive_move_bpe']['median']:,.0f} B" if s["naive_move_bpe"] else "–"))
    row("bytes per event drawn, page open (everything): ours / naive",
        lambda s, r: (f"{s['ours_open_bpe']['median']:.0f} B" if s["ours_open_bpe"] else "–") + " / "
        + naive(r, f"{s['naive_open_bpe']['median']:,.0f} B" if s["naive_open_bpe"] else "–"))
    row("server RSS, 3 sessions on the map: ours / naive",
        lambda s, r: (f"{s['ours_rss']:,.0f} MB" if s["ours_rss"] else "–") + " / "
        + naive(r, f"{s['naive_rss']:,.0f} MB" if s["naive_rss"] else "–"))

    notes = []
    for k in cols:
        r, label = results[k], column_label(results[k])
        if r.get("naive_skipped"):
            notes.append(f"- {label}: naive {r['naive_skipped']}.")
        if r.get("naive_when"):
            notes.append(f"- {label}: the naive figures are from the run of {r['naive_when']}.")
        for mode in ("ours", "naive"):
            for e in sums[k][f"{mode}_errors"]:
                notes.append(f"- {label}, {mode}: {e}")
            blocked = (r.get(mode) or {}).get("blocked_requests")
            if blocked:
                notes.append(f"- {label}, {mode}: {len(blocked)} request(s) not to 127.0.0.1 were aborted: "
                             + ", ".join(f"`{u[:80]}`" for u in blocked[:5]))
            busy = ((r.get(mode) or {}).get("rss_3_sessions") or {}).get("runs_going_on")
            if busy:
                notes.append(f"- {label}, {mode}: when the memory was read, {busy} of the 3 sessions' script runs "
                             "were still going on.")
    if notes:
        lines += ["", "Notes from the run:", "", *notes]

    lines += ["", "### Bytes of one slider-move rerun, by element (ours, median move)", "",
              "| N | total | map component args | of which the event layer | largest other elements |",
              "|---|---|---|---|---|"]
    for k in cols:
        moves = [m for m in (results[k].get("ours") or {}).get("moves", []) if m["bytes"]["component_args"]]
        if not moves:
            continue
        mv = sorted(moves, key=lambda m: m["bytes"]["total"])[len(moves) // 2]
        b = mv["bytes"]
        other = {e: v for e, v in b["by_element"].items() if e != "component_instance"}
        top = ", ".join(f"{e} {v / 1024:,.1f} KB" for e, v in sorted(other.items(), key=lambda kv: -kv[1])[:4])
        lines.append(f"| {column_label(results[k])} | {b['total'] / 1024:,.1f} KB | "
                     f"{b['component_args'] / 1024:,.1f} KB | {b['feature_group'] / 1024:,.1f} KB "
                     f"({mv['drawn']:,} {mv['layer_mode']}) | {top} |")

    lines += ["", "### Where the time goes (medians, seconds)", "",
              "Slider move: key press → the script run starts → that run ends (negative \"run end → drawn\": the "
              "map was drawn before the run ended) → new layer drawn. Page open: from navigation start to the DOM "
              "loaded, the first script run's end, the map iframe, the Leaflet map, the events drawn.", "",
              "| N | app | move: to run start | run | run end → drawn | open: DOM | first run ends | "
              "iframe | map | ready | load avg |", "|---|---|---|---|---|---|---|---|---|---|---|"]

    def med(v: dict | None) -> str:
        return f"{v['median']:.2f}" if v else "–"

    for k in cols:
        s = sums[k]
        for mode in ("ours", "naive"):
            if not s[f"{mode}_open"] and not s[f"{mode}_move"]:
                continue
            lines.append(f"| {column_label(results[k])} | {mode} | "
                         + " | ".join(med(s[f"{mode}_phase_{p}"]) for p in ("to_run_start", "run", "run_end_to_drawn"))
                         + " | " + " | ".join(med(s[f"{mode}_open_{m}"]) for m in
                                              ("dom", "run_end", "iframe", "map", "ready"))
                         + f" | {med(s[f'{mode}_load'])} |")

    lines += ["", "### Server-side cost of the map part of a rerun (ours, the measured windows, in this process)", "",
              "| N | window | selected | layer | selection | `event_layers` | st_folium feature-group render | "
              "layer JSON | per event selected |", "|---|---|---|---|---|---|---|---|---|"]
    for k in cols:
        for b in results[k].get("breakdown", []):
            lines.append(f"| {column_label(results[k])} | {b['window'][0]} – {b['window'][1]} | {b['selected']:,} | "
                         f"{b['layer']} | {b['select_s'] * 1000:.1f} ms | {b['layer_s'] * 1000:.0f} ms | "
                         f"{b['st_folium_render_s'] * 1000:.0f} ms | {b['layer_json_bytes'] / 1024:,.1f} KB | "
                         f"{b['layer_json_bytes'] / max(b['selected'], 1):.1f} B |")

    lines += ["", "## How to run", "",
              "```sh",
              "python benchmarks/run.py                       # 1k, 10k, 100k, 200k; naive up to 10k",
              "python benchmarks/run.py --sizes 1000,10000 --repeats 3",
              "python benchmarks/run.py --sizes 100000,200000 --repeats-large 2   # adds columns to the table",
              "python benchmarks/profile_rerun.py --size 200000                   # cProfile of the script runs",
              "python benchmarks/generate.py --sizes 1000 --out /tmp/acled       # only the synthetic files",
              "```", "",
              "- Needs Debian's Chromium at `/usr/bin/chromium` (never a downloaded browser), the Playwright "
              "client, and the offline map assets (`python -m conflictmap assets install`). No internet: every "
              "request not to 127.0.0.1 is aborted and listed in the notes.",
              "- Data, Parquet caches, server logs and the raw results (`results.json`) go to `benchmarks/data/` "
              "(ignored by git). Columns measured in earlier runs stay in the table unless `--fresh`.",
              "- Before each measurement it waits (at most `--load-wait` s) for the load average to drop below "
              "`--max-load`. It takes tens of minutes; not part of CI.", "",
              "## What the figures mean", "",
              "- **Cold import**: `conflictmap.importers.import_file(csv)` with an empty cache directory, in a "
              "fresh subprocess: parse, map, validate, write the Parquet cache, assemble. **Warm load**: the same "
              "call with the cache present. The in-process figure is the call alone; the subprocess wall adds "
              "interpreter start-up and imports (pandas, pyarrow...).",
              "- **Page open → map ready**: from the browser's navigation start to the frame after the map iframe "
              "drew the events (`window.cmEventCount > 0`; naive: every marker icon in the DOM). The server has "
              "already loaded the data (a first, unmeasured page did that), so this is one script run up to the map, "
              "the transfer, the component's scripts and the drawing. Each repeat is a fresh browser context. "
              "**The map alone** (`benchmarks/floor_app.py`) is the same data, base map and event layer in "
              "`st_folium` with nothing else on the page: the floor that Streamlit's page load, the component "
              "iframe and Leaflet set on this machine. The difference to ours is what the sidebar, header, event "
              "picker, claim panel and histogram cost.",
              "- **Slider move → map updated**: keyboard moves of the sidebar date slider, after zooming the map in "
              "one level (again before each move if the view was lost): the start thumb `PageUp` (a tenth of the "
              "range: from the last 30 % of the range to the last 20 %), then the end thumb `PageDown` (to 80-90 %). "
              "Both windows are new to the session. From the `keydown` event to the frame after the new event "
              "layer is on the map (a feature group without the mark set before the key press; naive: a new map "
              "iframe with all its markers). This includes Streamlit's rerun of the page up to the map, the "
              "websocket transfer and the drawing; the rest of the run is in the \"run\" column below. Moves start "
              "only once the previous run has ended (at most `--busy-timeout` s). **View kept**: the map's zoom "
              "and centre after the move equal those before it (the naive map's iframe is re-created, so its view "
              "resets).",
              "- **Bytes per event drawn**: every websocket frame the page received from the key press until the "
              "rerun finished (Streamlit does not compress them by default), parsed as Streamlit messages. \"Event "
              "layer\" counts only the `feature_group_to_add` script st_folium sends, \"everything\" all of the "
              "rerun's messages (sidebar, selectbox options, chart data, the base map script...); each divided by "
              "the events drawn. When ours shows grid cells (more than `POINT_LIMIT` events in view), the divisor "
              "is the events *counted* in the cells.",
              "- **Server RSS**: `VmRSS` of the streamlit process and its children with three browser sessions "
              "on the map page at once (data loaded once, shared through `st.cache_resource`).",
              "- **Naive pattern** (`benchmarks/naive_app.py`): same data loading and selection, but one "
              "`folium.Marker` with a ~300-character `folium.Popup` per event on a new `folium.Map`, passed whole "
              "to `st_folium` on every run. Above `--naive-max` it is not run: at 100k the baseline never became "
              "ready in 11 minutes (`/work/shared/research/performance-baseline.md`).", ""]
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------------------------

def check_importer() -> None:
    """Fail early, with the reason, if the importer cannot import a 1k file."""
    csv = generate.ensure(DATA, 1000)
    r = time_import(csv, DATA / "cache" / "check", cold=True)
    if r["events"] != 1000:
        raise SystemExit(f"the importer loaded {r['events']} of 1,000 events from {csv}: {r}")


def link_static() -> None:
    """``benchmarks/static`` -> ``../static``: Streamlit serves a script's sibling ``static/`` folder."""
    link = HERE / "static"
    if not link.exists():
        link.symlink_to(Path("..") / "static", target_is_directory=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000,200000", help="comma-separated row counts")
    ap.add_argument("--repeats", type=int, default=3, help="repeats for sizes below 100k")
    ap.add_argument("--repeats-large", type=int, default=2, help="repeats for sizes of 100k and more")
    ap.add_argument("--naive-max", type=int, default=10_000, help="largest size the naive pattern runs at")
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "performance.md")
    ap.add_argument("--fresh", action="store_true", help="forget sizes measured in earlier runs")
    ap.add_argument("--max-load", type=float, default=float(len(os.sched_getaffinity(0))),
                    help="before each measurement, wait for the 1-minute load average to drop below this "
                         "(default: the number of cores)")
    ap.add_argument("--load-wait", type=float, default=300, help="longest wait for that, in seconds (then go on)")
    ap.add_argument("--busy-timeout", type=float, default=300,
                    help="longest wait, in seconds, for a script run to end before a slider move")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    exe = chromium_path()
    if exe is None:
        raise SystemExit(INSTALL_HINT)

    DATA.mkdir(parents=True, exist_ok=True)
    link_static()
    check_importer()
    results: dict[str, dict] = {}
    if RESULTS.is_file() and not args.fresh:
        with contextlib.suppress(ValueError, KeyError):
            results = json.loads(RESULTS.read_text())["results"]
    info = machine()
    with chromium(exe) as browser:
        info["chromium"] = browser.version
        for n in sizes:
            repeats = args.repeats_large if n >= LARGE else args.repeats
            key = str(n)
            new = run_size(browser, n, repeats, args.naive_max, (args.max_load, args.load_wait),
                           args.busy_timeout)
            old = results.get(key) or {}
            if "naive" not in new and "naive" in old:  # keep an earlier naive measurement of this size
                new["naive"] = old["naive"]
                new["naive_when"] = old.get("naive_when") or old.get("when")
                new.pop("naive_skipped", None)
            results[key] = new
            RESULTS.write_text(json.dumps({"machine": info, "results": results}, indent=1, default=str))
    shown_argv = ["python", "benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])]
    text = render(results, info, shown_argv)
    # Sections measured by other benchmarks (loadtest.py, import_ratio.py, store.py) are kept: everything
    # after KEEP_MARKER, and the store section between its own markers wherever it stands.
    old = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
    kept = old[old.index(KEEP_MARKER):] if KEEP_MARKER in old else ""
    store = kept_store_section(args.out)
    if store.strip() and store.strip() not in kept:
        text += store
    if kept:
        text = text.rstrip("\n") + "\n\n" + kept
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.out} and {RESULTS}")
    return 0


def kept_store_section(path: Path) -> str:
    """The section benchmarks/store.py wrote into the file (saving an edit), carried over when this rewrites it."""
    begin, end = "<!-- store: begin", "<!-- store: end -->"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if begin not in old or end not in old:
        return ""
    return "\n" + begin + old.split(begin, 1)[1].split(end, 1)[0] + end + "\n"


if __name__ == "__main__":
    sys.exit(main())
