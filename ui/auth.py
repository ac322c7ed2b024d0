"""Sign-in for editors (``CONFLICTMAP_EDIT=login``): Streamlit's own ``st.login`` (OpenID Connect).

Who is signed in comes from ``st.user`` (the provider's ID token, kept by Streamlit in a signed cookie);
who may write is the editors list, ``CONFLICTMAP_EDITORS``: comma-separated e-mail addresses, compared
case-insensitively. The provider is configured in the ``[auth]`` section of ``.streamlit/secrets.toml``
(README, "Who may write"). The pure parts (:func:`parse_editors`, :func:`identity`, :func:`editor_identity`)
take plain values so they can be tested without a provider.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

EDITORS_ENV = "CONFLICTMAP_EDITORS"


def parse_editors(text: str | None) -> frozenset[str]:
    """The editors list: comma-separated identities, trimmed, case-folded, empty entries dropped.

    ``"Ana@Example.org, bo@example.org,"`` -> ``{"ana@example.org", "bo@example.org"}``. Unset or blank:
    nobody may edit.
    """
    return frozenset(p.strip().casefold() for p in (text or "").split(",") if p.strip())


def identity(user: Mapping[str, object]) -> str | None:
    """Who the signed-in user is, as the history records them: their e-mail address, else their subject id.

    ``user`` is ``st.user.to_dict()``: the provider's claims plus ``is_logged_in``. None when nobody is
    signed in. An address the provider says is unverified (``email_verified`` false) is not used: anyone
    could type an editor's address into an account that does not own it.
    """
    if not user.get("is_logged_in"):
        return None
    email = str(user.get("email") or "").strip()
    if email and user.get("email_verified") not in (False, "false", "False"):
        return email.casefold()  # addresses are case-insensitive in practice; one spelling in the history
    sub = str(user.get("sub") or "").strip()
    return sub or None


def editor_identity(user: Mapping[str, object], editors: frozenset[str]) -> str | None:
    """``identity(user)`` if it is in ``editors`` (from :func:`parse_editors`), else None."""
    who = identity(user)
    return who if who is not None and who.casefold() in editors else None


def current_user() -> dict:
    """``st.user`` as a plain dict: the provider's claims and ``is_logged_in`` (empty without an ``[auth]`` section)."""
    return st.user.to_dict()


def signed_in_editor() -> str | None:
    """The signed-in user's identity if they may edit (listed in ``CONFLICTMAP_EDITORS``), else None."""
    return editor_identity(current_user(), parse_editors(os.environ.get(EDITORS_ENV)))
