"""``CONFLICTMAP_EDIT=login``: signing in through a real OpenID Connect provider on 127.0.0.1.

The provider is ``oidc-provider-mock`` (a Flask app built on Authlib's server side, as a real provider
is): discovery document, authorization page, token endpoint, signed ID tokens, end-session page. Its
authorization page lets the test choose who signs in, as a person would pick an account. The app runs
with a secrets file written for the test (``--secrets.files``), never the developer's own.
"""

from __future__ import annotations

import re
import secrets
import threading
from pathlib import Path

import pytest

from tests.browser.conftest import REPO, App, running_server
from tests.conftest import skip_or_fail

try:
    import oidc_provider_mock
    import werkzeug.serving
except ImportError:  # pragma: no cover - depends on the environment
    oidc_provider_mock = None

EDITOR_SUB = "u-7f3a"  # the provider's subject id; the app should show and record the address instead
EDITOR_EMAIL = "editor@example.org"
OTHER_EMAIL = "other@example.org"
# An account whose provider has not verified its address: it claims an editor's address, and must not pass.
IMPOSTOR_SUB = "u-0bad"
# The list as an operator might type it: spaces, another editor, and the address in capitals.
EDITORS = f"someone@example.org,  {EDITOR_EMAIL.upper()} ,"
SIDEBAR = '[data-testid="stSidebar"]'


_CDN_LINK = re.compile(rb"<link[^>]*https?://[^>]*>")


