"""UCDP GED CSVs -> our tables. The mapping is documented in ``docs/import-mapping.md``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from .. import schema
from ..model import RowIssue
from ._common import (
    Converted,
    Problems,
    build_places,
    check_coordinates,
    check_count,
    claimant_kinds,
    code,
    country_codes,
    from_arrow,
    iso_text,
    join_groups,
    join_notes,
    labelled,
    numbers,
    parse_iso_dates,
    require_columns,
    slug,
    split_list,
    table_frame,
    to_arrow,
    when,
)

COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id", "conflict_new_id",
    "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id", "side_a_new_id", "side_a",
    "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources", "source_article", "source_office",
    "source_date", "source_headline", "source_original", "where_prec", "where_coordinates", "where_description",
    "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians",
    "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)
"""A UCDP GED CSV's columns, in the order UCDP writes them."""

REQUIRED = ("id", "type_of_violence", "side_a", "side_b", "source_article", "source_original", "where_prec",
            "latitude", "longitude", "date_prec", "date_start", "date_end", "best", "low", "high")
SIGNATURE = ("type_of_violence", "where_prec", "date_prec")
"""A header with these columns is taken to be a UCDP GED file."""

VIOLENCE = {  # type_of_violence -> (event_type, sub_event_type, UCDP's name). An approximation: see the docs.
    "1": ("Battles", "Armed clash", "state-based conflict"),
    "2": ("Battles", "Armed clash", "non-state conflict"),
    "3": ("Violence against civilians", "Attack", "one-sided violence"),
}
DATE_PRECISION = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "year"}
DATE_NOTE = {
    "2": "date_prec 2: happened on one day within a span of 2-6 days",
    "3": "date_prec 3: only the week is known",
    "4": "date_prec 4: only the month is known",
    "5": "date_prec 5: only the year is known",
}
GEO_PRECISION = {1: 1, 2: 2, 3: 3, 4: 3, 5: 2, 6: 3, 7: 3}
COORD_PRECISION_M = {1: 2_000, 2: 25_000, 3: 50_000, 4: 100_000, 5: 50_000, 6: 250_000, 7: 100_000}
PLACE_KIND = {1: "town", 2: "town", 3: "region", 4: "region", 5: "town", 6: "country", 7: "region"}
PLACE_RELATION = {1: "at", 2: "near", 3: "at", 4: "at", 5: "near", 6: "at", 7: "near"}
WHERE_NOTE = {
    1: "", 2: "where_prec 2: within about 25 km of the named place", 3: "where_prec 3: only the district is known",
    4: "where_prec 4: only the province is known", 5: "where_prec 5: between two named places, or vaguer",
    6: "where_prec 6: only the country is known", 7: "where_prec 7: at sea or in the air",
}
_DATE_TIME = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"


def _dates(s: pd.Series) -> pd.Series:
    """``2017-01-03``, also with a midnight time as UCDP's CSVs write it (``2017-01-03 00:00:00.000``)."""
    return parse_iso_dates(s.where(~s.str.match(_DATE_TIME), s.str.slice(0, 10)))


def _positional(s: pd.Series) -> pd.DataFrame:
    """A ``;``-list per row -> (row, pos, value), blanks dropped."""
    ex = s.str.split(";").explode().dropna().astype(str).str.strip()
    ex = ex[ex != ""]
    return pd.DataFrame({"row": ex.index.to_numpy(), "pos": ex.groupby(level=0).cumcount().to_numpy(),
                         "value": ex.to_numpy()})


