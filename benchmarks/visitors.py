"""Issue 16's table in one command: 1, 10 and 50 visitors against one replica and two replicas behind nginx.

    python benchmarks/visitors.py [--events 0] [--visitors 1,10,50] [--replicas 1,2] [--ramp-50 20]
                                  [--distinct-windows] [--markdown FILE] [--json FILE]

For each replica count it starts a deployment (``deploy/replicas.py``: N ``streamlit run app.py`` on
127.0.0.1 behind one nginx, also for N = 1, so both columns pay the same proxy), sends one unmeasured
visitor straight to each replica (the data is loaded once per process), then plays each visitor count
through nginx with ``loadtest.py``'s WebSocket visitors (open the map, move the date window, open an
event's ledger, visit the Events page). 50 visitors arrive evenly over ``--ramp-50`` seconds, the other
counts all at once. Server CPU is user + system seconds of every replica, nginx and their children over
the run; memory is the sum of their ``VmRSS``, sampled every 0.2 s. The table, the load average and the
exact command are printed (and written with ``--markdown``), then the two/one ratios.

Only 127.0.0.1; at most ``loadtest.MAX_VISITORS`` visitors per run; every action has a time limit and
every run ``--max-seconds``; the deployments are stopped at the end, also on an error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import loadtest  # noqa: E402

if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
from deploy.replicas import Deployment  # noqa: E402


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _upstreams(log: Path, skip: int) -> tuple[dict[str, int], int]:
    """WebSocket sessions per replica in nginx's access log after line ``skip`` (logged when they close)."""
    try:
        lines = log.read_text(errors="replace").splitlines()
    except OSError:
        return {}, skip
    counts: dict[str, int] = {}
    for line in lines[skip:]:
        if "/_stcore/stream" in line and "upstream=" in line:
            up = line.split("upstream=", 1)[1].split()[0]
            counts[up] = counts.get(up, 0) + 1
    return counts, len(lines)


def run_setup(replicas: int, counts: list[int], ramp50: float, args, data: Path | None) -> list[dict]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "CONFLICTMAP_BASEMAP": "offline",
           "CONFLICTMAP_CACHE": str(loadtest.DATA / "cache"), "CONFLICTMAP_EDIT": "off"}
    env.pop("CONFLICTMAP_DATA", None)
    env.pop("CONFLICTMAP_DATABASE_URL", None)
    if data is not None:
        env["CONFLICTMAP_DATA"] = str(data)
    workdir = Path(tempfile.mkdtemp(prefix=f"conflictmap-visitors-{replicas}-"))
    deployment = Deployment(replicas, "127.0.0.1", 0, workdir, env=env)
    rows = []
    try:
        deployment.start()
        print("\n".join(deployment.describe()), flush=True)
        pids = [r.proc.pid for r in deployment.members] + [deployment.nginx.pid]
        for r in deployment.members:  # unmeasured: load the data in every replica
            t = time.perf_counter()
            warm, _ = asyncio.run(asyncio.wait_for(
                loadtest.play(loadtest.loopback(r.url), 1, 0, loadtest.WARMUP_TIMEOUT, None),
                loadtest.WARMUP_TIMEOUT + 60))
            print(f"replica {r.index} warm-up visitor: {time.perf_counter() - t:.1f} s"
                  + (f"; errors: {warm.errors}" if warm.errors else ""), flush=True)
        base = loadtest.loopback(deployment.url)
        _, seen = _upstreams(deployment.access_log, 0)
        for n in counts:
            ramp = ramp50 if n == 50 else 0.0
            load = _load()
            print(f"\n{replicas} replica(s), {n} visitor(s) over {ramp:g} s; load average {load}", flush=True)
            result, server = asyncio.run(asyncio.wait_for(
                loadtest.play(base, n, ramp, args.timeout, pids, args.distinct_windows, not args.no_events_page),
                args.max_seconds))
            ns = argparse.Namespace(visitors=n, ramp=ramp)
            row = loadtest.report(result, server, ns, f"{replicas} replica(s)")
            time.sleep(0.5)  # nginx logs a WebSocket when it closes
            row["per_replica"], seen = _upstreams(deployment.access_log, seen)
            row.update(replicas=replicas, load_before=load, events=args.events)
            rows.append(row)
    finally:
        deployment.stop()
    return rows


def _pair(row: dict | None, action: str) -> str:
    a = (row or {}).get("actions", {}).get(action)
    return f"{a['p50']:.2f} / {a['p95']:.2f} s" if a else "–"