def _without_cdn_links(wsgi_app):
    """The provider's own pages link a stylesheet on a public CDN (cosmetic); strip it, so that the sign-in
    pages, like the app, make no request beyond 127.0.0.1 (tests/browser/test_network.py checks the session)."""
    def app(environ, start_response):
        captured = {}

        def keep(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(wsgi_app(environ, keep))
        headers = captured["headers"]
        if any(k.lower() == "content-type" and "text/html" in v for k, v in headers):
            body = _CDN_LINK.sub(b"", body)
            headers = [(k, str(len(body)) if k.lower() == "content-length" else v) for k, v in headers]
        start_response(captured["status"], headers)
        return [body]
    return app


@pytest.fixture(scope="module")
def provider():
    """The OpenID Connect provider on a free port of 127.0.0.1 (a thread of this process); yields its base URL."""
    if oidc_provider_mock is None:
        skip_or_fail("the OpenID Connect test provider is not installed: pip install -r requirements-dev.txt")
    try:
        import authlib  # noqa: F401 - st.login's dependencies, runtime requirements
        import httpx  # noqa: F401
    except ImportError:
        skip_or_fail("st.login needs Authlib and httpx: pip install -r requirements.txt")
    users = [oidc_provider_mock.User(sub=EDITOR_SUB, claims={"email": EDITOR_EMAIL, "email_verified": True,
                                                              "name": "Editor"}),
             oidc_provider_mock.User(sub=IMPOSTOR_SUB, claims={"email": EDITOR_EMAIL, "email_verified": False})]
    app = oidc_provider_mock.app(user_claims=users)
    app.wsgi_app = _without_cdn_links(app.wsgi_app)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def write_secrets(path: Path, provider_url: str) -> Path:
    """A secrets file for the test: ``[auth]`` pointing at ``provider_url``, fresh random secrets."""
    path.write_text(
        "[auth]\n"
        # Streamlit fills {port} with the port the server listens on.
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
        'client_id = "conflictmap-test"\n'
        f'client_secret = "{secrets.token_urlsafe(24)}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def login_server(request, browser, provider, tmp_path_factory):
    """The app on the seed data with CONFLICTMAP_EDIT=login, its editors list, and the test's secrets file."""
    secrets_file = write_secrets(tmp_path_factory.mktemp("login-secrets") / "secrets.toml", provider)
    with running_server(request, "login", REPO, env={"CONFLICTMAP_EDIT": "login", "CONFLICTMAP_EDITORS": EDITORS},
                        args=["--secrets.files", str(secrets_file)]) as server:
        yield server


def sidebar_text(app: App) -> str:
    return app.page.locator(SIDEBAR).inner_text()


def wait_sidebar(app: App, text: str) -> None:
    """Until the sidebar shows ``text`` (the app's run after a redirect back from the provider)."""
    app.page.locator(SIDEBAR).get_by_text(text, exact=True).wait_for()
    app.wait_idle()


def sign_in(app: App, provider: str, *, account: str | None = None, typed: str | None = None) -> None:
    """Press "Sign in to edit", then on the provider's page pick ``account`` (a listed one) or type ``typed``."""
    app.page.get_by_role("button", name="Sign in to edit").click()
    app.page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/authorize\?"))
    assert "Authorize Client" in app.page.locator("h1").inner_text()
    if account is not None:
        app.page.get_by_role("button", name=account, exact=True).click()
    else:
        app.page.locator('input[name="sub"]').fill(typed)
        app.page.get_by_role("button", name="Authorize", exact=True).click()
    app.page.wait_for_url(re.compile(re.escape(app.server.url)))


def test_an_anonymous_visitor_views_only(open_app, login_server):
    app = open_app(login_server)
    wait_sidebar(app, "Viewing only")
    side = app.page.locator(SIDEBAR)
    assert side.get_by_role("button", name="Sign in to edit").is_visible()
    assert side.get_by_role("button", name="Sign out").count() == 0
    assert "Signed in" not in sidebar_text(app)
    assert "can edit" not in sidebar_text(app)
    # The same on another page: the box is drawn by app.py, under the navigation of every page.
    app.go_to_page("Events")
    wait_sidebar(app, "Viewing only")
    assert app.exceptions() == []


def test_an_editor_signs_in_and_out(open_app, login_server, provider):
    app = open_app(login_server)
    wait_sidebar(app, "Viewing only")
    sign_in(app, provider, account=EDITOR_SUB)
    # The address, not the provider's subject id, and in one spelling whatever the editors list's case.
    wait_sidebar(app, f"Signed in as {EDITOR_EMAIL} · you can edit")
    side = app.page.locator(SIDEBAR)
    assert side.get_by_role("button", name="Sign in to edit").count() == 0
    assert EDITOR_SUB not in sidebar_text(app)
    # Still signed in on a fresh load (Streamlit's signed cookie), and on another page.
    app.goto("events")
    wait_sidebar(app, f"Signed in as {EDITOR_EMAIL} · you can edit")
    assert app.exceptions() == []

    side.get_by_role("button", name="Sign out").click()
    # The provider has an end-session endpoint: Streamlit sends the browser there, then back.
    app.page.wait_for_url(re.compile(re.escape(provider) + r"/oauth2/end_session"))
    app.page.get_by_role("button", name="End session").click()
    app.page.wait_for_url(re.compile(re.escape(login_server.url)))
    wait_sidebar(app, "Viewing only")
    assert "Signed in" not in sidebar_text(app)


def test_a_signed_in_non_editor_cannot_edit(open_app, login_server, provider):
    app = open_app(login_server)
    wait_sidebar(app, "Viewing only")
    sign_in(app, provider, typed=OTHER_EMAIL)
    wait_sidebar(app, f"Signed in as {OTHER_EMAIL}: not an editor")
    assert "you can edit" not in sidebar_text(app)
    app.page.locator(SIDEBAR).get_by_role("button", name="Sign out").wait_for()  # drawn just after the text


def test_an_unverified_editor_address_is_not_an_editor(open_app, login_server, provider):
    # The provider vouches for the account (its subject id), not for the address it claims: the app falls back
    # to the subject id, which is not on the list.
    app = open_app(login_server)
    wait_sidebar(app, "Viewing only")
    sign_in(app, provider, account=IMPOSTOR_SUB)
    wait_sidebar(app, f"Signed in as {IMPOSTOR_SUB}: not an editor")
    assert "you can edit" not in sidebar_text(app)
