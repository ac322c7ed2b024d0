#!/usr/bin/env python3
"""Regenerate the README's screenshots by starting the app and driving Debian's Chromium.

    python scripts/screenshot.py                # docs/screenshot-map.png
    python scripts/screenshot.py --ledger       # ... and docs/screenshot-ledger.png (Ain Issa's claim ledger)
    python scripts/screenshot.py --views        # ... and the map page at 1366x768 and 1920x1080, presenting,
                                                # a story step zoomed in, and the Arabic interface

It starts ``streamlit run app.py`` on a free port on 127.0.0.1 (or uses ``--url``),
opens the map page in headless Chromium (the ``chromium`` on PATH, never a downloaded
browser) with every request not addressed to 127.0.0.1 aborted, so the picture shows
the map as it renders offline, waits until the markers and the offline borders are
drawn, and writes the PNGs (each whole or not at all). Needs the offline assets
(``python -m conflictmap assets install``) and Playwright's Python client
(requirements-dev.txt). Exit status: 0 when the screenshots were written, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
LEDGER_EVENT = "ain-issa-ied"
TIMEOUT_MS = 120_000

# Evaluated in the top page: the map iframe's window once Leaflet, the event layer and the borders are drawn.
MAP_READY_JS = f"""() => {{
  const f = document.querySelector('{MAP_IFRAME}');
  const w = f && f.contentWindow;
  if (!w || !w.map || !w.L || w.cmEventCount === undefined) return false;
  let markers = 0, borders = 0;
  w.map.eachLayer(l => {{
    if (l instanceof w.L.CircleMarker && l.options.className === 'cm-event') markers++;
    if (l.options && l.options.pane === 'cm-basemap') borders++;
  }});
  return markers === w.cmEventCount && borders > 10;
}}"""
IDLE_JS = """() => {
  const a = document.querySelector('[data-testid=stApp]');
  return a && a.dataset.testScriptState === 'notRunning' && a.dataset.testConnectionState === 'CONNECTED'
    && !document.querySelector('[data-testid*=Skeleton], [data-testid*=skeleton]');
}"""  # no skeletons: on a first visit the widgets' code loads a moment after the run ends


# (file name, viewport, path and query): the screens issue 15 asks to see.
VIEWS = [
    ("screenshot-map-1366x768", (1366, 768), ""),
    ("screenshot-map-1920x1080", (1920, 1080), ""),
    ("screenshot-present-1920x1080", (1920, 1080), "?present=1"),
    ("screenshot-story-step", (1366, 768), "?story=ain-issa&step=2"),
    ("screenshot-arabic-1366x768", (1366, 768), "?lang=ar"),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(
        description="Regenerate docs/screenshot-map.png (and, with --ledger, docs/screenshot-ledger.png) from the "
                    "running app in headless Chromium, with every request off 127.0.0.1 blocked.")
    ap.add_argument("--out-dir", type=Path, default=REPO / "docs", help="where to write the PNGs (default: docs/)")
    ap.add_argument("--ledger", action="store_true",
                    help=f"also write screenshot-ledger.png: the map with the {LEDGER_EVENT} event clicked, and its "
                         "claim ledger beside it")
    ap.add_argument("--views", action="store_true",
                    help="also write " + ", ".join(f"{name}.png" for name, *_ in VIEWS))
    ap.add_argument("--data", type=Path, default=None,
                    help="data directory for the app (CONFLICTMAP_DATA; default: the repository's seed data)")
    ap.add_argument("--url", default=None,
                    help="screenshot an app already running at this URL (on 127.0.0.1) instead of starting one")
    ap.add_argument("--width", type=int, default=1400, help="viewport width in CSS pixels (default 1400)")
    ap.add_argument("--height", type=int, default=1000, help="viewport height for the map shot (default 1000)")
    ap.add_argument("--chromium", default=None, help="Chromium binary (default: `chromium` on PATH)")
    return ap.parse_args(argv)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path | None, log_path: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "CONFLICTMAP_BASEMAP": "offline"}
    if data is not None:
        env["CONFLICTMAP_DATA"] = str(data.resolve())
    else:
        env.pop("CONFLICTMAP_DATA", None)
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
        try:
            with opener.open(f"{url}_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return proc, url
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    stop_server(proc)
    raise RuntimeError(f"streamlit was not healthy within 120 s:\n{log_path.read_text(errors='replace')}")


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)


def is_local(url: str) -> bool:
    p = urlsplit(url)
    return p.scheme in ("data", "blob", "about") or p.hostname == "127.0.0.1"


def save(page, path: Path, *, full_page: bool, element: str | None = None) -> None:
    """Screenshot the page (or the last match of ``element``) to a temporary file, then move it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        size = page.viewport_size
        if full_page:  # Streamlit scrolls inside its main block: grow the viewport to fit the content
            height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
                ...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]
                    .map(e => e.scrollHeight))""")
            page.set_viewport_size({"width": size["width"], "height": int(min(max(height, size["height"]), 8000))})
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
        if element:
            page.locator(element).last.screenshot(path=tmp, animations="disabled", caret="hide")
        else:
            page.screenshot(path=tmp, full_page=full_page, animations="disabled", caret="hide")
        if full_page:
            page.set_viewport_size(size)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def take(args: argparse.Namespace, url: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    exe = args.chromium or shutil.which("chromium")
    if not exe:
        raise RuntimeError("Debian's Chromium is not on PATH: apt-get install -y chromium")
    blocked: list[str] = []
    written: list[Path] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            ctx = browser.new_context(viewport={"width": args.width, "height": args.height}, locale="en-US",
                                      timezone_id="UTC", service_workers="block")
            ctx.set_default_timeout(TIMEOUT_MS)

            def route(r):
                if is_local(r.request.url):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            ctx.route("**/*", route)
            page = ctx.new_page()
            page.goto(url)
            page.wait_for_function(MAP_READY_JS, timeout=TIMEOUT_MS)
            page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
            page.mouse.move(1, 1)
            out = args.out_dir / "screenshot-map.png"
            save(page, out, full_page=False)
            written.append(out)

            if args.ledger:
                frame = page.locator(MAP_IFRAME).element_handle().content_frame()
                latlng = frame.evaluate("""(id) => { let ll = null; map.eachLayer(l => {
                    if (l instanceof L.CircleMarker && l.options.className === 'cm-event'
                        && l.feature.properties.id === id) ll = [l.getLatLng().lat, l.getLatLng().lng]; });
                    return ll; }""", LEDGER_EVENT)
                if latlng is None:
                    raise RuntimeError(f"{LEDGER_EVENT} is not on the map (is --data the seed data?)")
                page.locator(MAP_IFRAME).scroll_into_view_if_needed()
                box = page.locator(MAP_IFRAME).bounding_box()
                x, y = frame.evaluate("""(ll) => { const p = map.latLngToContainerPoint(ll);
                    const r = map.getContainer().getBoundingClientRect(); return [p.x + r.left, p.y + r.top]; }""",
                                      latlng)
                page.mouse.click(box["x"] + x, box["y"] + y)
                page.locator('[data-testid="stHtml"] blockquote[dir=rtl]').first.wait_for()
                page.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
                page.wait_for_function(MAP_READY_JS, timeout=TIMEOUT_MS)
                page.mouse.move(1, 1)
                out = args.out_dir / "screenshot-ledger.png"
                save(page, out, full_page=False)  # the map, and the ledger's panel over its right side
                written.append(out)
            for name, (width, height), query in VIEWS if args.views else []:
                view = ctx.new_page()
                view.set_viewport_size({"width": width, "height": height})
                view.goto(url + query)
                view.wait_for_function(MAP_READY_JS, timeout=TIMEOUT_MS)
                view.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
                view.wait_for_timeout(1500)  # a story's flight to its step
                view.wait_for_function(IDLE_JS, timeout=TIMEOUT_MS)
                view.mouse.move(1, 1)
                out = args.out_dir / f"{name}.png"
                save(view, out, full_page=False)
                written.append(out)
                view.close()
        finally:
            browser.close()
    if blocked:
        print(f"warning: {len(blocked)} request(s) off 127.0.0.1 were blocked:", *sorted(set(blocked)),
              sep="\n  ", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("Playwright's Python client is missing: pip install -r requirements-dev.txt", file=sys.stderr)
        return 1
    proc = None
    with tempfile.TemporaryDirectory(prefix="conflictmap-screenshot-") as tmp:
        try:
            if args.url:
                url = args.url if args.url.endswith("/") else args.url + "/"
            else:
                proc, url = start_server(args.data, Path(tmp) / "server.log")
            for path in take(args, url):
                print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        except Exception as exc:  # report and exit 1, whatever failed
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            if proc is not None:
                stop_server(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
