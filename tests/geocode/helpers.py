"""What the geocoding tests share: a fake clock, an online geocoder on the loopback stub, gazetteer rows.

No test touches the internet: the online step is the real geopy client talking
to :mod:`tests.nominatim_stub` on 127.0.0.1, and the rate limiter runs on an
injected clock.
"""

from __future__ import annotations

import csv

from conflictmap import schema
from conflictmap.geocode import OnlineGeocoder, PacedRateLimiter
from conflictmap.geocode.cache import CACHE_FILENAME, GeocodeCache
from tests.conftest import REPO


class FakeClock:
    """A clock that only moves when told to, or when someone sleeps on it."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds


def online(stub, tmp_path, clock, *, timeout=2.0, retries=0, **kw) -> OnlineGeocoder:
    limiter = PacedRateLimiter(min_delay_seconds=1.0, max_retries=retries, error_wait_seconds=1.0,
                               clock=clock.now, sleep=clock.sleep)
    return OnlineGeocoder(stub.url, GeocodeCache(tmp_path / CACHE_FILENAME), timeout=timeout, limiter=limiter, **kw)


def gazetteer_rows(*rows: dict) -> list[dict]:
    return [{k: str(v) for k, v in r.items()} for r in rows]


def seed_rows() -> list[dict]:
    with (REPO / schema.PLACES.path).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))
