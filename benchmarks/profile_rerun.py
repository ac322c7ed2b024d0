"""cProfile of the app's script runs in a real session: page open, then one slider move.

    python benchmarks/profile_rerun.py [--size 200000] [--top 40]

Starts ``streamlit run app.py`` (``CONFLICTMAP_DATA`` = the synthetic file of that
size, see ``generate.py``) under a wrapper that profiles every script run into
``benchmarks/data/profiles/<size>/run-<k>.prof``, opens the map page in headless
Chromium, moves the date slider as ``run.py`` does (start thumb to 70 %, zoom in,
then one measured ``PageUp``), and prints the slowest calls of the first run (page
open) and of the measured move's run. Open a file with ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import run  # noqa: E402 - puts the repository root on sys.path

from tests.harness import chromium  # noqa: E402

WRAPPER = '''
import cProfile, itertools, os, sys
from streamlit.runtime.scriptrunner import script_runner
_inner = script_runner.exec_func_with_error_handling
_count = itertools.count(1)
_out = os.environ["CM_PROFILE_DIR"]
def _profiled(func, ctx):
    prof = cProfile.Profile()
    try:
        return prof.runcall(_inner, func, ctx)
    finally:
        prof.dump_stats(os.path.join(_out, "run-%03d.prof" % next(_count)))
script_runner.exec_func_with_error_handling = _profiled
'''


def top(path: Path, n: int) -> None:
    st = pstats.Stats(str(path))
    print(f"\n=== {path.name}: {st.total_tt:.2f} s (profiled; cProfile slows Python code down) ===")
    st.sort_stats("cumulative").print_stats(r"(conflictmap|pages|ui\.py|streamlit_folium|folium|branca|pandas)", n)


def profiling_into(out: Path) -> Path:
    """Empty ``out`` of earlier profiles, point the profiled runs at it, and return the wrapper script that
    Streamlit runs instead of its own entry point (each script run then writes ``out/run-N.prof``)."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("run-*.prof"):
        old.unlink()
    wrapper = out / "profiled_streamlit.py"
    wrapper.write_text(WRAPPER + run.STREAMLIT_MAIN)
    os.environ["CM_PROFILE_DIR"] = str(out)
    return wrapper


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=200_000)
    ap.add_argument("--top", type=int, default=40)
    args = ap.parse_args(argv)
    csv = generate.ensure(run.DATA, args.size)
    cache = run.DATA / "cache" / str(args.size)
    out = run.DATA / "profiles" / str(args.size)
    wrapper = profiling_into(out)
    run.link_static()
    server = run.app_server("app.py", csv, cache, f"profile-{args.size}", wrapper=str(wrapper))
    try:
        server.start()
        with chromium() as browser:
            d = run.Driver(browser, server, "ours")
            opened = d.open()
            d.settle()
            first = sorted(out.glob("run-*.prof"))
            run.log(f"page open -> ready {opened:.2f} s (profiled), {len(first)} script run(s)")
            d.setup(run.IDLE_TIMEOUT)
            d.zoom_in(run.IDLE_TIMEOUT)
            before = set(out.glob("run-*.prof"))
            mv = d.move("start", "PageUp", run.IDLE_TIMEOUT)
            time.sleep(0.5)
            moved = sorted(set(out.glob("run-*.prof")) - before)
            run.log(f"slider move -> updated {mv['seconds']:.2f} s (profiled), {mv['drawn']:,} drawn "
                    f"({mv['layer_mode']}), {len(moved)} script run(s)")
            d.close()
    finally:
        server.stop()
    if first:
        top(first[0], args.top)
    for path in moved:
        top(path, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
