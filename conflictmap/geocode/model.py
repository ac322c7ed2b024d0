"""The candidate model: what a name may refer to (:class:`Candidate`), what resolving it came to
(:class:`Resolution`), the names of the sources and outcomes, and reading a place row's cells.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import schema

GAZETTEER, GEONAMES, NOMINATIM = "gazetteer", "GeoNames", "Nominatim"
RESOLVED, AMBIGUOUS, FLAGGED, NOT_FOUND = "resolved", "ambiguous", "flagged", "not found"
EXISTING = "existing place"  # a task's outcome: the name is a place the gazetteer already has, under another id

PRECISION_BY_KIND_M = {"city": 5000, "town": 2000, "village": 1000, "base": 1000, "airbase": 1000,
                       "region": 25000, "country": 200000}
"""Default radius (m) for a point that stands for a whole place of this kind."""


@dataclass(frozen=True)
class Candidate:
    """One place a name may refer to, with the evidence for it.

    ``coord_source`` and ``precision_m`` are what goes into places.csv if the
    candidate is adopted. ``flags`` lists why it was not accepted (wrong
    country, too far from the governorate); a flagged candidate is shown, never
    used silently.
    """

    name: str
    lat: float
    lon: float
    source: str  # GAZETTEER, GEONAMES or NOMINATIM
    coord_source: str
    precision_m: int
    match: str = ""  # how the name matched, in words
    score: float = 1.0  # 1.0 exact; lower for variants and fuzzy matches
    place_id: str = ""
    geonames_id: int | None = None
    name_ar: str = ""
    kind: str = ""
    country: str = ""
    admin1: str = ""
    flags: tuple[str, ...] = ()

    @property
    def accepted(self) -> bool:
        """True when nothing flagged it: it may be used without a person's choice."""
        return not self.flags

    def describe(self) -> str:
        """One line for a person choosing between candidates."""
        where = ", ".join(x for x in (self.admin1, self.country) if x)
        flags = f" — FLAGGED: {'; '.join(self.flags)}" if self.flags else ""
        ident = f"place {self.place_id}" if self.place_id else self.coord_source
        return (f"{self.name}{f' ({where})' if where else ''} at {self.lat:.5f}, {self.lon:.5f} "
                f"±{self.precision_m:,} m [{ident}; {self.match}]{flags}")


@dataclass(frozen=True)
class Resolution:
    """What resolving one place's names came to.

    ``status`` is RESOLVED (one accepted candidate: ``best``), AMBIGUOUS
    (several accepted candidates, equally good), FLAGGED (candidates exist but
    all were flagged) or NOT_FOUND. ``step`` names the source that answered.
    """

    names: tuple[str, ...]
    status: str
    step: str = ""
    candidates: tuple[Candidate, ...] = ()
    note: str = ""

    @property
    def best(self) -> Candidate | None:
        """The one candidate to use, only when the status is RESOLVED."""
        return self.candidates[0] if self.status == RESOLVED and self.candidates else None

    @property
    def accepted(self) -> tuple[Candidate, ...]:
        """The candidates nothing flagged, in order."""
        return tuple(c for c in self.candidates if c.accepted)

def float_or_none(value: object) -> float | None:
    """A finite float from a cell, or None (blank, text, NaN, inf)."""
    try:
        f = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def valid_point(lat: float | None, lon: float | None) -> bool:
    """Both coordinates present and within -90..90, -180..180."""
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def cell(row: Mapping[str, Any], column: str) -> str:
    """A cell as stripped text; a missing value or a pandas NaN is blank."""
    v = row.get(column, "")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def split_list(value: str) -> list[str]:
    """A ``;``-separated list cell as its items, blanks dropped."""
    return [x.strip() for x in value.split(schema.LIST_SEPARATOR) if x.strip()]
