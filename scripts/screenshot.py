#!/usr/bin/env python3
"""Regenerate the README's screenshots by starting the app and driving Debian's Chromium.

    python scripts/screenshot.py                # docs/screenshot-map.png
    python scripts/screenshot.py --ledger       # ... and docs/screenshot-ledger.png (Ain Issa's claim ledger)
    python scripts/screenshot.py --views        # ... and the map page at 1366x768 and 1920x1080, presenting,
                                                #     a story step and the Arabic interface

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
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: tests.harness is imported from the repository root
    sys.path.insert(0, str(REPO))

from tests.harness import (  # noqa: E402
    IDLE_NO_SKELETONS_JS,
    App,
    RequestLog,
    StreamlitServer,
    chromium,
    local_context,
    save_screenshot,
    wait_map,
)

LEDGER_EVENT = "ain-issa-ied"
TIMEOUT_MS = 120_000
MIN_BORDERS = 11  # layers of the offline base map drawn: the borders are on the picture
VIEWS = [
    ("screenshot-map-1366x768", (1366, 768), ""),
    ("screenshot-map-1920x1080", (1920, 1080), ""),
    ("screenshot-present-1920x1080", (1920, 1080), "?present=1"),
    # Step 5 of the Ain Issa story, zoomed in on the Euphrates valley: towns, the river, governorates.
    ("screenshot-story-step", (1366, 768), "?story=ain-issa&step=5"),
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


class _Running:
    """An app someone else started (``--url``): what :class:`App` needs of a server."""

    def __init__(self, url: str) -> None:
        self.url = url if url.endswith("/") else url + "/"


def settle(page) -> None:
    """Until the markers and the offline borders are drawn and no script run or placeholder is left."""
    wait_map(page, min_borders=MIN_BORDERS, timeout=TIMEOUT_MS)
    page.wait_for_function(IDLE_NO_SKELETONS_JS, timeout=TIMEOUT_MS)


def take(args: argparse.Namespace, server) -> list[Path]:
    requests = RequestLog()
    written: list[Path] = []
    with chromium(args.chromium) as browser:
        ctx = local_context(browser, requests, "screenshot", record_all=False,
                            viewport={"width": args.width, "height": args.height}, timeout_ms=TIMEOUT_MS)
        app = App(ctx.new_page(), server)
        page = app.page
        page.goto(server.url)
        settle(page)
        page.mouse.move(1, 1)
        out = args.out_dir / "screenshot-map.png"
        save_screenshot(page, out, full_page=False)
        written.append(out)

        if args.ledger:
            latlng = app.marker_position(LEDGER_EVENT)
            if latlng is None:
                raise RuntimeError(f"{LEDGER_EVENT} is not on the map (is --data the seed data?)")
            app.click_map_at(*latlng)
            page.locator('[data-testid="stHtml"] blockquote[dir=rtl]').first.wait_for(timeout=TIMEOUT_MS)
            page.wait_for_function(IDLE_NO_SKELETONS_JS, timeout=TIMEOUT_MS)
            settle(page)
            page.mouse.move(1, 1)
            out = args.out_dir / "screenshot-ledger.png"
            save_screenshot(page, out, full_page=False)  # the map, and the ledger's panel over its right side
            written.append(out)
        for name, (width, height), query in VIEWS if args.views else []:
            view = ctx.new_page()
            view.set_viewport_size({"width": width, "height": height})
            view.goto(server.url + query)
            settle(view)
            view.wait_for_timeout(1500)  # a story's flight to its step
            view.wait_for_function(IDLE_NO_SKELETONS_JS, timeout=TIMEOUT_MS)
            view.mouse.move(1, 1)
            out = args.out_dir / f"{name}.png"
            save_screenshot(view, out, full_page=False)
            written.append(out)
            view.close()
        ctx.close()
    blocked = requests.blocked_urls()
    if blocked:
        print(f"warning: {len(blocked)} request(s) off 127.0.0.1 were blocked:", *blocked, sep="\n  ",
              file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("Playwright's Python client is missing: pip install -r requirements-dev.txt", file=sys.stderr)
        return 1
    server = None
    with tempfile.TemporaryDirectory(prefix="conflictmap-screenshot-") as tmp:
        try:
            if args.url:
                target = _Running(args.url)
            else:
                server = target = StreamlitServer("screenshot", args.data, log_dir=Path(tmp)).start()
            for path in take(args, target):
                print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
        except Exception as exc:  # report and exit 1, whatever failed
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
