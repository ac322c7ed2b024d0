"""The resolver: the gazetteer first, GeoNames offline second, an online geocoder last.

Answers from outside the expected country, or too far from the expected
governorate, are flagged rather than accepted; several equally good answers are
all returned as ambiguous, for a person (the Places page) or a flag
(``--accept-first``) to decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from geopy.distance import geodesic

from ..text import has_arabic, normalise
from .config import DEFAULT_COUNTRIES, FUZZY_CUTOFF, GAZETTEER_PREFERENCE
from .model import AMBIGUOUS, FLAGGED, GAZETTEER, GEONAMES, NOMINATIM, NOT_FOUND, RESOLVED, Candidate, Resolution
from .names import NameIndex
from .online import OnlineGeocoder
from .sources import gazetteer_index, geonames_index
from .syria import check_candidate


def _distinct(cands: Iterable[Candidate]) -> list[Candidate]:
    """Drop repeats of the same place (same gazetteer id, GeoNames id or coordinate)."""
    seen: set = set()
    out = []
    for c in cands:
        ident = c.place_id or c.geonames_id or (round(c.lat, 4), round(c.lon, 4))
        if ident not in seen:
            seen.add(ident)
            out.append(c)
    return out


def _merge_nearby(cands: list[Candidate]) -> list[Candidate]:
    """Online services return one place as several objects (node, boundary): merge those inside each other's radius."""
    out: list[Candidate] = []
    for c in cands:
        if not any(geodesic((c.lat, c.lon), (k.lat, k.lon)).m <= max(c.precision_m, k.precision_m, 2000)
                   for k in out):
            out.append(c)
    return out


class PlaceResolver:
    """Resolve place names: the gazetteer, then GeoNames offline, then (if given) an online geocoder.

    Build it once per data set: indexing GeoNames takes a moment, and
    ``geonames_index`` is cached per process.
    """

    def __init__(self, places: Iterable[Mapping[str, Any]] | Any = (), *,
                 countries: Sequence[str] = DEFAULT_COUNTRIES, online: OnlineGeocoder | None = None,
                 max_km: float | None = None, fuzzy_cutoff: float = FUZZY_CUTOFF) -> None:
        rows = places.to_dict("records") if hasattr(places, "to_dict") else list(places)
        self.gazetteer = gazetteer_index(rows)
        self.countries = tuple(c.upper() for c in countries)
        self.geonames = geonames_index(self.countries) if self.countries else NameIndex([])
        self.online = online
        self.max_km = max_km
        self.fuzzy_cutoff = fuzzy_cutoff

    def resolve(self, names: str | Sequence[str], *, country: str | None = None, admin1: str | None = None,
                use_online: bool = True) -> Resolution:
        """Resolve one place known by ``names`` (all its spellings); the first source with an answer wins.

        ``country`` (default: the first configured country) and ``admin1`` (a
        governorate) are what the place is expected to be in: GeoNames and
        online candidates elsewhere are flagged. Gazetteer entries are curated
        and are not second-guessed. Raises :class:`GeocodeError` only from the
        online step.
        """
        names = tuple(n for n in ([names] if isinstance(names, str) else names) if n and str(n).strip())
        if not names:
            return Resolution(names, NOT_FOUND, note="no name to look up")
        expected = (country or (self.countries[0] if self.countries else "")).upper()

        def checked(cands: list[Candidate]) -> list[Candidate]:
            return [check_candidate(c, country=expected, admin1=admin1, max_km=self.max_km) for c in cands]

        flagged: list[Candidate] = []
        # Exact and variant matches first, fuzzy ones only if neither offline source has any.
        for tier in ("exact", "fuzzy"):
            if tier == "exact":
                in_gazetteer, in_geonames = self.gazetteer.exact(names), self.geonames.exact(names)
            else:
                in_gazetteer = self.gazetteer.fuzzy(names, self.fuzzy_cutoff)
                in_geonames = self.geonames.fuzzy(names, self.fuzzy_cutoff)
            in_gazetteer = _distinct(in_gazetteer)
            in_geonames = checked(_distinct(in_geonames))
            flagged += [c for c in in_geonames if c.flags]
            in_geonames = [c for c in in_geonames if not c.flags]
            # The gazetteer comes first, unless its match needed much more bending of the name:
            # "دير الزور" is the city in GeoNames, not "ريف دير الزور الشرقي" minus two words.
            if in_gazetteer and (not in_geonames
                                 or in_gazetteer[0].score + GAZETTEER_PREFERENCE >= in_geonames[0].score - 1e-9):
                return self._decide(names, GAZETTEER, in_gazetteer, flagged)
            if in_geonames:
                return self._decide(names, GEONAMES, in_geonames, flagged)
        if self.online is not None and use_online:
            for query in _online_queries(names):
                cands = checked(self.online.search(query))
                flagged += [c for c in cands if c.flags]
                accepted = _merge_nearby([c for c in cands if not c.flags])
                if accepted:
                    return self._decide(names, NOMINATIM, accepted, flagged, ranked_by_service=True)
        if flagged:
            return Resolution(names, FLAGGED, flagged[0].source, tuple(_distinct(flagged)),
                              note="every candidate was flagged: " + flagged[0].flags[0])
        note = "" if (self.online is not None and use_online) else "not in the gazetteer or GeoNames; online step off"
        return Resolution(names, NOT_FOUND, note=note)

    @staticmethod
    def _decide(names: tuple[str, ...], step: str, accepted: list[Candidate], flagged: list[Candidate], *,
                ranked_by_service: bool = False) -> Resolution:
        """One best candidate → resolved; several equally good → ambiguous (all shown, flagged ones last)."""
        if ranked_by_service:
            # The service ranks by importance: alternatives close to the first are real choices.
            top = [c for c in accepted if c.score >= accepted[0].score - 0.1]
        else:
            best = max(c.score for c in accepted)
            top = [c for c in accepted if c.score >= best - 1e-9]
            accepted = sorted(accepted, key=lambda c: -c.score)
        if len(top) == 1:
            return Resolution(names, RESOLVED, step, (top[0], *[c for c in accepted if c is not top[0]]))
        return Resolution(names, AMBIGUOUS, step, (*top, *_distinct(flagged)),
                          note=f"{len(top)} equally good candidates")


def _online_queries(names: Sequence[str]) -> list[str]:
    """At most two queries per place (Arabic first, then Latin): each costs a second of the service's time."""
    names = [n for n in names if len(normalise(n).replace(" ", "")) >= 3]  # "A" is not worth a request
    arabic = [n for n in names if has_arabic(n)]
    latin = [n for n in names if not has_arabic(n)]
    return [q for q in (arabic[:1] + latin[:1]) if q]
