"""The sidebar's sign-in box for ``CONFLICTMAP_EDIT=login``: "Sign in to edit", or who you are and whether you can.

Apart from ui/auth.py because it asks ``ui.editor()`` (ui/data.py), which itself asks ui/auth.py: the rules
stay below, the widget above, and no import goes in a circle (tests/test_layers.py).
"""

from __future__ import annotations

import functools
import logging

import streamlit as st

from .auth import current_user, identity
from .data import edit_mode, editor
from .i18n import t
from .text import md_escape

log = logging.getLogger("conflictmap.app")


def sign_in_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` (or ``--secrets.files``) has an ``[auth]`` section."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # Streamlit's "no secrets file" (or an unreadable one) is a FileNotFoundError
        return False


@functools.cache
def _warn_not_configured() -> None:
    # The operator's mistake, not the visitor's: the log (once) says what to do, the page only what it means.
    log.warning("CONFLICTMAP_EDIT=login but the secrets file has no [auth] section: nobody can sign in "
                "(README, 'Who may write')")


def sign_in_sidebar() -> None:
    """In ``login`` mode, the sidebar's sign-in box: who you are and whether you can edit; nothing otherwise.

    Called once per run from app.py, after ``st.navigation``. Anonymous visitors see "Viewing only" and a
    "Sign in to edit" button; a signed-in user sees "Signed in as X · you can edit" (an editor) or
    "Signed in as X: not an editor", and "Sign out".
    """
    if edit_mode() != "login":
        return
    box = st.sidebar.container(key="cm_sign_in")
    if not sign_in_configured():
        _warn_not_configured()
        box.caption(t("signin.not_configured"))
        return
    user = current_user()
    who = identity(user)
    if who is None:
        box.caption(t("signin.viewing"))
        if box.button(t("signin.sign_in"), key="cm_sign_in_button", icon=":material/login:"):
            st.login()
        return
    shown = md_escape(who)  # the provider's text, never Markdown
    # ui.editor() itself, not a copy of its rule: what this box says is exactly what the edit pages get.
    if editor() is not None:
        box.caption(t("signin.editor", who=shown))
    else:
        box.caption(t("signin.not_editor", who=shown))
        box.caption(t("signin.not_editor_help"))
    if box.button(t("signin.sign_out"), key="cm_sign_out_button", icon=":material/logout:"):
        st.logout()
