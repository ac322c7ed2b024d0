"""The interface language for the Streamlit layer: the catalogue lives in :mod:`conflictmap.i18n`."""

from __future__ import annotations

import streamlit as st

from conflictmap.i18n import EN
from conflictmap.i18n import label as _label
from conflictmap.i18n import t as _t


def lang() -> str:
    """The language the user chose on the map page ("en" or "ar"), kept across pages."""
    # A shared link's ?lang= counts before the map page has applied it (app.py draws the navigation first).
    value = (st.session_state.get("lang") or st.session_state.get("_keep_lang")
             or st.query_params.get("lang") or "en")
    return value if value in ("en", "ar") else "en"


def t(key: str, language: str | None = None, **values: object) -> str:
    """The interface string ``key`` in ``language`` (default: the user's choice)."""
    return _t(key, language or lang(), **values)


def headings(columns, **configs) -> dict:
    """``column_config`` for ``st.dataframe``: every column in ``columns`` headed by its catalogue entry
    (``col.<name>``) in the user's language; ``configs`` give a column its own type (a ``NumberColumn`` ...),
    built with :func:`t` by the caller. Columns with no entry keep their name (data-defined columns)."""
    out = {c: st.column_config.Column(t(f"col.{c}")) for c in columns if f"col.{c}" in EN}
    out.update(configs)
    return out


def words(prefix: str):
    """A ``format_func``: each option's catalogue entry ``<prefix><option>``, in this run's language.

    The language is read now, not when the function is called: Streamlit (and AppTest) may call a
    ``format_func`` outside the script's run, where the session's choice cannot be read.
    """
    language = lang()
    return lambda value: _t(f"{prefix}{value}", language)


def label(prefix: str, value: object) -> str:
    """A data value's reader label in the user's language (:func:`conflictmap.i18n.label`)."""
    return _label(prefix, value, lang())
