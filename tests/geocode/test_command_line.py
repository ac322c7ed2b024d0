"""``python -m conflictmap geocode``: exit status, one-line errors, dry runs, nothing changed on failure."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from conflictmap import geocode, schema
from conflictmap.geocode.cache import CACHE_FILENAME
from tests.conftest import REPO, event, place
from tests.nominatim_stub import Answer, result


def run_cli(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONFLICTMAP_GEOCODER")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "conflictmap", "geocode", *args], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=120)


def test_cli_with_a_failing_geocoder_exits_with_one_clear_line_and_changes_nothing(make_data, stub):
    stub.default = Answer(b"<html>Service Unavailable</html>", 503)
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one;al-bab", place_relation="between")])
    path = d / schema.PLACES.path
    before = path.read_bytes()
    r = run_cli("--data", str(d), env_extra={geocode.GEOCODER_URL_ENV: stub.url})
    assert r.returncode == 1, r.stdout + r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert stub.url in errors[0] and "HTTP 503" in errors[0] and "was not changed" in errors[0]
    assert path.read_bytes() == before
    assert stub.requests  # it really tried


def test_cli_with_nothing_listening_exits_non_zero(make_data):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one")])
    before = (d / schema.PLACES.path).read_bytes()
    r = run_cli("--data", str(d), env_extra={geocode.GEOCODER_URL_ENV: f"http://127.0.0.1:{port}"})
    assert r.returncode == 1
    assert f"error: cannot reach geocoder http://127.0.0.1:{port}: Connection refused (while looking up place " \
           "'qaryat-one'" in r.stderr
    assert "Traceback" not in r.stderr  # geopy's retry warning stays out of the user's way
    assert (d / schema.PLACES.path).read_bytes() == before


def test_cli_dry_run_writes_nothing(gap_data):
    path = gap_data / schema.PLACES.path
    before = path.read_bytes()
    r = run_cli("--data", str(gap_data), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "resolved: 2 (GeoNames 2)" in r.stdout and "2 place(s) would be filled" in r.stdout
    assert "online step disabled" in r.stdout
    assert path.read_bytes() == before
    assert not (gap_data / "geodata" / CACHE_FILENAME).exists()
    assert "geocode [3/3]" in r.stderr  # progress, one line per place when not on a terminal


def test_cli_dry_run_with_the_online_step_writes_no_cache_either(make_data, stub):
    stub.answers["Qaryat One"] = Answer([result("Qaryat One", 36.1, 40.1)])
    d = make_data(places=[place("qaryat-one", "", "", name_en="Qaryat One", coord_source="")],
                  events=[event("e1", "2018-06-03", place_ids="qaryat-one")])
    before = (d / schema.PLACES.path).read_bytes()
    r = run_cli("--data", str(d), "--dry-run", env_extra={geocode.GEOCODER_URL_ENV: stub.url})
    assert r.returncode == 0, r.stderr
    assert "resolved: 1 (Nominatim 1)" in r.stdout and "1 place(s) would be filled" in r.stdout
    assert stub.queries == ["Qaryat One"]
    assert (d / schema.PLACES.path).read_bytes() == before
    assert not (d / "geodata" / CACHE_FILENAME).exists()


def test_cli_run_writes_and_a_second_run_has_nothing_to_do(gap_data):
    r = run_cli("--data", str(gap_data), "--offline")
    assert r.returncode == 0 and "saved 2 place(s) through the store, one change each" in r.stdout
    r = run_cli("--data", str(gap_data), "--offline")
    assert "1 place(s) lacked coordinates" in r.stdout  # only qaryat-xyzzy remains, still not found
    assert "not found: 1" in r.stdout


def test_cli_on_the_seed_data_has_nothing_to_do():
    r = run_cli("--dry-run")
    assert r.returncode == 0, r.stderr
    assert "nothing to geocode" in r.stdout