def _articles(g: pd.DataFrame) -> pd.DataFrame:
    """The outlets in ``source_article``, with each article's date and headline where known.

    Entries look like ``Outlet,2017-01-03,Headline``, separated by ``;``; a bare
    list of outlet names is accepted too. Dates and headlines missing from the
    entries are taken from ``source_date``/``source_headline`` when those list
    the same number of items.
    """
    e = _positional(g["source_article"])
    parts = pc.extract_regex(to_arrow(e["value"]),
                             r"^(?P<outlet>[^,]+?)\s*,\s*(?P<date>\d{4}-\d{2}-\d{2})[^,]*,?\s*(?P<headline>.*)$")
    m = pd.DataFrame({f: from_arrow(parts.field(f), e.index).where(parts.is_valid().to_numpy(zero_copy_only=False))
                      for f in ("outlet", "date", "headline")})
    structured = m["outlet"].notna()
    # In a structured row, a piece without "outlet,date" is the tail of a headline that held a ';'.
    keep = structured | ~structured.groupby(e["row"]).transform("any")
    art = pd.DataFrame({
        "row": e["row"], "outlet": m["outlet"].where(structured, e["value"]).str.strip(),
        "date": _dates(m["date"].fillna("")), "headline": m["headline"].fillna("").str.strip(),
    })[keep.to_numpy()]
    art["pos"] = art.groupby("row").cumcount()
    counts = art.groupby("row").size()
    for column, value in (("source_date", "date"), ("source_headline", "headline")):
        extra = _positional(g[column])
        same = extra["row"].map(extra.groupby("row").size()) == extra["row"].map(counts)
        extra = extra[same.to_numpy()].rename(columns={"value": f"{value}_list"})
        art = art.merge(extra, on=["row", "pos"], how="left")
        listed = art[f"{value}_list"].fillna("").astype(str)
        if value == "date":
            art["date"] = art["date"].fillna(_dates(listed))
        else:
            art["headline"] = art["headline"].where(art["headline"] != "", listed)
        art = art.drop(columns=f"{value}_list")
    art = art[art["outlet"] != ""]
    art["key"] = art["outlet"].str.casefold()
    art = art.sort_values(["row", "date", "pos"], kind="stable", na_position="last")
    return art.drop_duplicates(["row", "key"]).sort_values(["row", "pos"], kind="stable")


