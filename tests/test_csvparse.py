"""The early parse: `python -m conflictmap import FILE` begins parsing FILE before pandas is imported, and uses that
parse only for the same, unchanged file; the tables and the report are those of the import without it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conflictmap import csvparse, importers
from tests.conftest import REPO
from tests.test_importers import ACLED_COLUMNS, acled_row, write_csv


@pytest.fixture(autouse=True)
def _nothing_started_is_left_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))
    yield
    csvparse.abandon_early()


def export(tmp_path, rows=None, encoding="utf-8", name="acled.csv"):
    rows = rows or [acled_row("SYR1", notes="a, \"quoted\" note"), acled_row("SYR2", location="هجين")]
    return write_csv(tmp_path / name, ACLED_COLUMNS, rows, encoding)


def test_the_import_takes_the_early_parse_of_its_file_and_gets_the_same_tables(tmp_path):
    path = export(tmp_path)
    csvparse.start_early(["import", str(path), "--out", str(tmp_path / "out")])
    early = csvparse.take_early(path)
    assert early is not None and csvparse.take_early(path) is None  # taken once
    with_early = importers.import_for_writing(path, early=early)
    assert importers.tables_csv(with_early) == importers.tables_csv(importers.import_for_writing(path))


def test_a_file_changed_since_the_parse_began_is_parsed_again(tmp_path):
    path = export(tmp_path)
    csvparse.start_early(["import", str(path)])
    time.sleep(0.01)
    export(tmp_path, [acled_row("SYR9")])  # rewritten: another size and time
    assert csvparse.take_early(path) is None
    assert importers.import_for_writing(path).events["event_id"].tolist() == ["SYR9"]


@pytest.mark.parametrize("argv", [[], ["validate"], ["import"], ["import", "--help"], ["import", "/nonexistent.csv"]])
def test_other_commands_and_missing_files_start_nothing(argv):
    csvparse.start_early(argv)
    assert not csvparse._started


def test_a_header_of_another_width_does_not_use_the_early_parse(tmp_path):
    path = export(tmp_path)
    csvparse.start_early(["import", str(path)])
    early = csvparse.take_early(path)
    early.width += 1  # as if the parse had been begun with another header
    data = importers.import_for_writing(path, early=early)
    assert data.events["event_id"].tolist() == ["SYR1", "SYR2"] and not data.issues


def run(*args):
    env = {**os.environ, "CONFLICTMAP_CACHE": os.environ["CONFLICTMAP_CACHE"]}
    return subprocess.run([sys.executable, "-m", "conflictmap", *args], capture_output=True, text=True, cwd=REPO,
                          timeout=120, env=env)


def test_a_windows_arabic_file_falls_back_from_the_early_parse(tmp_path):
    # The header is ASCII, so the early parse begins, and fails on the first Arabic byte; the import then reads
    # the file as cp1256, as it does without the early parse.
    path = export(tmp_path, encoding="cp1256")
    r = run("import", str(path), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    assert "read as cp1256" in r.stdout
    expected = importers.tables_csv(importers.import_for_writing(path))
    assert (tmp_path / "out" / "events.csv").read_text(encoding="utf-8") == expected["events.csv"]
    assert "هجين" in expected["geodata/places.csv"]


def test_a_command_that_fails_before_reading_ends_cleanly(tmp_path):
    path = export(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    r = run("import", str(path), "--out", str(out))
    assert r.returncode == 2 and "not empty" in r.stderr
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_the_whitespace_check_never_misses_a_value_to_strip():
    # csvparse skips the strip for a column when no value can start or end with whitespace; empty values,
    # a column's first and last values, and arrays sliced out of a larger one are the edges of that check.
    import random

    import pyarrow as pa

    rnd = random.Random(7)
    pool = ["", "", "a", "ab c", " a", "a ", "\t", "x\n", "\u00a0y", "z\u2003", "هجين", "1,5", "q"]
    for _ in range(400):
        values = [rnd.choice(pool) for _ in range(rnd.randint(1, 9))]
        arr = pa.array(["pad", *values, "pad"], pa.string()).slice(1, len(values))
        must = any(v != v.strip() for v in values)
        plain = all(v == "" or (v[0].isascii() and v[-1].isascii() and v == v.strip()) for v in values)
        assert csvparse._may_need_strip(arr) or not must, values
        assert not csvparse._may_need_strip(arr) or not plain, values
