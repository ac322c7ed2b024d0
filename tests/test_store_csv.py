"""The CSV backend on files people make by hand: odd quoting, line ends, encodings. One edit changes one row."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap import schema
from conflictmap.load import load_dataset
from conflictmap.store import CsvStore
from conflictmap.store.csvindex import CsvIndex
from tests.conftest import event, place, source, write_table

COLUMNS = schema.SOURCES.column_names


def sources_text(rows: list[dict], *, quoting=csv.QUOTE_MINIMAL, newline="\n", final_newline=True) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, quoting=quoting, lineterminator=newline)
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in COLUMNS})
    text = buf.getvalue()
    return text if final_newline else text[: -len(newline)]


def data_dir(tmp_path, sources_csv: bytes):
    d = tmp_path / "data"
    write_table(d / "geodata" / "places.csv", schema.PLACES, [place("a", 36.0, 38.0)])
    write_table(d / "events.csv", schema.EVENTS, [event("e1", "2018-06-03")])
    write_table(d / "claims.csv", schema.CLAIMS, [])
    (d / "sources.csv").write_bytes(sources_csv)
    return d


def records(data: bytes) -> list[bytes]:
    """The file's records as bytes, found by a real CSV parse (independent of the index)."""
    text = data.decode("utf-8-sig")
    out, reader = [], csv.reader(io.StringIO(text, newline=""))
    last = 0
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    for _ in reader:
        end = offsets[reader.line_num]
        out.append(text[last:end].encode("utf-8"))
        last = end
    return out


NASTY = [
    source(source_id="s1", title='Title with "quotes", a comma', notes="line one\nline two"),
    source(source_id="s2", title="عنوان عربي، مع فاصلة", notes=" spaces kept inside "),
    source(source_id="s3", title="plain"),
]


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final_newline", [True, False])
def test_an_edit_rewrites_only_its_row(tmp_path, quoting, newline, final_newline):
    original = sources_text(NASTY, quoting=quoting, newline=newline, final_newline=final_newline).encode("utf-8")
    d = data_dir(tmp_path, original)
    store = CsvStore(d)
    store.update("sources", "s2", {"title": "عنوان جديد, \"مقتبس\""}, 0)
    after = (d / "sources.csv").read_bytes()
    before_records, after_records = records(original), records(after)
    assert len(after_records) == len(before_records)
    for i, (a, b) in enumerate(zip(before_records, after_records, strict=True)):
        if i != 2:  # the header is record 0, s2 is record 2
            assert a == b
    assert after_records[2].endswith(newline.encode())
    titles = load_dataset(d).sources.set_index("source_id")["title"]
    assert titles["s2"] == 'عنوان جديد, "مقتبس"' and titles["s1"] == 'Title with "quotes", a comma'
    assert after.endswith(newline.encode()) == final_newline
    store.revert(1)
    assert (d / "sources.csv").read_bytes() == original


def test_create_and_delete_keep_the_other_rows(tmp_path):
    original = sources_text(NASTY, final_newline=False).encode("utf-8")
    d = data_dir(tmp_path, original)
    store = CsvStore(d)
    created = store.create("sources", source(source_id="s4", title="new, one"))
    assert load_dataset(d).sources["source_id"].tolist() == ["s1", "s2", "s3", "s4"]
    store.delete("sources", "s3", 0)
    assert load_dataset(d).sources["source_id"].tolist() == ["s1", "s2", "s4"]
    store.delete("sources", "s4", created.revision)
    assert load_dataset(d).sources["source_id"].tolist() == ["s1", "s2"]
    assert (d / "sources.csv").read_bytes().startswith(b"\n".join(records(original)[0:2])[: len(records(original)[0])])


def test_a_bom_or_windows_arabic_file_is_rewritten_whole_as_utf8(tmp_path):
    text = sources_text(NASTY[1:])
    d = data_dir(tmp_path, text.encode("cp1256"))
    assert CsvIndex.build(d / "sources.csv", schema.SOURCES) is None
    CsvStore(d).update("sources", "s3", {"title": "تعديل"}, 0)
    raw = (d / "sources.csv").read_bytes()
    assert raw.decode("utf-8").count("عنوان عربي") == 1
    assert load_dataset(d).sources.set_index("source_id").at["s3", "title"] == "تعديل"

    d2 = data_dir(tmp_path / "bom", ("\ufeff" + text).encode("utf-8"))
    CsvStore(d2).update("sources", "s3", {"title": "بعد"}, 0)
    assert (d2 / "sources.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_dataset(d2).sources.set_index("source_id").at["s3", "title"] == "بعد"


def test_another_process_changing_the_file_is_noticed(tmp_path):
    d = data_dir(tmp_path, sources_text(NASTY).encode("utf-8"))
    store = CsvStore(d)
    assert store.get("sources", "s3").values["title"] == "plain"
    # Someone edits the file by hand (or git pulls) between two saves: the index must not be trusted.
    (d / "sources.csv").write_text(sources_text([source(source_id="s0", title="first now"), *NASTY]),
                                   encoding="utf-8")
    store.update("sources", "s3", {"title": "edited"}, 0)
    titles = load_dataset(d).sources.set_index("source_id")["title"].to_dict()
    assert titles == {"s0": "first now", "s1": 'Title with "quotes", a comma', "s2": "عنوان عربي، مع فاصلة",
                      "s3": "edited"}


# A lone carriage return is left out: Python's csv writer does not quote it, so such a file is ambiguous
# before the store ever touches it.
cell = st.text(alphabet=st.sampled_from([*'ab ,"\n;ع،٣', "\u200f"]), max_size=12)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(titles=st.lists(cell, min_size=1, max_size=6), notes=st.lists(cell, min_size=6, max_size=6),
       new_title=cell, pick=st.integers(0, 5), quote_all=st.booleans())
def test_any_cell_text_survives_an_edit_of_another_row(tmp_path_factory, titles, notes, new_title, pick, quote_all):
    rows = [source(source_id=f"s{i}", title=f"t{t}", notes=notes[i]) for i, t in enumerate(titles)]
    original = sources_text(rows, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).encode("utf-8")
    d = data_dir(tmp_path_factory.mktemp("h"), original)
    before = load_dataset(d).sources.set_index("source_id")
    target = f"s{pick % len(rows)}"
    CsvStore(d).update("sources", target, {"title": f"x{new_title}"}, 0)
    after = load_dataset(d).sources.set_index("source_id")
    assert after.index.tolist() == before.index.tolist()
    for sid in before.index:
        expected = f"x{new_title}".strip() if sid == target else before.at[sid, "title"]
        assert after.at[sid, "title"] == expected
        assert after.at[sid, "notes"] == before.at[sid, "notes"]