def convert(raw: pd.DataFrame, name: str, encoding: str, issues: list[RowIssue]) -> Converted:
    """Map a UCDP GED CSV (all columns as text, indexed by spreadsheet row) onto our four tables."""
    for c in require_columns(list(raw.columns), REQUIRED, tuple(c for c in COLUMNS if c not in REQUIRED),
                             "a UCDP GED file", name, issues):
        raw[c] = ""
    p = Problems(name, raw, issues)

    event_id = raw["id"]
    p.flag(event_id == "", "id", "blank; every event needs an id")
    p.flag((event_id != "") & event_id.duplicated(keep="first"), "id", "duplicate id; the first row with it was kept")

    start, end = _dates(raw["date_start"]), _dates(raw["date_end"])
    for col, v in (("date_start", start), ("date_end", end)):
        p.flag(v.isna(), col, "not a date in YYYY-MM-DD form")
    p.flag(start.notna() & end.notna() & (end < start), "date_end", "is before date_start")
    date_prec = code(raw["date_prec"])
    p.flag(~date_prec.isin(DATE_PRECISION), "date_prec", "must be 1 to 5")
    where_prec = code(raw["where_prec"])
    p.flag(~where_prec.isin([str(k) for k in GEO_PRECISION]), "where_prec", "must be 1 to 7")
    violence = code(raw["type_of_violence"])
    p.flag(~violence.isin(VIOLENCE), "type_of_violence", "must be 1 (state-based), 2 (non-state) or 3 (one-sided)")

    lat, lon = numbers(raw["latitude"]), numbers(raw["longitude"])
    check_coordinates(p, lat, lon, "latitude", "longitude")
    counts = {}
    for col in ("best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"):
        counts[col] = numbers(raw[col], thousands=True)
        check_count(p, col, counts[col], raw[col])
    best, low, high = counts["best"], counts["low"], counts["high"]
    p.flag((low > best) | (best > high), "best", "not between low and high", severity="warning")

    # --- the usable rows ---
    good = ~p.bad
    g = raw[good]
    start, end, date_prec, violence = start[good], end[good], date_prec[good], violence[good]
    lat, lon = lat[good], lon[good]
    counts = {k: v[good] for k, v in counts.items()}
    rank = where_prec[good].astype(int)
    geo = rank.map(GEO_PRECISION).astype(str)
    relation = rank.map(PLACE_RELATION).astype(str)

    place_name = g["where_coordinates"]
    for fallback in ("where_description", "adm_2", "adm_1", "country"):
        place_name = place_name.where(place_name != "", g[fallback])
    source_id = f"ucdp-{slug(name.rsplit('.', 1)[0]) or 'ged'}"
    places, place_ids = build_places(
        name=place_name, lat=lat, lon=lon, admin1=g["adm_1"], country=country_codes(g["country"]),
        rank=rank, kind_by_rank=PLACE_KIND, metres_by_rank=COORD_PRECISION_M,
        coord_source=f"UCDP GED {name}",
        note_by_rank={r: f"Coordinate as given by UCDP GED; precision from its best where_prec here ({r})."
                      for r in COORD_PRECISION_M},
    )

    def text(v: pd.Series) -> pd.Series:
        return v.astype("Int64").astype("string").fillna("?").astype(str)

    has_range = (counts["low"].notna() | counts["high"].notna()).to_numpy()
    breakdown = ("deaths_a " + text(counts["deaths_a"]) + ", deaths_b " + text(counts["deaths_b"])
                 + ", deaths_civilians " + text(counts["deaths_civilians"]) + ", deaths_unknown "
                 + text(counts["deaths_unknown"]))
    has_breakdown = pd.concat([counts[k].notna() for k in ("deaths_a", "deaths_b", "deaths_civilians",
                                                             "deaths_unknown")], axis=1).any(axis=1).to_numpy()
    kind = violence.map({k: v[2] for k, v in VIOLENCE.items()})
    event_type = violence.map({k: v[0] for k, v in VIOLENCE.items()})
    sub_type = violence.map({k: v[1] for k, v in VIOLENCE.items()})
    notes = join_notes([
        "type_of_violence " + violence + " (" + kind + ") approximated as " + event_type + "/" + sub_type,
        date_prec.map(DATE_NOTE).fillna("").astype(str),
        rank.map(WHERE_NOTE).astype(str),
        when(has_range, "deaths low–high: " + text(counts["low"]) + "–" + text(counts["high"])),
        when(has_breakdown, breakdown),
        labelled("conflict: ", g["conflict_name"]),
        labelled("dyad: ", g["dyad_name"]),
        labelled("adm_2: ", g["adm_2"]),
        when(g["event_clarity"] == "2", "event_clarity 2: lower clarity (UCDP could not fully separate this "
                                         "event in its sources)"),
        labelled("number_of_sources: ", g["number_of_sources"]),
    ])
    events = table_frame(schema.EVENTS, {
        "event_id": g["id"],
        "date_start": iso_text(start),
        "date_end": iso_text(end),
        "date_precision": date_prec.map(DATE_PRECISION),
        "date_inferred": "false",
        "title_en": kind.str.capitalize() + " " + relation + " " + place_name,
        "summary_en": g["source_headline"].str.replace(r"\s*;\s*", " / ", regex=True),
        "event_type": event_type,
        "sub_event_type": sub_type,
        "place_ids": place_ids,
        "place_relation": relation,
        "geo_precision": geo,
        "location_note": g["where_description"],
        "actor1": g["side_a"],
        "actor2": g["side_b"],
        "fatalities": counts["best"].astype("Int64").astype("string").fillna("").astype(str),
        "source_id": source_id,
        "notes": notes,
    }, g.index)
    claims = _claims(g, end, date_prec, source_id)

    sources = table_frame(schema.SOURCES, {
        "source_id": source_id,
        "outlet": "UCDP",
        "title": name,
        "language": "en",
        "published": end.max().date().isoformat() if len(g) else "",
        "published_precision": "day",
        "published_inferred": "true",
        "url": "https://ucdp.uu.se/downloads/",
        "notes": "UCDP GED file imported by conflictmap; published = the latest event end date in the file "
                 "(its release date is not in the file).",
    }, pd.Index([0]))
    return Converted("ucdp", name, encoding, events, claims, sources, places, issues)


