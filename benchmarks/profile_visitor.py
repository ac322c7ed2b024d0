"""cProfile of one visitor's script runs (open the map, move the date window), without a browser.

    python benchmarks/profile_visitor.py [--events 0] [--top 40] [--visitors 3]

Starts ``streamlit run app.py`` under a wrapper that profiles every script run into
``benchmarks/data/profiles/ws-<events>/run-<k>.prof``, plays ``--visitors`` visitors one
after the other with ``loadtest.py``'s WebSocket visitor (open the map, move the slider),
and prints the slowest calls of the last visitor's two runs (the first visitors warm the
caches, as earlier visitors of a real server do). Also prints the server's CPU seconds per
visitor, measured on a second server without the profiler. Open a file with ``python -m pstats``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pstats
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import loadtest  # noqa: E402
from profile_rerun import profiling_into  # noqa: E402 - the same cProfile hook round each script run


async def one_visitor(base: str, window: float = 0.7, ledger: bool = False) -> None:
    v = loadtest.Visitor(base, 300)
    try:
        first = await v.open_map()
        moved = await v.move_slider(first, window)
        if ledger:
            await v.open_ledger(moved)
    finally:
        await v.close()


def window(k: int, distinct: bool) -> float:
    return 0.5 + 0.05 * k if distinct else 0.7


def cpu_per_visitor(data: Path | None, visitors: int, distinct: bool = False) -> list[float]:
    """Server CPU seconds of each of ``visitors`` sequential visitors (open + slider), after one warm-up."""
    server = loadtest.Server(data).start()
    try:
        asyncio.run(one_visitor(server.url, 0.95))  # warm-up: the data is loaded once per process
        out = []
        for k in range(visitors):
            c0 = loadtest.cpu_seconds(server.proc.pid)
            asyncio.run(one_visitor(server.url, window(k, distinct)))
            out.append(loadtest.cpu_seconds(server.proc.pid) - c0)
        return out
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=0, help="synthetic events (default 0: the seed data)")
    ap.add_argument("--visitors", type=int, default=3)
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--no-profile", action="store_true", help="only the CPU seconds per visitor")
    ap.add_argument("--distinct-windows", action="store_true",
                    help="each visitor moves the slider to a window no earlier visitor chose (no cache hit)")
    ap.add_argument("--ledger", action="store_true", help="profiled visitors also open an event's ledger")
    args = ap.parse_args(argv)
    data = generate.ensure(loadtest.DATA, args.events) if args.events else None
    cpu = cpu_per_visitor(data, args.visitors, args.distinct_windows)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; server CPU per visitor "
          f"(open + slider): {', '.join(f'{c:.3f}' for c in cpu)} s")
    if args.no_profile:
        return 0
    out = loadtest.DATA / "profiles" / f"ws-{args.events}"
    wrapper = profiling_into(out)
    server = ProfiledServer(data, wrapper=wrapper).start()
    try:
        for k in range(args.visitors):
            asyncio.run(one_visitor(server.url, window(k, args.distinct_windows), args.ledger))
    finally:
        server.stop()
    runs = sorted(out.glob("run-*.prof"))
    for path in runs[-(3 if args.ledger else 2):]:
        st = pstats.Stats(str(path))
        print(f"\n=== {path.name}: {st.total_tt:.3f} s (profiled) ===")
        st.sort_stats("cumulative").print_stats(args.top)
    return 0


class ProfiledServer(loadtest.Server):
    """loadtest's server, started through the profiling wrapper instead of ``python -m streamlit``."""

    def __init__(self, data, wrapper: Path) -> None:
        super().__init__(data)
        self.wrapper = wrapper

    def start(self):
        import subprocess
        real = subprocess.Popen

        def popen(cmd, *a, **kw):
            if cmd[1:3] == ["-m", "streamlit"]:
                cmd = [cmd[0], str(self.wrapper), *cmd[3:]]
            return real(cmd, *a, **kw)

        subprocess.Popen = popen
        try:
            return super().start()
        finally:
            subprocess.Popen = real


if __name__ == "__main__":
    sys.exit(main())
