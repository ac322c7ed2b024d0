"""Distances between the places an event refers to (geodesic, WGS84)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from geopy.distance import geodesic

from .model import cell


class PlaceDistance(NamedTuple):
    """The geodesic distance between two places of one event; ``km`` is None when a coordinate is missing."""

    a: str
    b: str
    km: float | None


def geodesic_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic (WGS84) distance in km; raises ValueError quoting a coordinate that is not a valid (lat, lon)."""
    for point in (a, b):
        try:
            lat, lon = (float(v) for v in point)
        except (TypeError, ValueError):
            raise ValueError(f"expected a (lat, lon) pair of numbers, instead got: {point!r}") from None
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"expected -90 ≤ lat ≤ 90 and -180 ≤ lon ≤ 180, instead got: {point!r}")
    return geodesic(tuple(a), tuple(b)).km


def event_place_distances(place_ids: Sequence[str], places: Any, *, relation: str = "between",
                          name_column: str = "name_en") -> list[PlaceDistance]:
    """Distances between the places an event refers to, e.g. ``[("Ain Issa", "Brigade 93 base", 5.3)]``.

    A ``route`` gives each leg in order; any other relation gives every pair.
    ``places`` is the gazetteer (a DataFrame or rows with place_id, lat, lon
    and names). A place without coordinates gives ``km=None``; an invalid one
    raises ValueError.
    """
    rows = places.to_dict("records") if hasattr(places, "to_dict") else list(places)
    by_id = {cell(r, "place_id"): r for r in rows}
    ids = [p for p in place_ids if p]
    pairs = list(itertools.pairwise(ids)) if relation == "route" else list(itertools.combinations(ids, 2))
    out = []
    for pa, pb in pairs:
        ra, rb = by_id.get(pa, {}), by_id.get(pb, {})
        name_a, name_b = cell(ra, name_column) or pa, cell(rb, name_column) or pb
        pts = [(cell(r, "lat"), cell(r, "lon")) for r in (ra, rb)]
        if any(v == "" for pt in pts for v in pt):
            out.append(PlaceDistance(name_a, name_b, None))
            continue
        try:
            km = geodesic_km(pts[0], pts[1])
        except ValueError as exc:
            raise ValueError(f"event places {pa!r}–{pb!r}: {exc}") from None
        out.append(PlaceDistance(name_a, name_b, round(km, 1)))
    return out
