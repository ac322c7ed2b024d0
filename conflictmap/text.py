"""Text handling shared by search, geocoding and rendering.

Two jobs live here because every other module needs them the same way:

* :func:`normalise` folds Arabic and Latin text to a comparable form, so that
  search and gazetteer matching treat أ/إ/آ/ا, ة/ه, ى/ي, diacritics, tatweel and
  Arabic-Indic digits as the same thing.
* :func:`escape` makes untrusted text inert wherever it reaches a page: inside
  HTML, and inside the JavaScript template literals folium writes popups and
  tooltips into (plain ``html.escape`` is not enough: folium writes them into
  JavaScript template literals). :func:`safe_url` decides which URLs may become
  links (http, https, mailto); :func:`link_html` writes one.
"""

from __future__ import annotations

import html
import json
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
    # Compatibility-decompose first, so the folds below see letters: the ligature U+FC49 becomes م + ى and a
    # mathematical 𝒜 becomes A. Case folding sits between two decompositions because each can feed the other.
    s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", str(s)).casefold())
    s = _ARABIC_DIACRITICS.sub("", s).replace(_TATWEEL, "")
    s = s.translate(_ARABIC_FOLD)
    # Latin accents and decomposed hamza/madda: drop the combining marks that remain.
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", s).strip()


def escape(value: object) -> str:
    """Escape untrusted text for HTML *and* for folium's JavaScript template literals.

    NaN and None become "". After ``html.escape``, backslash, backtick and ``$``
    are replaced by entities so a value can neither close a template literal nor
    open a ``${...}`` substitution. This is the escaping the project's research notes
    (``shared/research/stack-pitfalls.md``, beside the repository) verified to hold against
    folium's popups and tooltips; apply it to every string that reaches the map.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    s = html.escape(str(value), quote=True)
    return s.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


LINK_SCHEMES = ("http", "https", "mailto")
"""The only URL schemes that ever become links. ``javascript:``, ``data:``, ``vbscript:`` and anything
else stay text: Leaflet's ``bindPopup`` and a standalone HTML file have no sanitiser to save them."""
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_URL_IGNORED = re.compile(r"[\x00-\x20\x7f]")  # browsers strip these inside a scheme ("java\tscript:")


def safe_url(value: object) -> str | None:
    """``value`` if it is a URL that may become a link (:data:`LINK_SCHEMES`), else None.

    Leading/trailing whitespace is dropped. The scheme is read the way a browser reads it, after
    removing control characters and spaces, so ``" JaVa\tScript:..."`` is refused. A value with no
    scheme is refused too: a relative link would point into the app itself.
    """
    if not isinstance(value, str):
        return None
    url = value.strip()
    m = _SCHEME.match(_URL_IGNORED.sub("", url))
    if not m or m.group(1).lower() not in LINK_SCHEMES:
        return None
    return url


def link_html(url: object, label: str = "link") -> str:
    """An escaped ``<a>`` to ``url`` when :func:`safe_url` allows it, else the URL as escaped text."""
    safe = safe_url(url)
    if safe is None:
        return f'<span class="cm-url">{escape(url)}</span>' if url else ""
    return f'<a href="{escape(safe)}" target="_blank" rel="noopener noreferrer">{escape(label)}</a>'


def has_arabic(s: object) -> bool:
    return isinstance(s, str) and any("\u0600" <= ch <= "\u06ff" for ch in s)


def json_for_script(obj: object) -> str:
    """JSON safe inside a <script> element, and free of raw markup.

    ``< > &`` (so no ``</script>`` or tag), backtick and ``$`` (so nothing can
    look like a template literal) and U+2028/9 are written as ``\\uXXXX``
    escapes: the parsed value is unchanged, the page bytes carry no raw markup.
    """
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    for ch in "<>&`$\u2028\u2029":
        s = s.replace(ch, f"\\u{ord(ch):04x}")
    return s
