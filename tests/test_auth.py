"""Who may write in ``login`` mode: the editors list, the identity taken from ``st.user``, and what the sidebar
and ``ui.editor()`` make of them. The sign-in itself (a real OpenID Connect provider) is in
tests/browser/test_login.py; here ``st.user`` is seeded through AppTest."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO
from ui.auth import editor_identity, identity, parse_editors

AUTH = {"auth": {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "not-a-real-secret-0123",
                 "client_id": "id", "client_secret": "secret",
                 "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}}


# --- the editors list ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    (None, set()),
    ("", set()),
    (" , ,", set()),
    ("ana@example.org", {"ana@example.org"}),
    ("Ana@Example.ORG, bo@example.org,", {"ana@example.org", "bo@example.org"}),
    ("  ana@example.org ,\tbo@example.org  ", {"ana@example.org", "bo@example.org"}),
])
def test_parse_editors(text, expected):
    assert parse_editors(text) == expected


# --- the identity ---------------------------------------------------------------------------------------

def test_nobody_signed_in_has_no_identity():
    assert identity({}) is None
    assert identity({"is_logged_in": False}) is None
    # Claims without Streamlit's is_logged_in are not a signed-in user.
    assert identity({"email": "ana@example.org"}) is None


def test_the_identity_is_the_address_in_one_spelling():
    assert identity({"is_logged_in": True, "sub": "u1", "email": "Ana@Example.org"}) == "ana@example.org"
    assert identity({"is_logged_in": True, "sub": "u1", "email": "ana@example.org", "email_verified": True}) \
        == "ana@example.org"


def test_without_an_address_the_identity_is_the_subject_id():
    assert identity({"is_logged_in": True, "sub": "u-42"}) == "u-42"
    assert identity({"is_logged_in": True, "sub": "u-42", "email": "  "}) == "u-42"
    assert identity({"is_logged_in": True}) is None


def test_an_unverified_address_is_not_the_identity():
    user = {"is_logged_in": True, "sub": "u-9", "email": "ana@example.org", "email_verified": False}
    assert identity(user) == "u-9"
    assert editor_identity(user, parse_editors("ana@example.org")) is None


def test_editor_identity_is_case_insensitive_and_needs_the_list():
    user = {"is_logged_in": True, "sub": "u1", "email": "Ana@Example.org"}
    assert editor_identity(user, parse_editors("bo@example.org, ANA@example.org")) == "ana@example.org"
    assert editor_identity(user, parse_editors("bo@example.org")) is None
    assert editor_identity(user, parse_editors("")) is None
    assert editor_identity({"is_logged_in": False, "email": "ana@example.org"}, parse_editors("ana@example.org")) \
        is None


def test_a_subject_id_can_be_listed():
    assert editor_identity({"is_logged_in": True, "sub": "u-42"}, parse_editors("u-42")) == "u-42"


# --- the app: ui.editor() and the sidebar ---------------------------------------------------------------

EDITOR_PROBE = """
import streamlit as st
import ui
st.write(repr(ui.editor()))
"""


def probe_editor(user: dict) -> str:
    at = AppTest.from_string(EDITOR_PROBE, default_timeout=30)
    at.secrets = dict(AUTH)
    at.user = user
    at.run()
    assert not at.exception, at.exception
    return at.markdown[0].value


def test_ui_editor_in_login_mode(monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_EDIT", "login")
    monkeypatch.setenv("CONFLICTMAP_EDITORS", "ana@example.org")
    assert probe_editor({"is_logged_in": True, "sub": "u1", "email": "ANA@example.org"}) == "'ana@example.org'"
    assert probe_editor({"is_logged_in": True, "sub": "u2", "email": "bo@example.org"}) == "None"
    assert probe_editor({"is_logged_in": False}) == "None"
    monkeypatch.delenv("CONFLICTMAP_EDITORS")
    assert probe_editor({"is_logged_in": True, "sub": "u1", "email": "ana@example.org"}) == "None"


def test_a_signed_in_user_is_no_editor_outside_login_mode(monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_EDITORS", "ana@example.org")
    monkeypatch.setenv("CONFLICTMAP_EDIT", "off")
    assert probe_editor({"is_logged_in": True, "email": "ana@example.org"}) == "None"
    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")
    assert probe_editor({"is_logged_in": True, "email": "ana@example.org"}) == "'local'"


def sidebar(monkeypatch, user: dict, *, secrets: dict | None = None, mode: str = "login") -> AppTest:
    monkeypatch.setenv("CONFLICTMAP_EDIT", mode)
    monkeypatch.setenv("CONFLICTMAP_EDITORS", "ana@example.org")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.secrets = dict(AUTH if secrets is None else secrets)
    at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def sidebar_words(at: AppTest) -> tuple[list[str], list[str]]:
    """(captions, button labels) in the sidebar."""
    return [c.value for c in at.sidebar.caption], [b.label for b in at.sidebar.button]


def test_sidebar_for_an_anonymous_visitor(monkeypatch):
    captions, buttons = sidebar_words(sidebar(monkeypatch, {"is_logged_in": False}))
    assert "Viewing only" in captions
    assert "Sign in to edit" in buttons
    assert "Sign out" not in buttons


def test_sidebar_for_an_editor(monkeypatch):
    captions, buttons = sidebar_words(sidebar(monkeypatch, {"is_logged_in": True, "email": "ana@example.org"}))
    assert r"Signed in as ana@example\.org · you can edit" in captions
    assert "Sign out" in buttons and "Sign in to edit" not in buttons


def test_sidebar_for_a_signed_in_non_editor(monkeypatch):
    captions, buttons = sidebar_words(sidebar(monkeypatch, {"is_logged_in": True, "email": "bo@example.org"}))
    assert r"Signed in as bo@example\.org: not an editor" in captions
    assert not any("you can edit" in c for c in captions)
    assert "Sign out" in buttons


def test_an_identity_is_shown_as_text_not_markdown(monkeypatch):
    at = sidebar(monkeypatch, {"is_logged_in": True, "sub": "[x](javascript:alert(1)) **b**"})
    captions, _ = sidebar_words(at)
    assert r"Signed in as \[x\]\(javascript\:alert\(1\)\) \*\*b\*\*: not an editor" in captions


def test_sidebar_when_sign_in_is_not_configured(monkeypatch):
    # No [auth] section: nobody can sign in, so no button that could only fail.
    captions, buttons = sidebar_words(sidebar(monkeypatch, {}, secrets={"other": "x"}))
    assert "Viewing only: sign-in is not configured on this server." in captions
    assert buttons.count("Sign in to edit") == 0


@pytest.mark.parametrize("mode", ["off", "local"])
def test_no_sign_in_box_outside_login_mode(monkeypatch, mode):
    captions, buttons = sidebar_words(sidebar(monkeypatch, {"is_logged_in": False}, mode=mode))
    assert "Sign in to edit" not in buttons and "Sign out" not in buttons
    assert not any(c.startswith(("Viewing only", "Signed in as")) for c in captions)
