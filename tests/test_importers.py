"""Importing ACLED exports and UCDP GED files: the mapping, the bad rows, the three paths, the cache.

The files are written here, in the real column layouts (every column, in the
order ACLED and UCDP write them), so a change in the mapping shows up as a
failing assertion about what a user would see.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow.csv
import pytest

from conflictmap import importers
from conflictmap.cli import main
from conflictmap.load import DataError, load_dataset
from conflictmap.maplayers import standalone_map
from tests.conftest import PAYLOADS, REPO

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
UCDP_COLUMNS = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
]

# Real Syrian places (GeoNames coordinates).
HAJIN = ("Hajin", "Deir ez Zor", "Abu Kamal", "Hajin", "34.69", "40.83")
RAQQA = ("Ar-Raqqa", "Ar-Raqqa", "Ar-Raqqa", "Ar-Raqqa", "35.9528", "39.0079")
ALEPPO = ("Aleppo", "Aleppo", "Jebel Saman", "Aleppo", "36.2021", "37.1343")


def acled_row(eid: str, date: str = "2018-06-03", place=HAJIN, **kw) -> dict:
    location, admin1, admin2, admin3, lat, lon = place
    row = {
        "event_id_cnty": eid, "event_date": date, "year": date[-4:] if " " in date else date[:4],
        "time_precision": "1", "disorder_type": "Political violence", "event_type": "Battles",
        "sub_event_type": "Armed clash", "actor1": "Military Forces of Syria (2000-2024)", "assoc_actor_1": "",
        "inter1": "State forces", "actor2": "Islamic State (Syria)", "assoc_actor_2": "", "inter2": "Rebel group",
        "interaction": "State forces-Rebel group", "civilian_targeting": "", "iso": "760", "region": "Middle East",
        "country": "Syria", "admin1": admin1, "admin2": admin2, "admin3": admin3, "location": location,
        "latitude": lat, "longitude": lon, "geo_precision": "1", "source": "SOHR",
        "source_scale": "Other", "notes": f"On {date}, clashes near {location}.", "fatalities": "3",
        "tags": "", "timestamp": "1528300000",
    }
    row.update(kw)
    return row


def ucdp_row(gid: str, **kw) -> dict:
    row = {
        "id": gid, "relid": f"SYR-2017-1-{gid}", "year": "2017", "active_year": "1", "code_status": "Clear",
        "type_of_violence": "1", "conflict_dset_id": "299", "conflict_new_id": "299",
        "conflict_name": "Syria: Government", "dyad_dset_id": "11888", "dyad_new_id": "11888",
        "dyad_name": "Government of Syria - IS", "side_a_dset_id": "120", "side_a_new_id": "120",
        "side_a": "Government of Syria", "side_b_dset_id": "234", "side_b_new_id": "234", "side_b": "IS",
        "number_of_sources": "2",
        "source_article": "Agence France Presse,2017-03-04,Syria regime advances;Reuters News,2017-03-05,Fighting",
        "source_office": "Beirut;Beirut", "source_date": "2017-03-04;2017-03-05",
        "source_headline": "Syria regime advances;Fighting", "source_original": "SOHR",
        "where_prec": "1", "where_coordinates": "Hajin town", "where_description": "Hajin town, Abu Kamal district",
        "adm_1": "Dayr az Zawr province", "adm_2": "Abu Kamal district", "latitude": "34.69", "longitude": "40.83",
        "geom_wkt": "POINT (40.83 34.69)", "priogrid_gid": "179362", "country": "Syria", "country_id": "652",
        "region": "Middle East", "event_clarity": "1", "date_prec": "1",
        "date_start": "2017-03-03 00:00:00.000", "date_end": "2017-03-03 00:00:00.000",
        "deaths_a": "2", "deaths_b": "5", "deaths_civilians": "1", "deaths_unknown": "0",
        "best": "8", "high": "12", "low": "6", "gwnoa": "652", "gwnob": "",
    }
    row.update(kw)
    return row


def write_csv(path: Path, columns: list[str], rows: list[dict], encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: r.get(k, "") for k in columns})
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


@pytest.fixture
def acled_file(tmp_path):
    def _make(rows, name="acled-syria.csv", encoding="utf-8"):
        return write_csv(tmp_path / name, ACLED_COLUMNS, rows, encoding)
    return _make


@pytest.fixture
def ucdp_file(tmp_path):
    def _make(rows, name="ged-syria.csv"):
        return write_csv(tmp_path / name, UCDP_COLUMNS, rows)
    return _make


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache"))


def load(path):
    return importers.import_file(path, cache=False)


def by_id(df, key="event_id"):
    return df.set_index(key)


# --- ACLED -------------------------------------------------------------------------------------

def test_acled_both_date_styles_give_the_same_day(acled_file):
    data = load(acled_file([acled_row("SYR1", "2018-06-03"), acled_row("SYR2", "03 June 2018"),
                            acled_row("SYR3", "3 Jun 2018")]))
    assert not data.issues
    days = by_id(data.events)["date_start"].dt.strftime("%Y-%m-%d")
    assert days.to_dict() == {"SYR1": "2018-06-03", "SYR2": "2018-06-03", "SYR3": "2018-06-03"}


def test_arabic_indic_digits_are_read(acled_file):
    data = load(acled_file([acled_row("SYR1", "٢٠١٨-٠٦-٠٣", fatalities="٣", time_precision="١")]))
    e = data.events.iloc[0]
    assert e["date_start"].date().isoformat() == "2018-06-03" and e["fatalities"] == 3


@pytest.mark.parametrize("precision, date, start, end, label", [
    ("1", "2018-06-15", "2018-06-15", "2018-06-15", "day"),
    ("2", "2018-06-15", "2018-06-12", "2018-06-18", "week"),
    ("3", "2018-06-15", "2018-06-01", "2018-06-30", "month"),
    ("3", "15 February 2020", "2020-02-01", "2020-02-29", "month"),
])
def test_acled_time_precision_becomes_a_date_range(acled_file, precision, date, start, end, label):
    e = load(acled_file([acled_row("SYR1", date, time_precision=precision)])).events.iloc[0]
    assert (e["date_start"].date().isoformat(), e["date_end"].date().isoformat()) == (start, end)
    assert e["date_precision"] == label
    if precision != "1":
        assert "ACLED event_date " + pd.Timestamp(date).date().isoformat() in e["notes"]


@pytest.mark.parametrize("geo, metres, kind, relation", [
    ("1", 2000, "town", "at"), ("2", 10000, "town", "near"), ("3", 50000, "region", "at")])
def test_acled_geo_precision_sets_the_place_and_relation(acled_file, geo, metres, kind, relation):
    data = load(acled_file([acled_row("SYR1", geo_precision=geo)], name="a.csv"))
    e, place = data.events.iloc[0], data.places.iloc[0]
    assert e["geo_precision"] == int(geo) and e["place_relation"] == relation
    assert (place["coord_precision_m"], place["kind"], place["name_en"]) == (metres, kind, "Hajin")
    assert place["coord_source"] == "ACLED export a.csv" and place["country"] == "SY"
    assert (place["lat"], place["lon"]) == (34.69, 40.83) and e["lat"] == 34.69


def test_one_place_per_distinct_location_with_a_stable_id(acled_file, tmp_path):
    rows = [acled_row("SYR1"), acled_row("SYR2"), acled_row("SYR3", place=RAQQA)]
    first = load(acled_file(rows))
    again = load(acled_file(list(reversed(rows)), name="other.csv"))
    assert len(first.places) == 2
    assert sorted(first.places["place_id"]) == sorted(again.places["place_id"])
    assert by_id(first.events)["place_ids"]["SYR1"] == by_id(first.events)["place_ids"]["SYR2"]


def test_acled_sources_become_one_asserts_claim_each(acled_file):
    data = load(acled_file([acled_row("SYR1", source="SOHR; Step Agency;  SOHR ;"),
                            acled_row("SYR2", source="Syrian Observatory for Human Rights", timestamp="1600000000"),
                            acled_row("SYR3", source="")]))
    claims = data.claims.set_index("claim_id")
    assert sorted(claims.index) == ["SYR1-c1", "SYR1-c2", "SYR2-c1"]
    assert claims.loc["SYR1-c1", "claimant"] == "SOHR" and claims.loc["SYR1-c1", "claimant_kind"] == "monitor"
    assert claims.loc["SYR1-c2", "claimant"] == "Step Agency" and claims.loc["SYR1-c2", "claimant_kind"] == "media"
    assert claims.loc["SYR2-c1", "claimant_kind"] == "monitor"
    assert set(claims["stance"]) == {"asserts"} and not claims["attributed"].any()
    assert claims.loc["SYR1-c1", "claim_date"].date().isoformat() == "2018-06-03"
    status = by_id(data.events)["status"]
    assert status.to_dict() == {"SYR1": "corroborated", "SYR2": "single_source", "SYR3": "no_claims"}
    [source] = data.sources.to_dict("records")
    assert (source["outlet"], source["title"], source["language"]) == ("ACLED", "acled-syria.csv", "en")
    assert source["published"].date().isoformat() == "2020-09-13"  # the latest timestamp
    assert set(data.events["source_id"]) == set(claims["source_id"]) == {source["source_id"]}


def test_fatalities_blank_is_not_reported_and_zero_stays_zero(acled_file):
    data = load(acled_file([acled_row("SYR1", fatalities=""), acled_row("SYR2", fatalities="0"),
                            acled_row("SYR3", fatalities="12")]))
    ev = by_id(data.events)
    assert pd.isna(ev.at["SYR1", "fatalities"]) and ev.at["SYR2", "fatalities"] == 0
    assert ev.at["SYR3", "fatalities"] == 12
    assert "0 can also mean none were reported" in ev.at["SYR2", "notes"]
    assert "0 can also mean" not in ev.at["SYR3", "notes"]


@pytest.mark.parametrize("override, column, value, fragment", [
    ({"event_date": "2018-13-45"}, "event_date", "2018-13-45", "not a date"),
    ({"event_date": "06/03/2018"}, "event_date", "06/03/2018", "not a date"),
    ({"event_type": "Skirmish"}, "event_type", "Skirmish", "not an ACLED event type"),
    ({"sub_event_type": "Grenade"}, "sub_event_type", "Grenade", "not a sub-event type of 'Battles'"),
    ({"latitude": "123"}, "latitude", "123", "outside -90..90"),
    ({"longitude": "east"}, "longitude", "east", "not a number"),
    ({"time_precision": "4"}, "time_precision", "4", "must be 1 (day), 2 (week) or 3 (month)"),
    ({"geo_precision": ""}, "geo_precision", "", "must be 1, 2 or 3"),
    ({"fatalities": "-1"}, "fatalities", "-1", "whole number"),
    ({"event_id_cnty": "SYR1"}, "event_id_cnty", "SYR1", "duplicate"),
])
def test_a_bad_acled_row_is_reported_and_the_rest_load(acled_file, override, column, value, fragment):
    path = acled_file([acled_row("SYR1"), acled_row("SYR2", **override), acled_row("SYR3")])
    data = load(path)
    assert sorted(data.events["event_id"]) == ["SYR1", "SYR3"]
    [issue] = data.errors
    assert (issue.file, issue.row, issue.column, issue.value) == ("acled-syria.csv", 3, column, value)
    assert fragment in issue.message
    assert sorted(data.claims["event_id"]) == ["SYR1", "SYR3"]


def test_several_bad_rows_are_each_reported(acled_file):
    data = load(acled_file([acled_row("SYR1", event_date="yesterday"), acled_row("SYR2", event_type="Skirmish"),
                            acled_row("SYR3", latitude="123"), acled_row("SYR4")]))
    assert data.events["event_id"].tolist() == ["SYR4"]
    assert [(i.row, i.column) for i in data.errors] == [(2, "event_date"), (3, "event_type"), (4, "latitude")]
    assert "acled-syria.csv, row 4, column latitude: '123'" in str(data.errors[2])


def test_rows_are_numbered_as_a_spreadsheet_does_even_after_a_multiline_note(acled_file, tmp_path):
    path = acled_file([acled_row("SYR1", notes="line one\nline two"), acled_row("SYR2"), acled_row("SYR3")])
    text = path.read_text(encoding="utf-8").splitlines(keepends=True)
    text[-2] = text[-2].rstrip("\n") + ",extra\n"  # SYR2 gets one field too many
    path.write_text("".join(text), encoding="utf-8")
    data = load(path)
    assert sorted(data.events["event_id"]) == ["SYR1", "SYR3"]
    [issue] = data.errors
    assert issue.row == 3 and "expected 31 fields" in issue.message
    assert by_id(data.events).at["SYR1", "summary_en"] == "line one\nline two"


def test_blank_lines_are_skipped_but_still_counted(acled_file):
    path = acled_file([acled_row("SYR1"), acled_row("SYR2", latitude="123")])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:2], "\n", *lines[2:], "\n"]), encoding="utf-8")
    data = load(path)
    assert data.events["event_id"].tolist() == ["SYR1"]
    assert [(i.row, i.column) for i in data.issues] == [(4, "latitude")]


def test_values_are_stripped_of_whitespace_at_both_ends_only(acled_file):
    # Spreadsheets pad cells; the parse strips every value (ASCII and Unicode spaces), never inside one.
    data = load(acled_file([acled_row(" SYR1\t", location="\u00a0 هجين ", notes="  two  words  ",
                                      fatalities=" 3 ", actor1="Military Forces of Syria\u2003")]))
    ev = by_id(data.events)
    assert ev.index.tolist() == ["SYR1"] and not data.errors
    assert ev.at["SYR1", "summary_en"] == "two  words" and ev.at["SYR1", "fatalities"] == 3
    assert ev.at["SYR1", "actor1"] == "Military Forces of Syria"
    assert data.places["name_en"].tolist() == ["هجين"]


def test_a_byte_order_mark_is_not_part_of_the_first_column(acled_file, tmp_path):
    # Spreadsheets save "UTF-8 with BOM"; pyarrow reads the file itself, and the header is read separately.
    plain = acled_file([acled_row("SYR1"), acled_row("SYR2", notes="a, \"quoted\" note")])
    marked = tmp_path / "marked.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    a, b = load(plain), importers.import_file(marked, name=plain.name, cache=False)
    assert b.events["event_id"].tolist() == ["SYR1", "SYR2"] and not b.issues
    assert importers.tables_csv(a) == importers.tables_csv(b)


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \r\n\n\t ", b"\n" * 70_000])
def test_an_empty_or_blank_file_is_called_empty(tmp_path, content):
    path = tmp_path / "blank.csv"
    path.write_bytes(content)
    with pytest.raises(importers.ImportFormatError, match=r"blank\.csv is empty"):
        load(path)


def test_a_file_with_no_usable_rows_says_so(acled_file):
    data = load(acled_file([]))
    assert data.events.empty and data.sources.empty
    assert [i.message for i in data.issues] == ["no usable rows: nothing was imported"]


def test_untrusted_text_stays_literal_and_never_reaches_the_map_raw(acled_file):
    payload = " ".join(PAYLOADS)
    data = load(acled_file([acled_row("SYR1", notes=payload, location=payload, actor1=payload)]))
    e = data.events.iloc[0]
    assert e["summary_en"] == payload and e["actor1"] == payload
    assert payload in e["title_en"]
    html = standalone_map(data.events, data.places).get_root().render()
    for raw in PAYLOADS:
        assert raw not in html


def test_cp1256_file_is_read_with_a_warning(acled_file):
    path = acled_file([acled_row("SYR1", notes="اشتباكات في هجين", location="هجين")], encoding="cp1256")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    data = load(path)
    [warning] = data.issues
    assert warning.severity == "warning" and "cp1256" in warning.message and warning.file == "acled-syria.csv"
    assert data.events.iloc[0]["summary_en"] == "اشتباكات في هجين"
    assert data.places.iloc[0]["name_en"] == "هجين"


def test_older_upper_case_header_is_recognised(tmp_path):
    path = write_csv(tmp_path / "old.csv", [c.upper() for c in ACLED_COLUMNS],
                     [{k.upper(): v for k, v in acled_row("SYR1", "03 June 2018").items()}])
    assert load(path).events["event_id"].tolist() == ["SYR1"]


# --- UCDP GED ------------------------------------------------------------------------------------

def test_ucdp_fields_are_mapped(ucdp_file):
    data = load(ucdp_file([ucdp_row("101")]))
    assert not data.issues
    e = data.events.iloc[0]
    assert e["event_id"] == "101" and e["date_start"].date().isoformat() == "2017-03-03"
    assert (e["event_type"], e["sub_event_type"]) == ("Battles", "Armed clash")
    assert "approximated" in e["notes"]
    assert (e["actor1"], e["actor2"]) == ("Government of Syria", "IS")
    assert e["fatalities"] == 8
    assert "deaths low–high: 6–12" in e["notes"]
    assert "deaths_a 2, deaths_b 5, deaths_civilians 1, deaths_unknown 0" in e["notes"]
    assert e["location_note"] == "Hajin town, Abu Kamal district"
    place = data.places.iloc[0]
    assert (place["name_en"], place["admin1"], place["country"]) == ("Hajin town", "Dayr az Zawr province", "SY")
    assert data.sources.iloc[0]["outlet"] == "UCDP"


def test_ucdp_blank_best_is_not_reported(ucdp_file):
    e = load(ucdp_file([ucdp_row("101", best="", low="", high="")])).events.iloc[0]
    assert pd.isna(e["fatalities"]) and "low–high" not in e["notes"]


@pytest.mark.parametrize("violence, event_type, sub", [
    ("1", "Battles", "Armed clash"), ("2", "Battles", "Armed clash"), ("3", "Violence against civilians", "Attack")])
def test_ucdp_type_of_violence(ucdp_file, violence, event_type, sub):
    e = load(ucdp_file([ucdp_row("101", type_of_violence=violence)])).events.iloc[0]
    assert (e["event_type"], e["sub_event_type"]) == (event_type, sub)


@pytest.mark.parametrize("date_prec, label", [("1", "day"), ("2", "week"), ("3", "week"), ("4", "month"),
                                              ("5", "year")])
def test_ucdp_date_prec(ucdp_file, date_prec, label):
    e = load(ucdp_file([ucdp_row("101", date_prec=date_prec, date_end="2017-03-08")])).events.iloc[0]
    assert e["date_precision"] == label
    assert (e["date_start"].date().isoformat(), e["date_end"].date().isoformat()) == ("2017-03-03", "2017-03-08")


@pytest.mark.parametrize("where_prec, geo, metres, kind, relation, note", [
    ("1", 1, 2000, "town", "at", None),
    ("2", 2, 25000, "town", "near", "within about 25 km"),
    ("3", 3, 50000, "region", "at", "district"),
    ("4", 3, 100000, "region", "at", "province"),
    ("5", 2, 50000, "town", "near", "between two named places"),
    ("6", 3, 250000, "country", "at", "country"),
    ("7", 3, 100000, "region", "near", "sea or in the air"),
])
def test_ucdp_where_prec(ucdp_file, where_prec, geo, metres, kind, relation, note):
    data = load(ucdp_file([ucdp_row("101", where_prec=where_prec)]))
    e, place = data.events.iloc[0], data.places.iloc[0]
    assert (e["geo_precision"], e["place_relation"]) == (geo, relation)
    assert (place["coord_precision_m"], place["kind"]) == (metres, kind)
    if note:
        assert f"where_prec {where_prec}: " in e["notes"] and note in e["notes"]


def test_ucdp_origin_and_outlets_become_claims_without_double_counting(ucdp_file):
    data = load(ucdp_file([
        ucdp_row("101"),
        ucdp_row("102", source_original="", source_date="", source_headline=""),
        ucdp_row("103", source_original="SOHR; Local Coordination Committees"),
        ucdp_row("104", source_article="Agence France Presse;Reuters News", source_date="2017-03-06;2017-03-07",
                 source_headline=""),
    ]))
    claims = data.claims.set_index("claim_id")
    origin = claims.loc["101-o1"]
    assert (origin["claimant"], origin["claimant_kind"], origin["origin"]) == ("SOHR", "monitor", "SOHR")
    assert origin["channel"] == "via Agence France Presse, Reuters News"
    assert origin["claim_date"].date().isoformat() == "2017-03-04" and not origin["claim_date_inferred"]
    afp, reuters = claims.loc["101-a1"], claims.loc["101-a2"]
    assert (afp["claimant"], afp["claimant_kind"], afp["origin"]) == ("Agence France Presse", "media", "SOHR")
    assert reuters["claim_date"].date().isoformat() == "2017-03-05" and "Headline: Fighting" in reuters["notes"]
    # Without an origin each outlet is independent; with one, the outlets relay it.
    assert claims.loc["102-a1", "origin"] == ""
    status = by_id(data.events)["status"].to_dict()
    assert status == {"101": "single_source", "102": "corroborated", "103": "corroborated", "104": "single_source"}
    # A bare list of outlets takes its dates from source_date.
    assert claims.loc["104-a2", "claim_date"].date().isoformat() == "2017-03-07"


def test_a_bad_ucdp_row_is_reported_and_the_rest_load(ucdp_file):
    data = load(ucdp_file([ucdp_row("101"), ucdp_row("102", where_prec="9"), ucdp_row("103", latitude="123"),
                           ucdp_row("104", date_end="2017-03-01"), ucdp_row("105")]))
    assert sorted(data.events["event_id"]) == ["101", "105"]
    found = {(i.row, i.column, i.value) for i in data.errors}
    assert found == {(3, "where_prec", "9"), (4, "latitude", "123"), (5, "date_end", "2017-03-01")}


# --- format recognition ------------------------------------------------------------------------------

def test_unknown_header_names_what_was_expected(tmp_path):
    path = tmp_path / "mystery.csv"
    path.write_text("date,place,what\n2018-06-03,Hajin,clash\n", encoding="utf-8")
    with pytest.raises(importers.ImportFormatError) as exc:
        load(path)
    message = str(exc.value)
    assert "mystery.csv" in message and "event_id_cnty" in message and "type_of_violence" in message
    assert "date, place, what" in message
    with pytest.raises(DataError):
        load_dataset(path)


def test_missing_required_acled_column_is_named(tmp_path):
    cols = [c for c in ACLED_COLUMNS if c != "latitude"]
    path = write_csv(tmp_path / "a.csv", cols, [acled_row("SYR1")])
    with pytest.raises(importers.ImportFormatError, match=r"lacks the column\(s\) latitude"):
        load(path)


def test_our_own_events_table_as_a_file_points_at_the_directory(make_data):
    with pytest.raises(importers.ImportFormatError, match="load the data directory"):
        load(make_data() / "events.csv")


def test_a_directory_is_not_an_export_but_load_dataset_opens_it(make_data):
    d = make_data()
    with pytest.raises(DataError, match="open it with load_dataset"):
        importers.import_file(d)
    assert len(load_dataset(d).events) > 0


# --- the three paths ------------------------------------------------------------------------------------

def _comparable(data):
    out = {}
    for name, key in (("events", "event_id"), ("claims", "claim_id"), ("places", "place_id"),
                      ("sources", "source_id")):
        df = getattr(data, name).drop(columns="row")
        out[name] = df.sort_values(key).reset_index(drop=True)
    return out


@pytest.mark.parametrize("kind", ["acled", "ucdp"])
def test_cli_env_and_page_paths_give_the_same_tables(kind, acled_file, ucdp_file, tmp_path, monkeypatch, capsys):
    if kind == "acled":
        path = acled_file([acled_row("SYR1", source="SOHR; Step Agency", fatalities=""),
                           acled_row("SYR2", "03 June 2018", time_precision="2", geo_precision="2", place=RAQQA),
                           acled_row("SYR3", time_precision="3", geo_precision="3", place=ALEPPO, fatalities="0"),
                           acled_row("SYR4", latitude="123")])
    else:
        path = ucdp_file([ucdp_row("101"), ucdp_row("102", where_prec="4", date_prec="4", source_original=""),
                          ucdp_row("103", type_of_violence="3", best="", latitude="99")])
    out = tmp_path / "out"
    assert main(["import", str(path), "--out", str(out)]) == 1  # one row set aside
    printed = capsys.readouterr().out
    assert f"{path.name}, row " in printed and "written to" in printed
    via_cli = load_dataset(out)
    assert not via_cli.issues
    monkeypatch.setenv("CONFLICTMAP_DATA", str(path))
    via_env = load_dataset()
    via_page = importers.import_bytes(path.read_bytes(), path.name)
    assert [str(i) for i in via_env.issues] == [str(i) for i in via_page.issues]
    a, b, c = _comparable(via_cli), _comparable(via_env), _comparable(via_page)
    for table in a:
        pd.testing.assert_frame_equal(a[table], b[table])
        pd.testing.assert_frame_equal(b[table], c[table])
    assert len(a["events"]) == (3 if kind == "acled" else 2)


def test_cli_refuses_a_non_empty_directory_without_force(acled_file, tmp_path, capsys):
    path = acled_file([acled_row("SYR1")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "events.csv").write_text("keep me", encoding="utf-8")
    assert main(["import", str(path), "--out", str(out)]) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "events.csv").read_text(encoding="utf-8") == "keep me"
    assert main(["import", str(path), "--out", str(out), "--force"]) == 0
    assert load_dataset(out).events["event_id"].tolist() == ["SYR1"]


def test_cli_import_has_help_for_every_argument():
    from conflictmap.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices["import"]
    assert parser.description
    for action in parser._actions:
        assert action.help, action.dest


def test_zip_holds_a_loadable_data_directory(acled_file, tmp_path):
    data = load(acled_file([acled_row("SYR1"), acled_row("SYR2", place=RAQQA)]))
    with zipfile.ZipFile(io.BytesIO(importers.tables_zip(data))) as z:
        assert sorted(z.namelist()) == ["claims.csv", "events.csv", "geodata/places.csv", "sources.csv"]
        z.extractall(tmp_path / "unzipped")
    assert sorted(load_dataset(tmp_path / "unzipped").events["event_id"]) == ["SYR1", "SYR2"]


# --- the cache ------------------------------------------------------------------------------------------

def _no_csv_parsing(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the CSV was parsed although the cache is valid")
    monkeypatch.setattr(pyarrow.csv, "read_csv", refuse)


def test_second_load_comes_from_parquet_and_a_change_invalidates_it(acled_file, monkeypatch, tmp_path):
    monkeypatch.delenv("CONFLICTMAP_CACHE")
    path = acled_file([acled_row("SYR1"), acled_row("SYR2", latitude="123")])
    first = load_dataset(path)
    [cache_dir] = (tmp_path / ".conflictmap-cache").iterdir()
    assert cache_dir.name.startswith("acled-syria.csv-")
    assert {p.name for p in cache_dir.glob("*.parquet")} == {"events.parquet", "claims.parquet", "sources.parquet",
                                                             "places.parquet", "issues.parquet"}
    with monkeypatch.context() as m:
        _no_csv_parsing(m)
        second = load_dataset(path)
    for name in ("events", "claims", "sources", "places"):
        pd.testing.assert_frame_equal(getattr(first, name), getattr(second, name))
    assert [str(i) for i in second.issues] == [str(i) for i in first.issues] and len(first.errors) == 1

    acled_file([acled_row("SYR1"), acled_row("SYR2", latitude="35.0"), acled_row("SYR3")])
    with monkeypatch.context() as m:
        _no_csv_parsing(m)
        with pytest.raises(AssertionError, match="CSV was parsed"):
            load_dataset(path)
    third = load_dataset(path)
    assert sorted(third.events["event_id"]) == ["SYR1", "SYR2", "SYR3"] and not third.issues
    [new_dir] = (tmp_path / ".conflictmap-cache").iterdir()  # the stale cache was removed
    assert new_dir != cache_dir


def test_same_size_rewrite_is_noticed_through_mtime(acled_file, monkeypatch):
    path = acled_file([acled_row("SYR1", fatalities="3")])
    assert load_dataset(path).events.iloc[0]["fatalities"] == 3
    st = path.stat()
    acled_file([acled_row("SYR1", fatalities="4")])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert path.stat().st_size == st.st_size
    assert load_dataset(path).events.iloc[0]["fatalities"] == 4


def test_cache_goes_to_conflictmap_cache_when_set(acled_file, tmp_path):
    path = acled_file([acled_row("SYR1")])
    load_dataset(path)
    assert importers.cache_location(path).parent == tmp_path / "cache"
    assert (importers.cache_location(path) / "manifest.json").is_file()


def test_unwritable_cache_does_not_stop_the_load(acled_file, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(blocker / "cache"))
    assert load_dataset(acled_file([acled_row("SYR1")])).events["event_id"].tolist() == ["SYR1"]


# --- the page ------------------------------------------------------------------------------------------

def test_import_page_converts_an_upload(acled_file):
    from streamlit.testing.v1 import AppTest

    path = acled_file([acled_row("SYR1"), acled_row("SYR2", latitude="123")])
    at = AppTest.from_file(str(REPO / "pages" / "import_data.py"), default_timeout=60)
    at.run()
    assert not at.exception
    at.file_uploader[0].upload(path.name, path.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Events"] == "1" and metrics["Rows set aside"] == "1"
    issues = at.dataframe[0].value
    assert issues.iloc[0]["row"] == 3 and issues.iloc[0]["column"] == "latitude"
    assert at.download_button


def test_import_page_reports_an_unknown_file(tmp_path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(REPO / "pages" / "import_data.py"), default_timeout=60)
    at.run()
    at.file_uploader[0].upload("mystery.csv", b"a,b\n1,2\n", "text/csv")
    at.run()
    assert not at.exception
    assert at.error and "cannot be imported" in at.error[0].value
    assert any("event_id_cnty" in t.value for t in at.text)


# --- the docs ----------------------------------------------------------------------------------------------

def test_mapping_doc_covers_every_column():
    doc = (REPO / "docs" / "import-mapping.md").read_text(encoding="utf-8")
    missing = [c for c in ACLED_COLUMNS + UCDP_COLUMNS if f"`{c}`" not in doc]
    assert not missing, f"docs/import-mapping.md does not mention: {missing}"


def test_import_page_saves_only_inside_the_import_folder(acled_file, tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    root = tmp_path / "imports"
    monkeypatch.setenv("CONFLICTMAP_IMPORT_DIR", str(root))
    monkeypatch.setenv("CONFLICTMAP_EDIT", "local")  # saving is a write: only someone who may edit sees it
    path = acled_file([acled_row("SYR1")])
    at = AppTest.from_file(str(REPO / "pages" / "import_data.py"), default_timeout=60)
    at.run()
    at.file_uploader[0].upload(path.name, path.read_bytes(), "text/csv")
    at.run()
    at.text_input[0].input("../../escape")
    at.button[0].click()
    at.run()
    assert at.error and "inside" in at.error[0].value and not (tmp_path / "escape").exists()
    at.text_input[0].input("syria")
    at.button[0].click()
    at.run()
    assert not at.exception and at.success
    assert load_dataset(root / "syria").events["event_id"].tolist() == ["SYR1"]


@pytest.mark.parametrize("name", ["..", ".", "", "../../etc/passwd", "a/..", "nested/dir/"])
def test_an_upload_name_never_becomes_a_path(acled_file, name):
    # The Import page passes the browser's file name through; "..", "." or a path must not crash or escape.
    path = acled_file([acled_row("SYR1")])
    data = importers.import_bytes(path.read_bytes(), name)
    assert len(data.events) == 1
    assert data.sources["source_id"].str.len().gt(0).all()
