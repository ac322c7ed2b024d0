"""ACLED CSV exports -> our tables. The mapping is documented in ``docs/import-mapping.md``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..model import RowIssue
from ..threads import in_background
from ..validate import duplicated
from ._common import (
    Converted,
    Problems,
    build_places,
    check_coordinates,
    check_count,
    claimant_kinds,
    code,
    concat,
    country_codes,
    iso_text,
    join_notes,
    labelled,
    looked_up,
    numbers,
    parse_day_month_year,
    parse_iso_dates,
    prefixed,
    require_columns,
    slug,
    split_list,
    table_frame,
    to_arrow,
    when,
)

COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction", "civilian_targeting",
    "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude", "longitude", "geo_precision",
    "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
)
"""An ACLED export's columns, in the order ACLED writes them."""

REQUIRED = ("event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
            "country", "admin1", "location", "latitude", "longitude", "geo_precision", "source", "notes",
            "fatalities")
SIGNATURE = ("event_id_cnty", "event_date")
"""A header with these columns is taken to be an ACLED export."""

DATE_PRECISION = {"1": "day", "2": "week", "3": "month"}
COORD_PRECISION_M = {1: 2_000, 2: 10_000, 3: 50_000}
PLACE_KIND = {1: "town", 2: "town", 3: "region"}
PLACE_RELATION = {"1": "at", "2": "near", "3": "at"}
TITLE_LINK = {"1": " in ", "2": " near ", "3": " in the area of "}
TIME_NOTE = {
    "2": "time_precision 2: only the week is known; ACLED codes mid-week, so the range is ±3 days",
    "3": "time_precision 3: only the month is known; ACLED codes mid-month, so the range is the whole month",
}