def table(rows: list[dict]) -> str:
    out = ["| replicas | visitors | arrival | open p50 / p95 | slider p50 / p95 | ledger p50 / p95 | "
           "Events page p50 / p95 | errors | server CPU per visitor (all actions) | open + slider CPU "
           "(one visitor alone) | memory, peak (sum of processes) | visitors per replica | load average before |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        s = r["server"]
        per = s["cpu_s"] / max(1, r["visitors"])
        acts = r["actions"]
        alone = (f"{acts['open']['cpu_s'] + acts['slider']['cpu_s']:.2f} s"
                 if r["visitors"] == 1 and acts.get("open", {}).get("cpu_s") is not None
                 and acts.get("slider", {}).get("cpu_s") is not None else "–")
        spread = ", ".join(str(v) for _, v in sorted(r.get("per_replica", {}).items())) or "–"
        arrival = f"over {r['ramp_s']:g} s" if r["ramp_s"] else "at once"
        out.append(f"| {r['replicas']} | {r['visitors']} | {arrival} "
                   f"| {_pair(r, 'open')} | {_pair(r, 'slider')} | {_pair(r, 'ledger')} | {_pair(r, 'events')} "
                   f"| {len(r['errors'])} | {per:.2f} s | {alone} | {s['rss_peak_mb']:,.0f} MB | {spread} "
                   f"| {r['load_before']} |")
    return "\n".join(out)


def ratios(rows: list[dict]) -> str:
    by = {(r["replicas"], r["visitors"]): r for r in rows}
    out = ["| visitors | open p95, two ÷ one | slider p95, two ÷ one | wall of the run, two ÷ one | "
           "CPU per visitor, two ÷ one |", "|---|---|---|---|---|"]
    for n in sorted({r["visitors"] for r in rows}):
        one, two = by.get((1, n)), by.get((2, n))
        if not one or not two:
            continue

        def q(key, action=None, one=one, two=two):
            if action:
                a, b = one["actions"].get(action), two["actions"].get(action)
                return f"{b[key] / a[key]:.2f}" if a and b and a[key] else "–"
            a, b = one["server"][key], two["server"][key]
            return f"{b / a:.2f}" if a else "–"
        cpu1 = one["server"]["cpu_s"] / n
        cpu2 = two["server"]["cpu_s"] / n
        out.append(f"| {n} | {q('p95', 'open')} | {q('p95', 'slider')} | {q('wall_s')} | {cpu2 / cpu1:.2f} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=0, help="synthetic events (default 0: the bundled seed data)")
    ap.add_argument("--visitors", default="1,10,50", help="comma-separated visitor counts (default 1,10,50)")
    ap.add_argument("--replicas", default="1,2", help="comma-separated replica counts (default 1,2)")
    ap.add_argument("--ramp-50", type=float, default=20.0, help="seconds over which 50 visitors arrive (default 20)")
    ap.add_argument("--distinct-windows", action="store_true",
                    help="each visitor moves the slider to a window of its own (default: all to 70 %%)")
    ap.add_argument("--no-events-page", action="store_true",
                    help="visitors stay on the map page: open, slider, ledger (default: and the Events page)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds one action may take (default 180)")
    ap.add_argument("--max-seconds", type=float, default=900.0, help="each run stops after this (default 900)")
    ap.add_argument("--markdown", type=Path, help="also write the tables and the command to this file")
    ap.add_argument("--json", type=Path, help="also write every figure to this file")
    args = ap.parse_args(argv)
    counts = [int(x) for x in args.visitors.split(",") if x.strip()]
    reps = [int(x) for x in args.replicas.split(",") if x.strip()]
    if not counts or not all(1 <= n <= loadtest.MAX_VISITORS for n in counts):
        ap.error(f"--visitors: counts from 1 to {loadtest.MAX_VISITORS}")
    if not reps or not all(1 <= r <= 4 for r in reps):
        ap.error("--replicas: counts from 1 to 4")
    if not 0 < args.timeout <= 1800 or not 0 < args.max_seconds <= 3600 or not 0 <= args.ramp_50 <= 600:
        ap.error("--timeout up to 1800, --max-seconds up to 3600, --ramp-50 up to 600")
    data = generate.ensure(loadtest.DATA, args.events) if args.events else None
    command = "python benchmarks/visitors.py " + shlex.join(argv if argv is not None else sys.argv[1:])
    started, load0 = time.strftime("%Y-%m-%dT%H:%M:%S%z"), _load()
    rows: list[dict] = []
    for r in reps:
        rows += run_setup(r, counts, args.ramp_50, args, data)
    text = (f"`{command.strip()}` — {started}, {os.cpu_count()} cores, load average at the start {load0}, "
            f"at the end {_load()}; data: {f'{args.events:,} synthetic events' if args.events else 'seed'}"
            f"{', a slider window of its own per visitor' if args.distinct_windows else ''}"
            f"{', no Events page' if args.no_events_page else ''}.\n\n"
            + table(rows) + "\n\n" + (ratios(rows) if len(reps) > 1 else ""))
    print("\n" + text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"command": command, "started": started, "rows": rows}, indent=1),
                             encoding="utf-8")
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
