"""deploy/: the nginx template renders into a configuration nginx accepts, and the replicas' environment."""

from __future__ import annotations

import subprocess

import pytest

from deploy.replicas import TEMPLATE, free_port, nginx_path, render_config, replica_env
from tests.conftest import skip_or_fail


def test_the_rendered_config_names_every_replica_and_leaves_no_placeholder(tmp_path):
    text = render_config(tmp_path, "127.0.0.1:8080", [8501, 8502, 8503])
    assert "@" not in text.replace("$", "")  # nginx variables use $, placeholders use @NAME@
    for port in (8501, 8502, 8503):
        assert f"server 127.0.0.1:{port} " in text
    assert "listen 127.0.0.1:8080;" in text
    assert f"pid {tmp_path}/nginx.pid;" in text


def test_a_template_with_an_unknown_placeholder_is_refused(tmp_path):
    bad = tmp_path / "t.conf"
    bad.write_text(TEMPLATE.read_text() + "\n# @SURPRISE@\n")
    with pytest.raises(ValueError, match="@SURPRISE@"):
        render_config(tmp_path, "127.0.0.1:8080", [8501], template=bad)


def test_nginx_accepts_the_rendered_config(tmp_path):
    exe = nginx_path()
    if exe is None:
        skip_or_fail("nginx is not installed: apt-get install -y nginx")
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_config(tmp_path, f"127.0.0.1:{free_port()}", [8501, 8502]))
    done = subprocess.run([exe, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr


def test_replicas_share_one_cookie_secret_and_show_no_server_paths_by_default():
    env = replica_env({"PATH": "/usr/bin"})
    assert len(env["STREAMLIT_SERVER_COOKIE_SECRET"]) >= 32
    assert env["CONFLICTMAP_EDIT"] == "off"  # loopback replicas behind a proxy are not "the person at the machine"
    mine = replica_env({"STREAMLIT_SERVER_COOKIE_SECRET": "s3cret", "CONFLICTMAP_EDIT": "login",
                        "CONFLICTMAP_DATABASE_URL": "postgresql://db/conflictmap"})
    assert mine["STREAMLIT_SERVER_COOKIE_SECRET"] == "s3cret"
    assert mine["CONFLICTMAP_EDIT"] == "login"
    assert mine["CONFLICTMAP_DATABASE_URL"] == "postgresql://db/conflictmap"