def convert(raw: pd.DataFrame, name: str, encoding: str, issues: list[RowIssue]) -> Converted:
    """Map an ACLED export (all columns as text, indexed by spreadsheet row) onto our four tables."""
    for c in require_columns(list(raw.columns), REQUIRED, tuple(c for c in COLUMNS if c not in REQUIRED),
                             "an ACLED export", name, issues):
        raw[c] = ""
    p = Problems(name, raw, issues)

    event_id = raw["event_id_cnty"]
    p.flag(event_id == "", "event_id_cnty", "blank; every event needs an id")
    p.flag((event_id != "") & duplicated(raw, ["event_id_cnty"]), "event_id_cnty",
           "duplicate event_id_cnty; the first row with it was kept")

    coded = parse_iso_dates(raw["event_date"])
    other = coded.isna() & (raw["event_date"] != "")
    if other.any():
        coded = coded.where(~other, parse_day_month_year(raw["event_date"].where(other, "")))
    p.flag(coded.isna(), "event_date", "not a date in either ACLED style (2018-06-03 or 03 June 2018)")

    time_prec = code(raw["time_precision"])
    p.flag(~time_prec.isin(DATE_PRECISION), "time_precision", "must be 1 (day), 2 (week) or 3 (month)")

    etype, sub = raw["event_type"], raw["sub_event_type"]
    known_type = etype.isin(schema.ACLED_TAXONOMY)
    p.flag(~known_type, "event_type", f"not an ACLED event type (expected one of: {', '.join(schema.EVENT_TYPES)})")
    pairs = {f"{t}|{s}" for t, subs in schema.ACLED_TAXONOMY.items() for s in subs}
    wrong_sub = (known_type & ~concat([etype, sub], "|").isin(pairs)).to_numpy()
    message = np.full(len(raw), "", dtype=object)
    message[wrong_sub] = ("is not a sub-event type of " + etype[wrong_sub].map(repr)).to_numpy()
    p.flag(wrong_sub, "sub_event_type", message)

    lat, lon = numbers(raw["latitude"]), numbers(raw["longitude"])
    check_coordinates(p, lat, lon, "latitude", "longitude")
    geo_prec = code(raw["geo_precision"])
    p.flag(~geo_prec.isin(["1", "2", "3"]), "geo_precision", "must be 1, 2 or 3")
    p.flag(raw["location"] == "", "location", "blank; the place has no name")

    deaths = numbers(raw["fatalities"], thousands=True)
    check_count(p, "fatalities", deaths, raw["fatalities"])

    # --- the usable rows ---
    good = ~p.bad
    g = raw
    if not good.all():  # a copy of every column: only when some row has to go
        g = raw[good]
        coded, time_prec, geo_prec = coded[good], time_prec[good], geo_prec[good]
        lat, lon, deaths = lat[good], lon[good], deaths[good]

    week = (time_prec == "2").to_numpy()
    month = (time_prec == "3").to_numpy()
    months = coded.dt.to_period("M")
    month_start, month_end = months.dt.start_time, months.dt.end_time.dt.normalize()
    start = coded.where(~week, coded - pd.Timedelta(days=3)).where(~month, month_start)
    end = coded.where(~week, coded + pd.Timedelta(days=3)).where(~month, month_end)
    coded_text = iso_text(coded)

    source_id = f"acled-{slug(name.rsplit('.', 1)[0]) or 'export'}"
    rank = pd.Series(pc.cast(to_arrow(geo_prec), pa.int64()).to_numpy(), index=geo_prec.index)  # 1, 2 or 3
    # The places (one id per distinct location, a hash each: the longest step) are built in a thread
    # while the events' notes and the claims are built here; both are mostly Arrow kernels.
    building_places = in_background(lambda: build_places(
        name=g["location"], lat=lat, lon=lon, admin1=g["admin1"], country=country_codes(g["country"], g["iso"]),
        rank=rank, kind_by_rank=PLACE_KIND, metres_by_rank=COORD_PRECISION_M,
        coord_source=f"ACLED export {name}",
        note_by_rank={r: f"Coordinate as given by ACLED; precision from its best geo_precision here ({r})."
                      for r in COORD_PRECISION_M},
    ))

    notes = join_notes([
        when(time_prec != "1", prefixed("ACLED event_date ", coded_text)),
        looked_up(time_prec, TIME_NOTE),
        when(deaths == 0, "fatalities 0 as reported by ACLED (0 can also mean none were reported)"),
        labelled("disorder_type: ", g["disorder_type"]),
        labelled("civilian_targeting: ", g["civilian_targeting"]),
        labelled("assoc_actor_1: ", g["assoc_actor_1"]),
        labelled("assoc_actor_2: ", g["assoc_actor_2"]),
        labelled("interaction: ", g["interaction"]),
        labelled("source_scale: ", g["source_scale"]),
        labelled("tags: ", g["tags"]),
    ], index=g.index)
    location_note = join_notes([g["admin3"], g["admin2"], g["admin1"]], replace=("; ", ", "))
    names = split_list(g["source"])
    rows = names.index
    claim_no = names.groupby(level=0).cumcount() + 1
    precision = time_prec.map(DATE_PRECISION)
    claims = table_frame(schema.CLAIMS, {
        "claim_id": concat([g["event_id_cnty"].loc[rows], claim_no.astype(str)], "-c"),
        "event_id": g["event_id_cnty"].loc[rows],
        "claimant": names,
        "claimant_kind": claimant_kinds(names),
        "stance": "asserts",
        "attributed": "false",
        "claim_date": coded_text.loc[rows],
        "claim_date_precision": precision.loc[rows],
        "claim_date_inferred": "true",
        "source_id": source_id,
        "notes": "Named in ACLED's source field. Claim date is ACLED's event date: the report's own date is not "
                 "in the export.",
    }, rows)

    stamps = numbers(g["timestamp"])
    if stamps.notna().any():
        published = pd.to_datetime(stamps.max(), unit="s").date().isoformat()
        how = "published = the latest row timestamp in the export (its download date is not in the file)"
    elif len(g):
        published = coded.max().date().isoformat()
        how = "published = the latest event date in the export (no timestamps; its download date is not in the file)"
    else:
        published, how = "", "no usable rows"
    sources = table_frame(schema.SOURCES, {
        "source_id": source_id,
        "outlet": "ACLED",
        "title": name,
        "language": "en",
        "published": published,
        "published_precision": "day",
        "published_inferred": "true",
        "url": "https://acleddata.com/",
        "notes": f"ACLED export imported by conflictmap; {how}.",
    }, pd.Index([0]))
    event_columns = {
        "event_id": g["event_id_cnty"],
        "date_start": iso_text(start),
        "date_end": iso_text(end),
        "date_precision": time_prec.map(DATE_PRECISION),
        "date_inferred": "false",
        "title_en": concat([g["sub_event_type"], geo_prec.map(TITLE_LINK).astype(str), g["location"]], ""),
        "summary_en": g["notes"],
        "event_type": g["event_type"],
        "sub_event_type": g["sub_event_type"],
        "place_relation": geo_prec.map(PLACE_RELATION),
        "geo_precision": geo_prec,
        "location_note": location_note,
        "actor1": g["actor1"],
        "actor2": g["actor2"],
        "fatalities": g["fatalities"].where(deaths.isna(), deaths.astype("Int64").astype("string")).astype(str),
        "source_id": source_id,
        "notes": notes,
    }
    places, event_columns["place_ids"] = building_places.result()  # all the rest was built meanwhile
    events = table_frame(schema.EVENTS, event_columns, g.index)

    # Repeated event_id_cnty values were set aside above, and a claim id is its event's id, "-c" and a number
    # counted within the event: neither table can hold a repeated id.
    return Converted("acled", name, encoding, events, claims, sources, places, issues,
                     unique_keys=frozenset({"events", "claims"}))
