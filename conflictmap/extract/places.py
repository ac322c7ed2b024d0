"""Place names in an article: the gazetteer first, then GeoNames; regions as regions.

Every run of up to six words is looked up under the same name forms the geocoder uses
(:func:`conflictmap.geocode.name_forms`: Arabic normalisation, clitics such as و/ب/ل/ال stripped,
generic words such as قرية/بلدة dropped), longest run first.

* The curated gazetteer (``geodata/places.csv``) answers first; GeoNames (offline, with Arabic
  alternate names) only when the gazetteer has nothing. A one-word GeoNames name also needs a word
  that introduces a place before it (بلدة، قرية، مدينة، في، قرب …): on its own, many Arabic place
  names are ordinary words.
* A qualifier (التحتاني/الفوقاني, lower/upper …) is part of the name: «الباغوز الفوقاني» only
  matches a place whose name carries the same qualifier. If none does, the mention is kept
  unresolved under its full name; it never falls back to the plain or the other namesake.
  There is no fuzzy matching here at all.
* Regions are regions: «ريف X», «محافظة X», «X province/governorate», a compass direction before a
  place («شمال الرقة»), and the named regions of ``regions.csv`` (شرق الفرات …) give a mention of
  kind ``region`` (with the coordinate of what it is named after and a wide precision), never the town.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from ..files import read_table_text
from . import geo
from .fold import Token, key
from .lexicon import PhraseMatcher, forms

REGIONS_FILE = Path(__file__).with_name("regions.csv")
MAX_WORDS = 6
REGION_PRECISION_M = 50_000
_QUALIFIER_WORDS = {
    **dict.fromkeys((key(w) for w in ("التحتاني", "التحتانية", "تحتاني", "تحتانية", "lower")), "~lower"),
    **dict.fromkeys((key(w) for w in ("الفوقاني", "الفوقانية", "فوقاني", "فوقانية", "upper")), "~upper"),
}
_REGION_BEFORE = {key(w) for w in ("ريف", "محافظة", "محافظتي", "محافظات", "منطقة", "بادية")}
_REGION_AFTER = {"province", "governorate", "countryside", "region"}
_DIRECTIONS = {key(w) for w in ("شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "north", "south",
                                "east", "west", "northern", "southern", "eastern", "western")}
_REGION_EN = {key(a): b for a, b in (("ريف", "countryside of"), ("محافظة", "governorate of"),
                                      ("محافظتي", "governorates of"), ("محافظات", "governorates of"),
                                      ("منطقة", "area of"), ("بادية", "desert of"), ("شمال", "north of"),
                                      ("جنوب", "south of"), ("شرق", "east of"), ("غرب", "west of"),
                                      ("شمالي", "north of"), ("جنوبي", "south of"), ("شرقي", "east of"),
                                      ("غربي", "west of"))}
_TRIGGERS = {key(w) for w in ("بلدة", "قرية", "مدينة", "ناحية", "بلدات", "قرى", "مخيم", "في", "قرب", "بين", "الى",
                              "من", "نحو", "باتجاه", "محيط", "اطراف", "town", "village", "city", "in", "near",
                              "outside", "of", "at")}
_STOP = {key(w) for w in ("الحدود", "القاعدة", "المدينة", "البلدة", "القرية", "الجيش", "القوات", "الدولة", "الشام",
                          "المعارضة", "الارهاب", "الرئيس")}
SPECIFICITY = {"base": 0, "airbase": 0, "village": 1, "town": 1, "city": 2, "region": 3, "country": 4}


@dataclass
class PlaceMention:
    """A place named in the text. ``place_id`` is set for gazetteer places; ``candidate`` for any resolved one."""

    start: int
    end: int
    name: str
    kind: str
    place_id: str = ""
    lat: float | None = None
    lon: float | None = None
    precision_m: int | None = None
    source: str = ""  # gazetteer, GeoNames, region, or "" when unresolved
    how: str = ""
    geonames_id: int | None = None
    admin1: str = ""
    flags: list[str] = field(default_factory=list)
    name_en: str = ""  # the gazetteer's (or GeoNames') English name, when resolved

    @property
    def resolved(self) -> bool:
        return self.lat is not None

    @property
    def specific(self) -> bool:
        return self.kind not in ("region", "country")

    @property
    def identity(self) -> str:
        """What makes two mentions the same place."""
        if self.place_id:
            return self.place_id
        if self.geonames_id:
            return f"geonames:{self.geonames_id}"
        return f"name:{key(self.name)}"

    def to_json(self) -> dict:
        return {"name": self.name, "name_en": self.name_en or None, "place_id": self.place_id or None,
                "lat": self.lat, "lon": self.lon,
                "precision_m": self.precision_m, "kind": self.kind, "source": self.source or None,
                "how": self.how, "start": self.start, "end": self.end,
                **({"geonames_id": self.geonames_id} if self.geonames_id else {}),
                **({"flags": self.flags} if self.flags else {})}


def _read_regions(path: Path) -> list[dict]:
    text, _ = read_table_text(path)
    return list(csv.DictReader(io.StringIO(text)))


class PlaceFinder:
    """Finds places in tokenised text; build once per data set (GeoNames indexing takes a second)."""

    def __init__(self, gazetteer_rows: list[dict], *, countries: tuple[str, ...] = ("SY",)) -> None:
        self.gazetteer = geo.gazetteer_index(gazetteer_rows)
        self.geonames = geo.geonames_index(countries) if countries else geo.NameIndex([])
        self.regions = PhraseMatcher([(a, r) for r in _read_regions(REGIONS_FILE)
                                      for a in [r["name_en"], r["name_ar"], *r["aliases"].split(";")] if a])
        self._cache: dict[tuple[str, ...], tuple[list, str]] = {}
        # First words any name form may start with: a cheap filter before the full name_forms lookup.
        self._starts: set[str] = set()
        for index in (self.gazetteer, self.geonames):
            for entry in index.entries:
                for name in entry.names:
                    for form in geo.name_forms(name):
                        self._starts.add(form.split()[0])

    def clear_cache(self) -> None:
        """Forget looked-up phrases (the benchmark times first reads with it)."""
        self._cache.clear()

    def _lookup(self, words: list[str]) -> tuple[list, str]:
        """(candidates, source) for a phrase, gazetteer first; qualifiers must match exactly (cached)."""
        k = tuple(words)
        if k not in self._cache:
            if len(self._cache) > 100_000:  # a long-lived app reads many articles: keep memory bounded
                self._cache.clear()
            self._cache[k] = self._lookup_uncached(words)
        return self._cache[k]

    def _lookup_uncached(self, words: list[str]) -> tuple[list, str]:
        phrase = " ".join(words)
        quals = sorted({_QUALIFIER_WORDS[w] for w in words if w in _QUALIFIER_WORDS})
        for index, source in ((self.gazetteer, geo.GAZETTEER), (self.geonames, geo.GEONAMES)):
            cands = index.exact([phrase])
            if quals:  # keep only matches whose own name carries the same qualifier(s)
                cands = [c for c in cands if all(q in self._entry_quals(c) for q in quals)]
            cands = [c for c in cands if c.score >= 0.85]
            if cands:
                return cands, source
        return [], ""

    @staticmethod
    def _entry_quals(c) -> set[str]:
        # The matched name is quoted in c.match ("exact name '...'" or "'q' ~ 'name' ..."): read its qualifiers.
        matched = c.match.rsplit("~", 1)[-1] if " ~ " in c.match else c.match
        return {_QUALIFIER_WORDS[w] for w in key(matched).split() if w in _QUALIFIER_WORDS}

    def find(self, text: str, toks: list[Token]) -> list[PlaceMention]:
        """Every place mention, left to right, without overlaps."""
        out: list[PlaceMention] = []
        region_spans = {m.first: m for m in self.regions.find(toks, text)}
        i = 0
        while i < len(toks):
            if i in region_spans:
                m = region_spans[i]
                r = m.entry
                out.append(PlaceMention(m.start, m.end, m.text, "region", lat=float(r["lat"]), lon=float(r["lon"]),
                                        precision_m=int(r["precision_m"]), source="region",
                                        how=f"named region {r['name_en']!r} (regions.csv)", name_en=r["name_en"]))
                i = m.last + 1
                continue
            found = self._at(text, toks, i)
            if found is None:
                i += 1
                continue
            mention, n = found
            out.append(mention)
            i += n
        return out

    def _at(self, text: str, toks: list[Token], i: int) -> tuple[PlaceMention, int] | None:
        w0 = toks[i].word
        if w0 in _REGION_BEFORE or w0 in _DIRECTIONS:
            # A region the gazetteer knows by this very phrase («ريف دير الزور الشرقي») comes first.
            for n in range(min(MAX_WORDS, len(toks) - i), 1, -1):
                cands, source = self._lookup([t.word for t in toks[i:i + n]])
                if source == geo.GAZETTEER and cands[0].kind == "region" and cands[0].score >= 0.95:
                    return self._mention(text, toks[i].start, toks[i + n - 1].end, cands, source), n
            inner = self._at(text, toks, i + 1) if i + 1 < len(toks) else None
            if inner is None or inner[0].kind in ("region", "country"):
                return None
            m, n = inner
            label = "direction" if w0 in _DIRECTIONS else "region word"
            name_en = f"{_REGION_EN.get(w0, 'around')} {m.name_en or m.name}"
            return PlaceMention(toks[i].start, m.end, text[toks[i].start:m.end], "region", lat=m.lat, lon=m.lon,
                                precision_m=REGION_PRECISION_M, source="region",
                                how=f"{label} {toks[i].word!r} + {m.name!r} ({m.how})", admin1=m.admin1,
                                name_en=name_en), n + 1
        if not (forms(w0) & self._starts):
            return None
        for n in range(min(MAX_WORDS, len(toks) - i), 0, -1):
            words = [t.word for t in toks[i:i + n]]
            if words[-1] in _QUALIFIER_WORDS and n == 1:
                continue
            if any(w.startswith("و") and w not in _QUALIFIER_WORDS for w in words[1:]):
                continue  # «الرقة وقاعدة»: a conjunction ends a name
            cands, source = self._lookup(words)
            # A qualifier right after (or, in English, right before) the name belongs to it.
            nxt = toks[i + n].word if i + n < len(toks) else ""
            prev = toks[i - 1].word if i > 0 else ""
            dangling = (nxt in _QUALIFIER_WORDS and words[-1] not in _QUALIFIER_WORDS) or (prev in _QUALIFIER_WORDS)
            if dangling and cands:
                q_words = [*words, nxt] if nxt in _QUALIFIER_WORDS else [prev, *words]
                q_cands, q_source = self._lookup(q_words)
                lo = toks[i].start if nxt in _QUALIFIER_WORDS else toks[i - 1].start
                hi = toks[i + n].end if nxt in _QUALIFIER_WORDS else toks[i + n - 1].end
                if not q_cands:  # «الباغوز الفوقاني» when only التحتاني is known: unresolved, never merged
                    return PlaceMention(lo, hi, text[lo:hi], "village", source="",
                                        how="not found with its qualifier; not merged with a namesake",
                                        flags=["unresolved"]), n + (nxt in _QUALIFIER_WORDS)
                cands, source = q_cands, q_source
                n_used = n + (nxt in _QUALIFIER_WORDS)
                return self._mention(text, lo, hi, cands, source), n_used
            if not cands:
                continue
            if cands[0].kind == "country" and words[0].startswith("ال") and cands[0].score < 1:
                continue  # «السورية» is the adjective, not the country
            if source == geo.GEONAMES:
                single = n == 1
                if single and (words[0] in _STOP or (prev not in _TRIGGERS and not (
                        prev in _REGION_BEFORE or prev in _DIRECTIONS))):
                    continue
                if len(words[0]) < 4 and single:
                    continue
            return self._mention(text, toks[i].start, toks[i + n - 1].end, cands, source), n
        return None

    @staticmethod
    def _mention(text: str, start: int, end: int, cands: list, source: str) -> PlaceMention:
        best = cands[0]
        flags = []
        top = [c for c in cands if c.score >= best.score - 1e-9]
        if len({(c.place_id, c.geonames_id) for c in top}) > 1:
            flags.append(f"ambiguous: {len(top)} equally good candidates, the first is shown")
        kind = best.kind or "town"
        # «وقاعدة اللواء 93»: the conjunction travels with the name but is not part of it.
        if text[start:start + 1] in ("و", "ف") and "ال" in text[start + 1:start + 4]:
            start += 1
        return PlaceMention(start, end, text[start:end], kind, place_id=best.place_id, lat=best.lat, lon=best.lon,
                            precision_m=best.precision_m, source=source, how=best.match,
                            geonames_id=best.geonames_id, admin1=best.admin1, flags=flags, name_en=best.name)
