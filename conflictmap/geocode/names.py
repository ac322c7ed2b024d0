"""Name variants: the keys a place name is matched under, and an index of names to places.

Names are matched after :func:`conflictmap.text.normalise` and after stripping
what travels with a name without being part of it: Arabic clitics (ال, ب, و, ل
and their combinations), generic words (قرية, قاعدة, village, base …), and
qualifiers (التحتاني/الفوقاني, lower/upper), which are kept for a first match
and dropped only as a fallback. Latin transliterations are folded (ee→i, ou→u,
q→k, kh→h, doubled letters …) and, failing an exact match, compared fuzzily.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from ..text import has_arabic, normalise
from .config import FUZZY_CUTOFF, FUZZY_MIN_LETTERS
from .model import Candidate

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
class NameEntry:
    """One place in a name index: the candidate it becomes, and its names."""

    candidate: Candidate
    names: tuple[str, ...]


class NameIndex:
    """Names → places, for one source. Built once, queried many times."""

    def __init__(self, entries: Iterable[NameEntry]) -> None:
        self.entries: list[NameEntry] = list(entries)
        self._exact: dict[str, dict[int, tuple[int, str]]] = {}
        self._fuzzy: dict[str, dict[int, tuple[int, str]]] = {}
        for ref, entry in enumerate(self.entries):
            for name in entry.names:
                for table, forms in ((self._exact, name_forms(name)), (self._fuzzy, _fuzzy_keys(name))):
                    for key, penalty in forms.items():
                        hits = table.setdefault(key, {})
                        if ref not in hits or penalty < hits[ref][0]:
                            hits[ref] = (penalty, name)
        self._fuzzy_names = list(self._fuzzy)

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
        """Entries whose folded Latin name is within ``cutoff`` similarity of a query's (the ten closest names).

        Similarity is rapidfuzz's normalised Indel similarity, ``2·LCS / (len(a) + len(b))``:
        one letter inserted or dropped in an eight-letter name scores 0.93, one replaced 0.88.
        """
        best: dict[int, tuple[float, str, str]] = {}
        for q in names:
            for q_key in _fuzzy_keys(q):
                for key, score, _ in process.extract(q_key, self._fuzzy_names, scorer=fuzz.ratio,
                                                     score_cutoff=100 * cutoff, limit=10):
                    ratio = score / 100
                    for ref, (_, e_name) in self._fuzzy[key].items():
                        if ref not in best or ratio > best[ref][0]:
                            best[ref] = (ratio, q, e_name)
        out = [replace(self.entries[ref].candidate, match=f"{q!r} ≈ {e_name!r} (fuzzy, similarity {ratio:.2f})",
                       score=round(0.9 * ratio, 3))
               for ref, (ratio, q, e_name) in best.items()]
        return sorted(out, key=lambda c: -c.score)
