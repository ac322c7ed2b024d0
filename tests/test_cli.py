import json
import re
import subprocess
import sys

import pytest

from conflictmap.cli import build_parser, main
from tests.conftest import REPO, event


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, **kw)


def test_validate_clean_seed_data_exits_zero():
    r = run("validate")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 error(s)" in r.stdout


def test_validate_reports_rows_and_exits_non_zero(make_data):
    d = make_data(events=[event("e1", "2018-06-03"), event("e2", "2018-06-03", geo_precision="9")])
    r = run("validate", "--data", str(d))
    assert r.returncode == 1
    assert "events.csv, row 3, column geo_precision: '9'" in r.stdout


def test_validate_unreadable_data_exits_two(tmp_path):
    r = run("validate", "--data", str(tmp_path))
    assert r.returncode == 2 and "events.csv" in r.stderr


def test_export_geojson_with_date_window(tmp_path):
    out = tmp_path / "e.geojson"
    r = run("export", "geojson", "--out", str(out), "--from", "2024-01-01", "--to", "2024-12-31")
    assert r.returncode == 0, r.stderr
    fc = json.loads(out.read_text(encoding="utf-8"))
    dates = [f["properties"]["date_start"] for f in fc["features"]]
    assert dates and all(d.startswith("2024") for d in dates)


def test_export_csv_respects_data_env(tmp_path, make_data):
    d = make_data(events=[event("only-one", "2018-06-03")])
    out = tmp_path / "e.csv"
    r = run("export", "csv", "--out", str(out), env={"CONFLICTMAP_DATA": str(d), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    assert "only-one" in out.read_text(encoding="utf-8")


def test_bad_date_argument_quotes_the_value(capsys):
    with pytest.raises(SystemExit):
        main(["export", "csv", "--out", "x.csv", "--from", "June 3rd"])
    assert "instead got: 'June 3rd'" in capsys.readouterr().err


def test_every_command_has_help_text():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        helps = {a.help for a in sub._choices_actions if a.dest == name}
        assert helps and all(helps), f"command {name} lacks a help line"
        for action in p._actions:
            if action.dest != "help":
                assert action.help, f"{name} {action.dest} lacks help"


def test_export_html_writes_one_self_contained_file(tmp_path):
    out = tmp_path / "map.html"
    r = run("export", "html", "--out", str(out), "--status", "contested")
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    assert "L.timeline(" in html
    assert not re.search(r'<(script|link)[^>]*(src|href)="', html), "an asset is linked, not inlined"
