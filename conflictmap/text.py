"""Text handling shared by search, geocoding and rendering.

Two jobs live here because every other module needs them the same way:

* :func:`normalise` folds Arabic and Latin text to a comparable form, so that
  search and gazetteer matching treat أ/إ/آ/ا, ة/ه, ى/ي, diacritics, tatweel and
  Arabic-Indic digits as the same thing.
* :func:`escape` makes untrusted text inert wherever it reaches a page: inside
  HTML, and inside the JavaScript template literals folium writes popups and
  tooltips into (see ``stack-pitfalls.md``: plain ``html.escape`` is not enough).
"""

from __future__ import annotations

import html
import math
import re
import unicodedata

# Harakat, tanwin, shadda, sukun, superscript alef, Quranic marks.
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Arabic-Indic and Eastern Arabic-Indic (Persian) digits.
_DIGITS = {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
_DIGIT_TABLE = str.maketrans(_DIGITS)
_ARABIC_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        **_DIGITS,
    }
)
_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)


def fold_digits(s: str) -> str:
    """Replace Arabic-Indic digits with ASCII digits (dates, counts)."""
    return s.translate(_DIGIT_TABLE)


def normalise(s: object) -> str:
    """Fold text for matching, in either language.

    Arabic: alef forms → ا, ة → ه, ى → ي, hamza seats folded, diacritics and
    tatweel removed, Arabic-Indic digits → ASCII. Latin: lower-cased and
    stripped of accents (``al-Bāghūz`` → ``al baghuz``). Punctuation becomes a
    single space.
    """
    if s is None or (isinstance(s, float) and math.isnan(s)):
        return ""
    s = str(s)
    s = _ARABIC_DIACRITICS.sub("", s).replace(_TATWEEL, "")
    s = s.translate(_ARABIC_FOLD)
    # Latin accents: decompose and drop combining marks (Arabic marks are gone already).
    s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    s = s.casefold()
    return _NON_WORD.sub(" ", s).strip()


def matches(query: str, *texts: object) -> bool:
    """True when every word of ``query`` occurs in one of ``texts``, after :func:`normalise`."""
    words = normalise(query).split()
    if not words:
        return True
    haystack = " ".join(normalise(t) for t in texts)
    return all(w in haystack for w in words)


def escape(value: object) -> str:
    """Escape untrusted text for HTML *and* for folium's JavaScript template literals.

    NaN and None become "". After ``html.escape``, backslash, backtick and ``$``
    are replaced by entities so a value can neither close a template literal nor
    open a ``${...}`` substitution. This is the escaping verified to hold in
    ``stack-pitfalls.md``; apply it to every string that reaches the map.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    s = html.escape(str(value), quote=True)
    return s.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def has_arabic(s: object) -> bool:
    return isinstance(s, str) and any("\u0600" <= ch <= "\u06ff" for ch in s)