def _claims(g: pd.DataFrame, end: pd.Series, date_prec: pd.Series, source_id: str) -> pd.DataFrame:
    """``source_original`` -> one asserts claim per origin; ``source_article`` -> one per outlet, relaying the origin.

    An outlet's ``origin`` is the row's first origin, so outlets relaying the
    same report never count as independent corroboration; with no origin given
    each outlet counts on its own.
    """
    origins = split_list(g["source_original"])
    art = _articles(g)
    event_id = g["id"]
    fallback = iso_text(end)
    fallback_prec = date_prec.map(DATE_PRECISION)
    by_row = art.groupby("row")
    outlets = join_groups(art["row"].to_numpy(), art["outlet"], ", ")
    first_date = by_row["date"].min()
    first_origin = origins.groupby(level=0).first()
    all_origins = join_groups(origins.index.to_numpy(), origins, "; ")

    o_rows = origins.index
    o_date = first_date.reindex(o_rows)
    o_known = o_date.notna().to_numpy()
    o_channel = ("via " + outlets.reindex(o_rows).fillna("")).where(outlets.reindex(o_rows).notna(), "")
    from_origin = table_frame(schema.CLAIMS, {
        "claim_id": event_id.loc[o_rows] + "-o" + (origins.groupby(level=0).cumcount() + 1).astype(str),
        "event_id": event_id.loc[o_rows],
        "claimant": origins,
        "claimant_kind": claimant_kinds(origins),
        "stance": "asserts",
        "channel": o_channel,
        "attributed": "false",
        "origin": origins,
        "claim_date": pd.Series(np.where(o_known, iso_text(o_date.fillna(pd.Timestamp(0))),
                                         fallback.loc[o_rows]), dtype=str),
        "claim_date_precision": pd.Series(np.where(o_known, "day", fallback_prec.loc[o_rows]), dtype=str),
        "claim_date_inferred": pd.Series(np.where(o_known, "false", "true"), dtype=str),
        "source_id": source_id,
        "notes": pd.Series(np.where(o_known, "Named in UCDP source_original: the report originates here. "
                                             "Claim date: the earliest article's date.",
                                    "Named in UCDP source_original: the report originates here. Claim date: the "
                                    "event's end date (no article date in the file)."), dtype=str),
    }, o_rows)

    a_rows = pd.Index(art["row"].to_numpy())
    a_known = art["date"].notna().to_numpy()
    relays = all_origins.reindex(a_rows).fillna("")
    a_notes = ("Named in UCDP source_article. "
               + pd.Series(np.where(relays != "", "Relays: " + relays + ". ", ""), dtype=str)
               + pd.Series(np.where(art["headline"] != "", "Headline: " + art["headline"] + ". ", ""), dtype=str)
               + pd.Series(np.where(a_known, "Claim date: the article's date.",
                                    "Claim date: the event's end date (no article date in the file)."), dtype=str))
    from_article = table_frame(schema.CLAIMS, {
        "claim_id": event_id.loc[a_rows] + "-a" + (art.groupby("row").cumcount() + 1).astype(str).to_numpy(),
        "event_id": event_id.loc[a_rows],
        "claimant": art["outlet"],
        "claimant_kind": claimant_kinds(art["outlet"]),
        "stance": "asserts",
        "channel": "article",
        "attributed": "false",
        "origin": first_origin.reindex(a_rows).fillna(""),
        "claim_date": pd.Series(np.where(a_known, iso_text(art["date"].fillna(pd.Timestamp(0))),
                                         fallback.loc[a_rows]), dtype=str),
        "claim_date_precision": pd.Series(np.where(a_known, "day", fallback_prec.loc[a_rows]), dtype=str),
        "claim_date_inferred": pd.Series(np.where(a_known, "false", "true"), dtype=str),
        "source_id": source_id,
        "notes": a_notes.str.strip(),
    }, a_rows)
    return pd.concat([from_origin, from_article]).sort_index(kind="stable")
