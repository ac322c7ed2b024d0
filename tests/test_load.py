"""Loading keeps the good rows and names every bad one by file, row, column and value."""

import pytest

from conflictmap.load import DataError, load_dataset
from tests.conftest import claim, event, place


def issues_for(data, column):
    return [i for i in data.issues if i.column == column]


def test_good_rows_load_and_bad_row_is_reported_precisely(make_data):
    d = make_data(events=[event("e1", "2018-06-03"), event("e2", "2018-13-45", date_end="2018-06-04"),
                          event("e3", "2018-06-05")])
    data = load_dataset(d)
    assert sorted(data.events["event_id"]) == ["e1", "e3"]
    [issue] = data.errors
    assert (issue.file, issue.row, issue.column, issue.value) == ("events.csv", 3, "date_start", "2018-13-45")
    assert "events.csv, row 3, column date_start: '2018-13-45'" in str(issue)


@pytest.mark.parametrize("override, column, fragment", [
    ({"event_type": "Skirmish"}, "event_type", "must be one of"),
    ({"sub_event_type": "Chemical weapon"}, "sub_event_type", "not a sub-event type of 'Battles'"),
    ({"geo_precision": "7"}, "geo_precision", "must be one of"),
    ({"fatalities": "-2"}, "fatalities", "below the minimum"),
    ({"fatalities": "a few"}, "fatalities", "not a number"),
    ({"date_end": "2018-06-01"}, "date_end", "before date_start"),
    ({"place_ids": "a;nowhere"}, "place_ids", "unknown place id(s): nowhere"),
    ({"source_id": "ghost"}, "source_id", "no such source"),
    ({"title_en": ""}, "title_en", "required value is blank"),
    ({"place_relation": "between"}, "place_ids", "needs two or more places"),
    ({"date_inferred": "maybe"}, "date_inferred", "must be true or false"),
])
def test_each_rule_rejects_only_the_bad_row(make_data, override, column, fragment):
    data = load_dataset(make_data(events=[event("good", "2018-06-03"), event("bad", "2018-06-03", **override)]))
    assert data.events["event_id"].tolist() == ["good"]
    [issue] = issues_for(data, column)
    assert issue.row == 3 and fragment in issue.message


def test_fatalities_blank_means_not_reported_not_zero(make_data):
    data = load_dataset(make_data(events=[event("e1", "2018-06-03"), event("e2", "2018-06-03", fatalities="0")]))
    fat = data.events.set_index("event_id")["fatalities"]
    assert fat.isna()["e1"] and fat["e2"] == 0


def test_arabic_indic_digits_in_dates_are_read(make_data):
    data = load_dataset(make_data(events=[event("e1", "٢٠١٨-٠٦-٠٣")]))
    assert data.events["date_start"].iloc[0].date().isoformat() == "2018-06-03"


def test_duplicate_ids_keep_the_first(make_data):
    data = load_dataset(make_data(events=[event("e1", "2018-06-03"), event("e1", "2018-06-09")]))
    assert len(data.events) == 1 and data.events["date_start"].iloc[0].day == 3
    assert issues_for(data, "event_id")[0].row == 3


def test_claim_about_unknown_event_is_set_aside(make_data):
    data = load_dataset(make_data(claims=[claim("c1", "e1", "SOHR", "asserts"), claim("c2", "nope", "SDF", "denies")]))
    assert data.claims["claim_id"].tolist() == ["c1"]
    [issue] = [i for i in data.errors if i.file == "claims.csv"]
    assert (issue.row, issue.column, issue.value) == (3, "event_id", "nope")


def test_missing_required_column_is_reported_and_nothing_crashes(make_data, tmp_path):
    d = make_data()
    (d / "claims.csv").write_text("claim_id,event_id\nc1,e1\n", encoding="utf-8")
    data = load_dataset(d)
    assert len(data.events) == 1 and data.claims.empty
    assert any(i.file == "claims.csv" and "required column(s) missing" in i.message for i in data.errors)


def test_windows_arabic_encoding_is_read_with_a_warning(make_data):
    d = make_data(events=[event("e1", "2018-06-03", title_ar="انفجار في الميادين")])
    path = d / "events.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1256"))
    data = load_dataset(d)
    assert data.events["title_ar"].iloc[0] == "انفجار في الميادين"
    assert any("cp1256" in i.message and i.severity == "warning" for i in data.issues)


def test_no_events_file_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match=r"events\.csv"):
        load_dataset(tmp_path)


def test_between_event_is_anchored_at_the_midpoint(make_data):
    data = load_dataset(make_data(events=[event("e1", "2018-06-03", place_ids="a;b", place_relation="between")]))
    row = data.events.iloc[0]
    assert (row["lat"], row["lon"]) == pytest.approx((35.5, 39.0))


def test_event_at_a_place_without_coordinates_loads_unmapped(make_data):
    data = load_dataset(make_data(places=[place("a", "", "")]))
    assert len(data.events) == 1 and data.events["lat"].isna().all()


def test_sorting_without_derived_columns_sets_aside_the_same_rows_in_the_same_order(make_data):
    # `python -m conflictmap import` assembles without the derived columns and sorts the events while the
    # cross-table checks run: the rows those checks set aside must still go, and the order and report match.
    from conflictmap import schema
    from conflictmap.load import read_csv_table
    from conflictmap.validate import assemble, validate_table

    d = make_data(events=[event("e3", "2018-06-05"), event("e1", "2018-06-03", place_ids="nowhere"),
                          event("e2", "2018-06-03"), event("e0", "2018-06-09", sub_event_type="Chemical weapon"),
                          event("e4", "2018-06-01", source_id="ghost"), event("e5", "2018-06-03")],
                  claims=[claim("c1", "e1", "SOHR", "asserts"), claim("c2", "e2", "SDF", "denies")])

    def assembled(derive):
        issues = []
        frames = {t.name: validate_table(read_csv_table(d / t.path, t, t.path, issues), t, t.path, issues)
                  for t in (schema.EVENTS, schema.CLAIMS, schema.SOURCES, schema.PLACES)}
        return assemble(frames["events"], frames["claims"], frames["sources"], frames["places"], issues, d,
                        derive=derive)

    full, plain = assembled(True), assembled(False)
    assert plain.events["event_id"].tolist() == ["e2", "e5", "e3"] == full.events["event_id"].tolist()
    assert plain.events["row"].tolist() == full.events["row"].tolist() == [4, 7, 2]
    assert plain.claims["claim_id"].tolist() == ["c2"]
    assert [str(i) for i in plain.issues] == [str(i) for i in full.issues] and len(plain.issues) == 4
