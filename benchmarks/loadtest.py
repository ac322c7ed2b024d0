"""Load generator without browsers: N visitors speaking Streamlit's own WebSocket protocol to the app.

    python benchmarks/loadtest.py [--visitors 10] [--ramp 5] [--events 0] [--url http://127.0.0.1:PORT --pid PID]

Each visitor opens a WebSocket to ``/_stcore/stream`` and sends what the
browser's frontend sends (``BackMsg`` protobufs from the installed streamlit
package), then reads the server's ``ForwardMsg`` replies. It plays, one after
the other, timing each from the message sent to the run's ``script_finished``:

1. **open**: the map page (``rerun_script`` with no page and no widget state);
2. **slider**: the sidebar's "Date window" slider moved once, its start to 70 %
   of the range (its widget id and range come from the first run's deltas), or with
   ``--distinct-windows`` each visitor to a start of its own between 50 and 90 %;
3. **ledger**: an event picked in the "Event" picker (the latest event listed
   after the move), as a click on the map would; its ledger panel must arrive;
4. **events**: the Events page (its ``page_script_hash`` from the navigation
   message), with the same widget states; its table must arrive.

It reports p50, p95 and max per action, the errors, and the server process's
CPU seconds (``/proc/PID/stat``, from the first visitor's connection to the
last one's end) and its memory (``VmRSS`` sampled every 0.2 s, and ``VmHWM``).
Visitors arrive evenly spread over ``--ramp`` seconds.

By default it starts the app itself (``streamlit run app.py`` on a free port of
127.0.0.1, headless, file watcher off), on the bundled seed data, or with
``--events N`` on a synthetic ACLED export of N events (``generate.py``;
``CONFLICTMAP_DATA`` points at it). One unmeasured visitor opens the map first,
so the data is loaded (and for N events imported) before the clock runs. With
``--url`` it drives a server already running on 127.0.0.1 (give ``--pid`` for
CPU and memory).

What it does not do: it runs no JavaScript, so the map component (st_folium)
never reports its first view and the extra script run that a browser's map
triggers after page open is not included; nothing is drawn. The figures are the
server's side: script runs and the messages they send. Only 127.0.0.1 is
accepted as a target; every wait has a time limit, the number of visitors is
capped, and the whole run stops after ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from conflictmap.text import escape  # noqa: E402  (the app's own escaping, to find a title in its HTML)

DATA = HERE / "data"
LOGS = DATA / "logs"
MAX_VISITORS = 200
START_TIMEOUT = 300  # s, until /_stcore/health answers
WARMUP_TIMEOUT = 900  # s, the first page open (may import a large file)
ACTIONS = ("open", "slider", "ledger", "events")


# --- the server -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo and len(pids) < 1000:
        p = todo.pop()
        pids.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with contextlib.suppress(OSError, ValueError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return pids


def _trees(pid: int | Sequence[int]) -> list[int]:
    return [p for root in ([pid] if isinstance(pid, int) else pid) for p in _tree(root)]


def cpu_seconds(pid: int | Sequence[int]) -> float:
    """User + system CPU seconds of ``pid`` (or several) and their descendants so far (``/proc/PID/stat``)."""
    total = 0.0
    for p in _trees(pid):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def memory_mb(pid: int | Sequence[int]) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` (or several) and their descendants, in MB (``/proc/PID/status``)."""
    rss = hwm = 0
    for p in _trees(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm += int(line.split()[1])
    return rss / 1024, hwm / 1024


@dataclass
class Server:
    """``streamlit run app.py`` on a free loopback port, started and stopped by this script."""

    data: Path | None
    port: int = 0
    proc: subprocess.Popen | None = None
    log_path: Path = field(default_factory=Path)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = LOGS / f"loadtest-server-{self.port}.log"
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "CONFLICTMAP_BASEMAP": "offline",
               "CONFLICTMAP_CACHE": str(DATA / "cache")}
        env.pop("CONFLICTMAP_DATA", None)
        if self.data is not None:
            env["CONFLICTMAP_DATA"] = str(self.data)
        cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
               "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none", "--server.runOnSave", "false"]
        with self.log_path.open("wb") as out:
            self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy: loopback only
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"streamlit exited ({self.proc.returncode}); see {self.log_path}")
            with contextlib.suppress(urllib.error.URLError, ConnectionError, TimeoutError), \
                    opener.open(f"{self.url}/_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return self
            time.sleep(0.25)
        self.stop()
        raise SystemExit(f"streamlit not healthy after {START_TIMEOUT} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=20)


# --- one visitor ----------------------------------------------------------------------------------------

class VisitError(Exception):
    """An action failed: the run raised, timed out, or what it should show did not arrive."""


@dataclass
class Run:
    """What one script run sent: widgets by label, pages, element texts, exceptions."""

    seconds: float = 0.0
    widgets: dict[str, object] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    texts: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    exceptions: list[str] = field(default_factory=list)
    received: int = 0


class Visitor:
    """One simulated browser tab: a WebSocket session and the widget states its frontend would hold."""

    def __init__(self, base: str, timeout: float) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        self.BackMsg, self.ForwardMsg, self.WidgetState = BackMsg, ForwardMsg, WidgetState
        self.base = base
        self.timeout = timeout
        self.ws = None
        self.states: dict[str, object] = {}
        self.page_hash = ""
        self.pages: dict[str, str] = {}

    async def connect(self) -> None:
        from websockets.asyncio.client import connect

        parts = urlsplit(self.base)
        self.ws = await asyncio.wait_for(connect(
            f"ws://{parts.netloc}/_stcore/stream", subprotocols=["streamlit"], origin=self.base,
            max_size=None, proxy=None, open_timeout=self.timeout), self.timeout)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 10)

    async def rerun(self, page_hash: str = "") -> Run:
        """Send ``rerun_script`` with every widget state held; wait for the run to finish successfully."""
        from streamlit.proto.ClientState_pb2 import ContextInfo

        msg = self.BackMsg()
        cs = msg.rerun_script
        cs.query_string = ""
        cs.page_script_hash = page_hash
        cs.widget_states.widgets.extend(self.states.values())
        cs.context_info.CopyFrom(ContextInfo(timezone="UTC", timezone_offset=0, locale="en-US",
                                             url=self.base + "/", is_embedded=False, color_scheme="light"))
        t0 = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        run = await asyncio.wait_for(self._until_finished(), self.timeout)
        run.seconds = time.perf_counter() - t0
        if run.exceptions:
            raise VisitError("the script raised: " + run.exceptions[0][:200])
        return run

    async def _until_finished(self) -> Run:
        fm = self.ForwardMsg
        run = Run()
        while True:
            raw = await self.ws.recv()
            if isinstance(raw, str):
                continue
            run.received += len(raw)
            m = fm()
            m.ParseFromString(raw)
            kind = m.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = m.new_session.page_script_hash or self.page_hash
            elif kind == "navigation":
                self.pages = {p.page_name: p.page_script_hash for p in m.navigation.app_pages}
                self.page_hash = m.navigation.page_script_hash or self.page_hash
                run.pages = dict(self.pages)
            elif kind == "page_not_found":
                raise VisitError("page not found")
            elif kind == "delta" and m.delta.WhichOneof("type") == "new_element":
                self._element(m.delta.new_element, run)
            elif kind == "script_finished":
                status = m.script_finished
                if status == fm.FINISHED_WITH_COMPILE_ERROR:
                    raise VisitError("the script did not compile")
                if status in (fm.FINISHED_SUCCESSFULLY, fm.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    return run
                # FINISHED_EARLY_FOR_RERUN: st.rerun() or a newer request; the next run follows.

    @staticmethod
    def _element(el, run: Run) -> None:
        kind = el.WhichOneof("type")
        run.kinds.add(kind)
        if kind == "exception":
            run.exceptions.append(f"{el.exception.type}: {el.exception.message}")
        elif kind in ("slider", "selectbox", "multiselect", "text_input", "button", "button_group"):
            run.widgets[getattr(el, kind).label] = (kind, getattr(el, kind))
        elif kind == "html":
            run.texts.append(el.html.body)
        elif kind == "markdown":
            run.texts.append(el.markdown.body)

    # --- the actions ---

    async def open_map(self) -> Run:
        await self.connect()
        return await self.rerun()

    async def move_slider(self, first: Run, fraction: float = 0.7) -> Run:
        found = first.widgets.get("Date window")
        if not found or found[0] != "slider":
            raise VisitError("no 'Date window' slider in the first run")
        slider = found[1]
        lo, hi, step = slider.min, slider.max, slider.step or 1
        start = lo + round(fraction * (hi - lo) / step) * step
        state = self.WidgetState(id=slider.id)
        state.double_array_value.data.extend([start, hi])
        self.states[slider.id] = state
        run = await self.rerun(self.page_hash)
        before, after = _shown(first), _shown(run)
        if before and after and before == after:
            raise VisitError(f"the slider move changed nothing ({after})")
        return run

    async def open_ledger(self, after_move: Run) -> Run:
        found = after_move.widgets.get("Event")
        if not found or found[0] != "selectbox" or not found[1].options:
            raise VisitError("no 'Event' picker with options after the slider move")
        picker = found[1]
        option = picker.options[-1]  # the latest event in the window, shown as "title (event id)"
        title = re.sub(r"\s*\([^()]*\)\s*$", "", option)
        state = self.WidgetState(id=picker.id, string_value=option)
        self.states[picker.id] = state
        run = await self.rerun(self.page_hash)
        if not any("Claim ledger" in t and escape(title) in t for t in run.texts):
            raise VisitError(f"the claim ledger of {option!r} did not arrive")
        return run

    async def visit_events(self) -> Run:
        page = self.pages.get("Events")
        if not page:
            raise VisitError("no 'Events' page in the navigation message")
        run = await self.rerun(page)
        if not run.kinds & {"arrow_data_frame", "dataframe"}:
            raise VisitError("the Events page sent no table")
        return run


def _shown(run: Run) -> str | None:
    """The page's "N of M events" line, if it has one."""
    return next((m.group(0) for t in run.texts if (m := re.search(r"[\d,]+ of [\d,]+ events", t))), None)


@dataclass
class Result:
    times: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    bytes_: dict[str, list[int]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    errors: list[str] = field(default_factory=list)
    completed: int = 0


async def visit(k: int, delay: float, base: str, timeout: float, result: Result, pid,
                window: float = 0.7, events_page: bool = True) -> None:
    await asyncio.sleep(delay)
    v = Visitor(base, timeout)
    action = "open"

    def done(run: Run, cpu0: float | None) -> Run:
        result.times[action].append(run.seconds)
        result.bytes_[action].append(run.received)
        if cpu0 is not None:  # the server's CPU while this action ran (alone only if there is one visitor)
            result.cpu[action].append(cpu_seconds(pid) - cpu0)
        return run

    def cpu_now() -> float | None:
        return cpu_seconds(pid) if pid else None

    try:
        c = cpu_now()
        first = done(await v.open_map(), c)
        action = "slider"
        c = cpu_now()
        moved = done(await v.move_slider(first, window), c)
        action = "ledger"
        c = cpu_now()
        done(await v.open_ledger(moved), c)
        if events_page:
            action = "events"
            c = cpu_now()
            done(await v.visit_events(), c)
        result.completed += 1
    except Exception as exc:  # every failure (a VisitError, a timeout, a dropped socket) is counted
        kind = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        result.errors.append(f"visitor {k + 1}, {action}: {kind}: {str(exc)[:200]}")
    finally:
        await v.close()


async def sample_memory(pid: int | None, stop: asyncio.Event, peak: list[float]) -> None:
    while pid is not None and not stop.is_set():
        peak[0] = max(peak[0], memory_mb(pid)[0])
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.2)


def window_of(k: int, visitors: int, distinct: bool) -> float:
    """Where visitor ``k`` moves the slider's start: 70 % of the range, or with ``distinct`` a window of its own
    (50-90 %, never the warm-up visitor's 70 %), so no visitor's move is one the server has seen before."""
    if not distinct:
        return 0.7
    f = 0.5 + 0.4 * k / max(1, visitors)
    return f + 0.004 if abs(f - 0.7) < 0.002 else f


async def play(base: str, visitors: int, ramp: float, timeout: float, pid,
               distinct: bool = False, events_page: bool = True) -> tuple[Result, dict]:
    result = Result()
    stop, peak = asyncio.Event(), [0.0]
    sampler = asyncio.create_task(sample_memory(pid, stop, peak))
    cpu0 = cpu_seconds(pid) if pid else None
    t0 = time.perf_counter()
    spacing = ramp / visitors if visitors > 1 else 0.0
    await asyncio.gather(*(visit(k, k * spacing, base, timeout, result, pid, window_of(k, visitors, distinct),
                                 events_page) for k in range(visitors)))
    wall = time.perf_counter() - t0
    cpu = cpu_seconds(pid) - cpu0 if pid else None
    stop.set()
    await sampler
    server = {"wall_s": wall, "cpu_s": cpu, "rss_peak_mb": peak[0] if pid else None,
              "rss_end_mb": memory_mb(pid)[0] if pid else None, "hwm_mb": memory_mb(pid)[1] if pid else None}
    return result, server


# --- report -------------------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (of 1 value: that value)."""
    s = sorted(values)
    return s[max(0, math.ceil(q / 100 * len(s)) - 1)]


def report(result: Result, server: dict, args, label: str) -> dict:
    print()
    print(f"{label}: {args.visitors} visitor(s) over {args.ramp:g} s, {result.completed} completed, "
          f"{len(result.errors)} error(s); {server['wall_s']:.1f} s in all")
    alone = args.visitors == 1 and server["cpu_s"] is not None
    print(f"{'action':8} {'n':>3} {'p50 s':>7} {'p95 s':>7} {'max s':>7} {'KB (median)':>12}"
          + (f" {'server CPU s':>13}" if alone else ""))
    rows = {}
    for a in ACTIONS:
        t = result.times[a]
        if not t:
            print(f"{a:8} {0:>3}       -       -       -            -")
            continue
        kb = sorted(result.bytes_[a])[len(t) // 2] / 1024
        rows[a] = {"n": len(t), "p50": percentile(t, 50), "p95": percentile(t, 95), "max": max(t), "kb": kb,
                   "cpu_s": result.cpu[a][0] if alone and result.cpu[a] else None}
        print(f"{a:8} {len(t):>3} {rows[a]['p50']:7.2f} {rows[a]['p95']:7.2f} {max(t):7.2f} {kb:12.1f}"
              + (f" {rows[a]['cpu_s']:13.2f}" if rows[a]["cpu_s"] is not None else ""))
    if server["cpu_s"] is not None:
        per = server["cpu_s"] / max(1, args.visitors)
        print(f"server CPU: {server['cpu_s']:.2f} s in all, {per:.2f} s per visitor (all actions played); "
              f"RSS peak {server['rss_peak_mb']:.0f} MB, at the end {server['rss_end_mb']:.0f} MB, "
              f"VmHWM {server['hwm_mb']:.0f} MB")
    for e in result.errors[:20]:
        print("  error:", e)
    if len(result.errors) > 20:
        print(f"  ... and {len(result.errors) - 20} more")
    return {"label": label, "visitors": args.visitors, "ramp_s": args.ramp, "completed": result.completed,
            "errors": result.errors, "actions": rows, "server": server,
            "loadavg": os.getloadavg(), "when": time.strftime("%Y-%m-%dT%H:%M:%S")}


def loopback(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != "127.0.0.1" or not parts.port:
        raise SystemExit(f"--url must be http://127.0.0.1:PORT (loopback only), not {url!r}")
    return f"http://127.0.0.1:{parts.port}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--visitors", type=int, default=10, help=f"simulated visitors (1..{MAX_VISITORS}; default 10)")
    ap.add_argument("--ramp", type=float, default=0.0, help="seconds over which they arrive, evenly (default 0)")
    ap.add_argument("--url", help="drive this running app (http://127.0.0.1:PORT only) instead of starting one")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, for CPU and memory")
    ap.add_argument("--events", type=int, default=0,
                    help="start the app on a synthetic export of this many events (default 0: the seed data)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds one action may take (default 180)")
    ap.add_argument("--max-seconds", type=float, default=1200.0, help="the whole run stops after this (default 1200)")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("--distinct-windows", action="store_true",
                    help="each visitor moves the slider to a window of its own (default: all to 70 %%)")
    ap.add_argument("--no-events-page", action="store_true", help="visitors stay on the map page (three actions)")
    args = ap.parse_args(argv)
    if not 1 <= args.visitors <= MAX_VISITORS:
        ap.error(f"--visitors must be 1..{MAX_VISITORS}")
    if not 0 <= args.ramp <= 600 or not 0 < args.timeout <= 1800 or not 0 < args.max_seconds <= 7200:
        ap.error("--ramp 0..600, --timeout up to 1800 and --max-seconds up to 7200")

    server = None
    if args.url:
        base, pid = loopback(args.url), args.pid
        label = f"{base} (already running)"
    else:
        data = generate.ensure(DATA, args.events) if args.events else None
        label = f"{args.events:,} synthetic events" if args.events else "seed data"
        server = Server(data).start()
        base, pid = server.url, server.proc.pid
        print(f"started streamlit (pid {pid}) on {base} with {label}; log {server.log_path}", flush=True)
    try:
        # An unmeasured first visitor: the data is loaded (or imported) once per process.
        t = time.perf_counter()
        warm, _ = asyncio.run(asyncio.wait_for(play(base, 1, 0, WARMUP_TIMEOUT, None), WARMUP_TIMEOUT + 60))
        print(f"warm-up visitor: {time.perf_counter() - t:.1f} s"
              + (f"; errors: {warm.errors}" if warm.errors else ""), flush=True)
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        result, figures = asyncio.run(asyncio.wait_for(
            play(base, args.visitors, args.ramp, args.timeout, pid, args.distinct_windows, not args.no_events_page),
            args.max_seconds))
        out = report(result, figures, args, label)
        if args.json:
            args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
        return 1 if result.errors else 0
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    sys.exit(main())
