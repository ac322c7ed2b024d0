"""The tables an import writes stay byte for byte what they were, and the column-wise helpers agree with the
one-value-at-a-time definitions they replace.

``tests/golden/import/`` holds two small mixed files (``acled-mixed.csv``, 60 rows; ``ged-mixed.csv``, 30
rows: Arabic, accented and ligature place names, names that slug to nothing, names longer than an id, quotes,
commas and line breaks in values, places seen again with another precision, and bad rows) and, beside each,
the directory ``python -m conflictmap import`` wrote for it and what it printed (``report.txt``, the output
directory shown as ``OUT``). Those outputs were written by the importer as it was before the column-wise
rewrite of place ids and CSV writing (commit 88322de), not by the code under test. If the mapping changes on
purpose, regenerate them with that command and review the diff.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from conflictmap import importers, schema
from conflictmap.cli import main
from conflictmap.importers import writing
from conflictmap.importers._common import _split_rows, country_codes, slug, slugs, split_list, stable_id, stable_ids
from conflictmap.load import load_dataset
from tests.conftest import REPO
from tests.test_importers import ACLED_COLUMNS, acled_row

GOLDEN = Path(__file__).resolve().parent / "golden" / "import"
WRITTEN = ("events.csv", "claims.csv", "sources.csv", "geodata/places.csv")


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))


@pytest.mark.parametrize("name", ["acled-mixed", "ged-mixed"])
def test_import_writes_the_same_tables_and_report_as_before(name, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["import", str(GOLDEN / f"{name}.csv"), "--out", str(out)]) == 1  # the files have bad rows
    report = capsys.readouterr().out.replace(str(out), "OUT")
    assert report == (GOLDEN / name / "report.txt").read_text(encoding="utf-8")
    for rel in WRITTEN:
        assert (out / rel).read_bytes() == (GOLDEN / name / rel).read_bytes(), rel


@pytest.mark.parametrize(("rows", "ahead"), [(1, 1), (7, 3)])
@pytest.mark.parametrize("name", ["acled-mixed", "ged-mixed"])
def test_tables_written_in_small_pieces_are_the_same_bytes(name, rows, ahead, tmp_path, monkeypatch):
    # A large table is built and written a piece of lines at a time (16,384 rows); the golden files are
    # smaller than one piece, so here the pieces are a line, or seven.
    monkeypatch.setattr(writing, "_PIECE_ROWS", rows)
    monkeypatch.setattr(writing, "_AHEAD", ahead)
    out = tmp_path / "out"
    assert main(["import", str(GOLDEN / f"{name}.csv"), "--out", str(out)]) == 1
    for rel in WRITTEN:
        assert (out / rel).read_bytes() == (GOLDEN / name / rel).read_bytes(), rel


@pytest.mark.parametrize("name", ["acled-mixed", "ged-mixed"])
def test_the_command_in_its_own_process_prints_its_whole_report_and_exits_one(name, tmp_path):
    # The process of `python -m conflictmap import` ends without the interpreter's teardown (os._exit): its
    # report, block-buffered into a pipe, must still arrive whole, with the exit status and the tables.
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "conflictmap", "import", str(GOLDEN / f"{name}.csv"), "--out",
                        str(out)], capture_output=True, text=True, cwd=REPO, timeout=120,
                       env={**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"},  # buffered, as usual
                            "CONFLICTMAP_CACHE": str(tmp_path / "cache")})
    assert r.returncode == 1, r.stderr  # the files have bad rows
    assert r.stdout.replace(str(out), "OUT") == (GOLDEN / name / "report.txt").read_text(encoding="utf-8")
    for rel in WRITTEN:
        assert (out / rel).read_bytes() == (GOLDEN / name / rel).read_bytes(), rel
    bad = subprocess.run([sys.executable, "-m", "conflictmap", "import", str(tmp_path / "missing.csv"), "--out",
                          str(tmp_path / "o2")], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert bad.returncode == 2 and "missing.csv" in bad.stderr


LABELS = ["Hajin", "Ar-Raqqa", "Aleppo - Al-Sharqi", "حلب", "Ḥimṣ", "???", "", "  -x-  ", "Straße", "ǅemal",
          "ﬁnal", "Ｆｕｌｌｗｉｄｔｈ", "١٢٣ village", "Ma'arrat al-Nu'man", "A" * 39 + "-b", "a" * 60,
          "Kafr Nabl\nline", "Şanlıurfa", "--dash--", "MiXeD Case 42"]


def test_slugs_and_ids_by_column_equal_the_one_at_a_time_definitions():
    labels = pa.array(LABELS, pa.large_string())
    assert slugs(labels).to_pylist() == [slug(t) for t in LABELS]
    keys = [f"{t}\x1f{i}.5\x1f36\x1fAleppo\x1fSY" for i, t in enumerate(LABELS)]
    ids = stable_ids(labels, pa.array(keys, pa.large_string())).to_pylist()
    assert ids == [stable_id(t, k) for t, k in zip(LABELS, keys, strict=True)]
    assert ids[6].startswith("place-") and ids[0].startswith("hajin-")


def test_lists_split_once_per_distinct_cell_equal_every_row_split():
    # split_list splits each distinct source list once and spreads it back to the rows that hold it.
    cells = ["SOHR; Syria Direct", "", "SOHR; Syria Direct", " sohr ;SOHR; Enab Baladi", ";;", "Enab Baladi",
             "SOHR; Syria Direct", "a;b;c;A", "حلب; حلب ;x", ""] * 3
    s = pd.Series(cells, index=pd.RangeIndex(2, 2 + len(cells)) * 3, dtype=str)
    split = split_list(s)
    assert split.tolist() == _split_rows(s, ";").tolist() and split.index.tolist() == _split_rows(s, ";").index.tolist()
    assert split.loc[15].tolist() == ["sohr", "Enab Baladi"] and 9 not in split.index  # repeats and blanks dropped
    assert split_list(s.iloc[0:0]).empty


def test_country_codes_come_from_the_iso_number_else_the_name():
    # Looked up once per distinct (name, number) pair and spread back to the rows.
    names = pd.Series(["Syria", "syria", "Iraq", "", "Atlantis", "Syria", "Turkey"] * 2, dtype=str)
    numbers = pd.Series(["760", "", "368", "792", "", "0760", "999"] * 2, dtype=str)
    assert country_codes(names, numbers).tolist() == ["SY", "SY", "IQ", "TR", "", "SY", "TR"] * 2
    assert country_codes(names).tolist() == ["SY", "SY", "IQ", "", "", "SY", "TR"] * 2
    assert country_codes(names.iloc[0:0], numbers.iloc[0:0]).empty


def test_csv_text_is_what_pandas_writes():
    values = ["plain", "", "a,b", 'say "no"', "two\nlines", "حلب، سوريا", ' lead', "x\x1fy", '"', ",", "é"]
    frame = pd.DataFrame({"first": pd.Series(values, dtype=str), "second,col": pd.Series(values[::-1], dtype=str)})
    expected = frame.to_csv(index=False, lineterminator="\n")
    assert writing._csv_bytes({c: frame[c] for c in frame.columns}).decode("utf-8") == expected
    empty = frame.iloc[0:0]
    assert writing._csv_bytes({c: empty[c] for c in empty.columns}) == b'first,"second,col"\n'


def test_the_kinds_written_unquoted_never_need_quotes():
    # The writer does not look for commas, quotes or line breaks in dates, numbers and flags: their text can hold none.
    extremes = {
        "date": pd.Series(pd.to_datetime(["2018-06-04", None, "1900-01-01", "2262-04-11"])),
        "int": pd.Series([0, -5, None, 2**53, -(2**62)], dtype="Int64"),
        "float": pd.Series([0.0, -0.0, 1e-300, 1e300, float("nan"), float("inf"), -float("inf"), 36.2, 1e16, 1e-5]),
        "bool": pd.Series([True, False]),
    }
    assert set(extremes) == writing._NEVER_QUOTED
    for kind, values in extremes.items():
        column = schema.Column("x", kind, "")
        text = writing._column_arrow(values, column)
        assert writing._csv_field(text).equals(text), kind
        assert not any(ch in v for v in text.to_pylist() for ch in ',"\n\r'), kind


def test_a_lone_carriage_return_in_a_note_survives_writing_and_reading_back(tmp_path):
    # A bare CR outside quotes reads as a line break, so it has to be quoted to stay inside its value.
    path = tmp_path / "cr.csv"
    with path.open("w", encoding="utf-8", newline="") as f:  # every value quoted, so the CR is inside one
        w = csv.DictWriter(f, fieldnames=ACLED_COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
        w.writeheader()
        w.writerows([acled_row("SYR1", notes="first part\rsecond part"), acled_row("SYR2")])
    data = importers.import_file(path, cache=False)
    assert not data.issues
    importers.write_tables(data, tmp_path / "out")
    back = load_dataset(tmp_path / "out")
    assert not back.issues
    assert back.events.set_index("event_id").loc["SYR1", "summary_en"] == "first part\rsecond part"
    assert pd.read_csv(io.BytesIO((tmp_path / "out" / "events.csv").read_bytes()), dtype=str).shape[0] == 2


def test_float_text_is_what_python_writes():
    # Coordinates, whole numbers (Arrow writes "36", Python "36.0"), and the ranges where either uses exponents.
    values = [36.2, -0.5, 36.0, 0.0, -0.0, 1e-4, 9.99e-05, 1e-05, -1e-07, 123456.789, 99999999999999.0,
              123456789012345.0, 1e15, 1e16, 1.5e16, 1e22, 0.1 + 0.2, 5e-324, float("nan"), float("inf"), -float("inf")]
    s = pd.Series(values, dtype="float64")
    expected = [str(v) if v == v else "" for v in values]
    assert writing._float_text(s).tolist() == expected
    rnd = np.random.default_rng(16)  # every magnitude, whole and not, both signs
    many = rnd.choice([-1, 1], 20_000) * 10.0 ** rnd.uniform(-8, 20, 20_000)
    many[::3] = np.round(many[::3])
    many[1::7] = np.round(many[1::7], 4)
    assert writing._float_text(pd.Series(many)).tolist() == [str(v) for v in many.tolist()]


def test_numbers_parsed_by_arrow_agree_with_pandas():
    from conflictmap.validate import _numbers

    text = pd.Series(["12", "", "1,234", "36.5", "-0.25", "1e3", "x", "٣٦", "", "nan"], dtype=str)
    blank = text == ""
    expected = pd.to_numeric(text.map(lambda v: v.translate(str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")))
                             .str.replace(",", "", regex=False), errors="coerce").astype("float64")
    pd.testing.assert_series_equal(_numbers(text, blank), expected)
    clean = text[[0, 1, 2, 3, 4, 5]]  # every value a number: the Arrow path
    pd.testing.assert_series_equal(_numbers(clean, clean == ""), expected[[0, 1, 2, 3, 4, 5]])


@pytest.mark.parametrize("name", ["acled-mixed", "ged-mixed"])
def test_the_command_writes_what_the_app_would_load(name, tmp_path):
    # The command skips the app's Parquet cache and derived columns; the tables and issues are the same.
    path = GOLDEN / f"{name}.csv"
    written, loaded = importers.import_for_writing(path), importers.import_file(path, cache=False)
    assert importers.tables_csv(written) == importers.tables_csv(loaded)
    assert [str(i) for i in written.issues] == [str(i) for i in loaded.issues]
    assert main(["import", str(path), "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "cache").exists(), "the command wrote the app's Parquet cache"


@pytest.mark.parametrize("existing", [False, True])
def test_a_table_that_fails_in_the_writing_thread_leaves_nothing_half_written(tmp_path, monkeypatch, existing):
    # The tables are built and written in threads (a task per column): a failure must still reach the caller,
    # and the directory must hold what it held before (nothing, or the old tables), never part of the new ones.
    data = importers.import_file(GOLDEN / "acled-mixed.csv", cache=False)
    out = tmp_path / "out"
    if existing:
        importers.write_tables(data, out)
        before = {rel: (out / rel).read_bytes() for rel in WRITTEN}
    real = writing._column_arrow

    def failing(s, col):
        if col is schema.EVENTS.columns[1]:  # one column of the events table only
            raise OSError("disk full while writing events.csv")
        return real(s, col)

    monkeypatch.setattr(writing, "_column_arrow", failing)
    with pytest.raises(OSError, match="disk full"):
        importers.write_tables(data, out, force=existing)
    if existing:
        assert {rel: (out / rel).read_bytes() for rel in WRITTEN} == before  # each table whole, old or new
    else:
        assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_an_acled_import_reports_a_repeated_event_id_once_and_keeps_the_first(tmp_path):
    # Validation no longer recounts ACLED ids (the importer sets repeats aside itself): still one report.
    path = tmp_path / "acled.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=ACLED_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows([acled_row("SYR1", notes="first"), acled_row("SYR1", notes="second"), acled_row("SYR2")])
    data = importers.import_for_writing(path)
    assert sorted(data.events["event_id"]) == ["SYR1", "SYR2"]
    assert data.events.set_index("event_id").at["SYR1", "summary_en"] == "first"
    assert [(i.row, i.column, i.value) for i in data.errors] == [(3, "event_id_cnty", "SYR1")]
    assert data.claims["claim_id"].is_unique
