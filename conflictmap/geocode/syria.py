"""Syria: its governorates (GeoNames admin1 codes SY.01–SY.14) and the checks that flag a candidate
in the wrong country or too far from the governorate a place is expected in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from geopy.distance import geodesic

from ..text import normalise
from .model import Candidate
from .names import name_forms


@dataclass(frozen=True)
class Governorate:
    """A Syrian governorate: a rough centre and how far from it a place may lie.

    The centres and radii are approximations from the governorates' extents
    (GeoNames admin1 codes SY.01–SY.14); they catch a candidate in the wrong
    part of the country, not a few kilometres' error.
    """

    code: str
    name: str
    name_ar: str
    lat: float
    lon: float
    radius_km: float
    aliases: tuple[str, ...] = ()


SYRIA_GOVERNORATES: dict[str, Governorate] = {g.code: g for g in (
    Governorate("01", "Al-Hasakah", "الحسكة", 36.45, 40.95, 170, ("Hasakah", "Hasaka", "Al Hasakah", "Hassakeh")),
    Governorate("02", "Latakia", "اللاذقية", 35.60, 35.95, 70, ("Lattakia", "Al-Ladhiqiyah", "Al Ladhiqiyah")),
    Governorate("03", "Quneitra", "القنيطرة", 33.05, 35.85, 50, ("Al-Qunaytirah", "Al Qunaytirah", "Kuneitra")),
    Governorate("04", "Ar-Raqqah", "الرقة", 35.85, 38.75, 150, ("Raqqa", "Raqqah", "Ar Raqqah", "Rakka")),
    Governorate("05", "As-Suwayda", "السويداء", 32.70, 36.75, 90, ("Suwayda", "Sweida", "As Suwayda")),
    Governorate("06", "Daraa", "درعا", 32.80, 36.20, 70, ("Dar'a", "Deraa", "Dara")),
    Governorate("07", "Deir ez-Zor", "دير الزور", 35.10, 40.20, 190,
                ("Deir ez-Zor", "Deir Ezzor", "Deir al-Zor", "Dayr az Zawr", "Deir el-Zour", "Deir Ez Zor")),
    Governorate("08", "Rif Dimashq", "ريف دمشق", 33.55, 36.90, 200,
                ("Rural Damascus", "Damascus Countryside", "Rif Dimashq", "Reef Damascus", "Rif-Dimashq")),
    Governorate("09", "Aleppo", "حلب", 36.25, 37.45, 140, ("Halab", "Alep")),
    Governorate("10", "Hama", "حماة", 35.25, 37.00, 130, ("Hamah", "Hamat")),
    Governorate("11", "Homs", "حمص", 34.55, 38.00, 270, ("Hims", "Homs")),
    Governorate("12", "Idlib", "إدلب", 35.80, 36.60, 80, ("Idleb", "Edlib")),
    Governorate("13", "Damascus", "دمشق", 33.51, 36.29, 25, ("Dimashq", "Damascus City")),
    Governorate("14", "Tartus", "طرطوس", 34.90, 36.00, 60, ("Tartous", "Tartous", "Tartūs")),
)}
SYRIA_BBOX = ((32.3, 35.6), (37.4, 42.4))  # (south, west), (north, east), a little generous


@lru_cache(maxsize=1)
def _governorate_lookup() -> dict[str, tuple[int, Governorate]]:
    lookup: dict[str, tuple[int, Governorate]] = {}
    for g in SYRIA_GOVERNORATES.values():
        for label in (g.name, g.name_ar, *g.aliases):
            for key, penalty in name_forms(label).items():
                if key not in lookup or penalty < lookup[key][0]:
                    lookup[key] = (penalty, g)
        for code in (g.code, f"SY{g.code}", f"SY.{g.code}", f"SY-{g.code}"):
            lookup[normalise(code)] = (0, g)
    return lookup


def find_governorate(label: object) -> Governorate | None:
    """The Syrian governorate a label names (English, Arabic, a variant spelling or a GeoNames code), or None.

    The least-altered reading wins: "ريف دمشق" is Rif Dimashq, although ريف
    alone is a generic word and "دمشق" is Damascus.
    """
    lookup = _governorate_lookup()
    hits = [(q_penalty + lookup[key][0], lookup[key][1].code) for key, q_penalty in name_forms(label).items()
            if key in lookup]
    return SYRIA_GOVERNORATES[min(hits)[1]] if hits else None


def check_candidate(candidate: Candidate, *, country: str | None = "SY", admin1: str | None = None,
                    max_km: float | None = None) -> Candidate:
    """Flag a candidate outside the expected country, or farther than allowed from the expected governorate.

    ``max_km`` overrides the governorate's own radius. A candidate with no
    country code is checked against Syria's bounding box when Syria is expected.
    """
    flags = list(candidate.flags)
    expected = (country or "").upper()
    if expected:
        if candidate.country:
            if candidate.country.upper() != expected:
                flags.append(f"in country {candidate.country.upper()!r}, expected {expected!r}")
        elif expected == "SY":
            (s, w), (n, e) = SYRIA_BBOX
            if not (s <= candidate.lat <= n and w <= candidate.lon <= e):
                flags.append("outside Syria's bounding box (the service gave no country code)")
    gov = find_governorate(admin1) if admin1 and expected in ("SY", "") else None
    if gov is not None:
        km = geodesic((candidate.lat, candidate.lon), (gov.lat, gov.lon)).km
        limit = max_km if max_km is not None else gov.radius_km
        if km > limit:
            flags.append(f"{km:.0f} km from the centre of {gov.name} governorate (limit {limit:.0f} km)")
    return replace(candidate, flags=tuple(flags))
