"""The interface's message catalogue: every string the dashboard shows, in English and Arabic.

One dictionary per language, with the same keys, in ``en.py`` and ``ar.py`` (split so that each file
stays readable). tests/test_i18n.py fails when a key is missing from either, or when code asks for a
key that is not here. The core uses it for the map's legend; the Streamlit layer (``ui.i18n``) for
everything else. Data (titles, claims, names) is not here: it has its own Arabic columns.
"""

from __future__ import annotations

from conflictmap.i18n.ar import AR
from conflictmap.i18n.en import EN

__all__ = ["AR", "CATALOGUE", "EN", "LANGS", "label", "t"]

LANGS = ("en", "ar")

CATALOGUE = {"en": EN, "ar": AR}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The message ``key`` in ``lang`` (English for an unknown language), with ``values`` filled in.

    A key missing from the catalogue raises KeyError: tests/test_i18n.py finds every key the code uses.
    """
    text = CATALOGUE.get(lang, EN)[key]
    return text.format(**values) if values else text



def label(prefix: str, value: object, lang: str = "en") -> str:
    """A data value's reader label (``label("status", "denied")`` -> "Denied"), or the value itself when the
    catalogue has no ``<prefix>.<value>`` (data-defined values, e.g. an actor)."""
    key = f"{prefix}.{value}"
    return t(key, lang) if key in EN else ("" if value is None else str(value))
