import json
import os

import pandas as pd
import pytest

from conflictmap import export
from conflictmap.load import load_dataset
from tests.conftest import claim, event, skip_or_fail


def test_geojson_has_one_feature_per_event_with_claims(seed):
    fc = export.to_geojson(seed, seed.events)
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(seed.events)
    f = next(f for f in fc["features"] if f["properties"]["event_id"] == "ain-issa-ied")
    p = f["properties"]
    for key in ("date_start", "date_end", "date_precision", "title_en", "title_ar", "event_type", "sub_event_type",
                "places", "geo_precision", "status"):
        assert key in p
    assert p["status"] == "contested"
    assert {"Ain Issa"} <= set(p["places"]) or any("Ain Issa" in x for x in p["places"])
    assert f["geometry"]["type"] == "LineString"
    stances = {c["stance"] for c in p["claims"]}
    assert stances == {"asserts", "denies", "acknowledges"}
    assert all({"claimant", "stance", "quote_ar", "quote_en", "source_id", "claim_date"} <= set(c) for c in p["claims"])
    json.dumps(fc)  # serialisable


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_neutralises_spreadsheet_formulas(make_data, cell):
    data = load_dataset(make_data(events=[event("e1", "2018-06-03", title_en=cell)]))
    text = export.to_csv(data.events)
    row = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False).iloc[0]
    assert row["title_en"] == "'" + cell


def test_csv_keeps_arabic_and_blank_fatalities(make_data):
    data = load_dataset(make_data(events=[event("e1", "2018-06-03", title_ar="انفجار")],
                                  claims=[claim("c", "e1", "SOHR", "asserts")]))
    text = export.to_csv(data.events)
    row = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False).iloc[0]
    assert row["title_ar"] == "انفجار" and row["fatalities"] == "" and row["status"] == "single_source"


def test_atomic_write_leaves_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("precious", encoding="utf-8")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(OSError):
        export.atomic_write(target, "new contents")
    assert target.read_text(encoding="utf-8") == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]  # no temp file left behind


def test_standalone_html_is_self_contained_and_escaped(make_data):
    import re

    from conflictmap import assets
    from tests.conftest import PAYLOAD, PAYLOADS, claim, event, source

    if not assets.use_local_assets():
        skip_or_fail("offline assets not installed: run `python -m conflictmap assets install`")
    data = load_dataset(make_data(events=[event("x1", "2018-06-03", title_en=PAYLOAD, summary_en=PAYLOAD)],
                                  claims=[claim("c1", "x1", PAYLOAD, "asserts", quote_ar=PAYLOAD, quote_en=PAYLOAD)],
                                  sources=[source(title=PAYLOAD, url="javascript:alert(1)")]))
    html = export.to_standalone_html(data, data.events)
    assert not re.search(r'<(script|link)[^>]*(src|href)="', html), "an asset is still linked, not inlined"
    assert "L.timeline(" in html and "Status (from the claims)" in html
    for raw in PAYLOADS:
        assert raw not in html
    assert "\\u003cimg src=x" in html or "&lt;img src=x" in html
    # The javascript: source URL is text everywhere: in every popup (bindPopup does not sanitise) and in the
    # Sources panel, whose data carries no url for it, only url_text.
    assert not re.search(r"href=(\\?[\"'])?\s*javascript:", html, re.I)
    assert '"url":null,"url_text":"javascript:alert(1)"' in html


def test_atomic_write_keeps_the_files_permissions(tmp_path):
    target = tmp_path / "places.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    export.atomic_write(target, "new")
    assert target.read_text(encoding="utf-8") == "new" and (target.stat().st_mode & 0o777) == 0o640
    fresh = tmp_path / "fresh.csv"
    export.atomic_write(fresh, "x")
    assert fresh.stat().st_mode & 0o044  # readable by others, like any file the user writes
