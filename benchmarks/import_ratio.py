"""Import speed against a bare ``pandas.read_csv`` of the same file (issue 16: at most 4x).

    python benchmarks/import_ratio.py [--events 200000] [--repeats 3] [--out benchmarks/data]

The file is a synthetic ACLED export (``generate.py --per-event-locations``) in
which every event has a location of its own, so the import builds as many
places (and place ids) as there are events: the importer's worst case.

Each repeat runs, one after the other, in fresh processes:

- ``python -c "import pandas; pandas.read_csv(FILE)"`` (the bare read), and
- ``python -m conflictmap import FILE --out DIR --force`` with an empty
  ``CONFLICTMAP_CACHE`` (parse, map, validate, the cross-table checks and the
  four CSV tables; the command writes no Parquet cache, which only the app reads).

Before timing, the package is byte-compiled (``compileall``): pandas comes byte-compiled from pip, and a
checkout's modules are compiled on their first import and cached in ``__pycache__``, except where
``PYTHONDONTWRITEBYTECODE`` is set (as on the machine this was measured on), which would make every run
compile the modules edited since the last cache (~0.1 s) that the bare read never pays.

It prints wall and CPU seconds (user + system, all threads) of both commands,
the read_csv call alone as timed inside its process, the ratios of the
medians, whether each meets the 4x target, and a last ``IMPORT RATIO`` line with
the figure and the load average. Both commands pay for starting Python and importing pandas, so the
command-to-command ratio compares like with like; the ratio to the read_csv call
alone is printed too. The machine may be shared: CPU seconds move less than wall
time when other jobs compete for the cores. Not part of CI.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TIMEOUT = 900  # seconds for one command; nothing here should come near it
TARGET = 4.0  # issue 16: the import in at most 4x the time of the bare read
READ = ("import sys, time, pandas\n"
        "t = time.perf_counter(); pandas.read_csv(sys.argv[1]); print(time.perf_counter() - t)\n")


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd`` to the end; (wall seconds, CPU seconds of the child, its stdout). Raises if it fails."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # the import exits 1 when some rows had errors; that is still a run
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def summary(values: list[float]) -> str:
    return f"{min(values):6.2f} / {statistics.median(values):6.2f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=200_000, help="rows in the export (default 200,000)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each command (default 3)")
    ap.add_argument("--out", type=Path, default=generate.DEFAULT_OUT, help="where the file is kept")
    args = ap.parse_args(argv)
    if not 1 <= args.repeats <= 20:
        ap.error("--repeats must be 1..20")

    path = generate.csv_path(args.out, args.events, per_event_locations=True)
    if not path.is_file():
        print(f"writing {path} ...", flush=True)
        generate.write_csv(path, args.events, per_event_locations=True)
    print(f"file: {path} ({path.stat().st_size / 1e6:.0f} MB, {args.events:,} events, one location each)")
    before_load = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in before_load)}")

    py = sys.executable
    subprocess.run([py, "-m", "compileall", "-q", str(REPO / "conflictmap")], check=True, timeout=TIMEOUT)
    read_wall, read_cpu, read_call, imp_wall, imp_cpu = [], [], [], [], []
    last = ""
    for k in range(args.repeats):
        wall, cpu, out = timed([py, "-c", READ, str(path)])
        read_wall.append(wall)
        read_cpu.append(cpu)
        read_call.append(float(out.strip().splitlines()[-1]))
        with tempfile.TemporaryDirectory(prefix="cm-import-ratio-") as tmp:
            env = dict(os.environ, CONFLICTMAP_CACHE=str(Path(tmp) / "cache"))
            wall, cpu, out = timed([py, "-m", "conflictmap", "import", str(path), "--out", str(Path(tmp) / "out"),
                                    "--force"], env)
        imp_wall.append(wall)
        imp_cpu.append(cpu)
        last = out.strip().splitlines()[-1] if out.strip() else ""
        print(f"  run {k + 1}: read_csv {read_wall[-1]:.2f} s wall ({read_call[-1]:.2f} s the call), "
              f"import {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    print(f"import said: {last}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    med = statistics.median
    print()
    print("                                   min / median")
    print(f"pandas.read_csv, command, wall   {summary(read_wall)}")
    print(f"pandas.read_csv, command, CPU    {summary(read_cpu)}")
    print(f"pandas.read_csv, the call alone  {summary(read_call)}")
    print(f"conflictmap import, wall         {summary(imp_wall)}")
    print(f"conflictmap import, CPU          {summary(imp_cpu)}")
    print()
    wall_ratio, cpu_ratio = med(imp_wall) / med(read_wall), med(imp_cpu) / med(read_cpu)
    best_wall = min(w / r for w, r in zip(imp_wall, read_wall, strict=True))  # pairs run back to back

    def verdict(ratio: float) -> str:
        return "met" if ratio <= TARGET else "NOT met"

    print(f"ratio import / read_csv, command to command (median wall): {wall_ratio:.1f}x  "
          f"(target <= {TARGET:g}x: {verdict(wall_ratio)})")
    print(f"ratio import / read_csv, command to command (median CPU):  {cpu_ratio:.1f}x  "
          f"(target <= {TARGET:g}x: {verdict(cpu_ratio)})")
    print(f"ratio import / read_csv, best back-to-back pair (wall):     {best_wall:.1f}x")
    print(f"ratio import command / the read_csv call alone (median wall): {med(imp_wall) / med(read_call):.1f}x")
    print(f"IMPORT RATIO {wall_ratio:.1f}x wall, {cpu_ratio:.1f}x CPU (medians of {args.repeats}); 4x target "
          f"{verdict(wall_ratio)} by wall, {verdict(cpu_ratio)} by CPU; load average "
          f"{before_load[0]:.2f} before, {os.getloadavg()[0]:.2f} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
