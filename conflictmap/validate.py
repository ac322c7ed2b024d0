"""Validation shared by every reader: type each column, flag bad cells, check references across tables.

A row with an error is set aside with a :class:`~conflictmap.model.RowIssue` naming its file, row, column
and value; every other row loads. :func:`assemble` then derives each event's marker position, precision
and status. The CSV loader (:mod:`conflictmap.load`) and the importers both end here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import schema
from .claims import derive_status
from .model import Dataset, RowIssue
from .schema import Column, Table
from .text import fold_digits
from .threads import in_background

_TAXONOMY_PAIRS = pd.Index([f"{t}\x1f{s}" for t, subs in schema.ACLED_TAXONOMY.items() for s in subs])


# --- validation, one column at a time ------------------------------------------------

def _flag(issues: list[RowIssue], bad: dict[int, bool], label: str, df: pd.DataFrame,
          mask: pd.Series, column: str, message: str) -> None:
    for row in df.index[mask.to_numpy()]:
        issues.append(RowIssue(label, int(row), column, str(df.at[row, column]), message))
        bad[int(row)] = True


def _convert_column(df: pd.DataFrame, col: Column, label: str, issues: list[RowIssue],
                    bad: dict[int, bool]) -> pd.Series:
    s = df[col.name]
    blank = s == ""
    if col.required:
        _flag(issues, bad, label, df, blank, col.name, "required value is blank")
    if col.kind == "date":
        out = _dates(s, blank)
        _flag(issues, bad, label, df, out.isna() & ~blank, col.name, "not a date in YYYY-MM-DD form")
        return out
    if col.kind in ("int", "float"):
        out = _numbers(s, blank)
        _flag(issues, bad, label, df, out.isna() & ~blank, col.name, f"not a number ({col.kind})")
        if col.kind == "int":
            _flag(issues, bad, label, df, _fractional(out), col.name, "not a whole number")
        if col.min is not None:
            _flag(issues, bad, label, df, out < col.min, col.name, f"below the minimum {col.min:g}")
        if col.max is not None:
            _flag(issues, bad, label, df, out > col.max, col.name, f"above the maximum {col.max:g}")
        if col.choices:
            _flag(issues, bad, label, df, out.notna() & ~out.isin(col.choices), col.name,
                  f"must be one of {', '.join(map(str, col.choices))}")
        if col.kind == "int":
            return out.round().astype("Int64")
        return out.astype("float64")
    if col.kind == "bool":
        low = s.str.lower()
        valid = low.isin(schema.TRUE_VALUES + schema.FALSE_VALUES)
        _flag(issues, bad, label, df, ~valid, col.name, "must be true or false")
        return low.isin(schema.TRUE_VALUES)
    if col.kind == "enum":
        _flag(issues, bad, label, df, ~blank & ~s.isin(col.choices), col.name,
              f"must be one of: {', '.join(map(str, col.choices))}")
    return s


def _fractional(values: pd.Series) -> pd.Series:
    """Where a number is not whole (infinity included); never where it is missing.

    Only the numbers go through ``np.mod``: on NaN it takes a slow path (0.1 s for a blank column of 300,000).
    """
    v = values.to_numpy()
    present = np.flatnonzero(~np.isnan(v))
    out = np.zeros(len(v), dtype=bool)
    out[present] = np.mod(v[present], 1) != 0
    return pd.Series(out, index=values.index)


def _dates(s: pd.Series, blank: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` text to datetime64[us] (NaT where blank or not a date); Arabic-Indic digits folded.

    Arrow reads the column when every non-blank value is a valid date written exactly so (imports:
    every value); otherwise pandas does, as before, and sets the others to NaT.
    """
    folded = s.map(fold_digits) if not s.str.isascii().all() else s
    if not blank.all():
        arr = pa.array(folded)
        try:
            days = pc.cast(pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr), pa.date32())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        else:
            return pd.Series(days.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False), index=s.index,
                             dtype="datetime64[us]")
    return pd.to_datetime(folded, format="%Y-%m-%d", errors="coerce")


def _numbers(s: pd.Series, blank: pd.Series) -> pd.Series:
    """Text to float64 (NaN where blank or not a number); Arabic-Indic digits folded, thousands commas dropped.

    Parsed by Arrow when every non-blank value is a plain number (imports: every value), else by pandas,
    which sets the unparseable ones to NaN. An all-blank column (an import's optional ids) is not parsed.
    """
    if blank.all():
        return pd.Series(np.nan, index=s.index, dtype="float64")
    digits = s if s.str.isascii().all() else s.map(fold_digits)
    arr = pa.array(digits)
    arr = pc.replace_substring(arr, ",", "")
    try:
        values = pc.cast(pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(digits.str.replace(",", "", regex=False), errors="coerce").astype("float64")
    return pd.Series(values.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")


def duplicated(df: pd.DataFrame, keys: list[str]) -> pd.Series:
    """``df.duplicated(subset=keys, keep="first")``; one Arrow count first when the key is one column.

    Ids are nearly always unique, and counting the distinct ones is far cheaper than pandas' factorize.
    """
    if len(keys) == 1 and len(df):
        arr = pa.array(df[keys[0]])
        if pc.count_distinct(arr, mode="all").as_py() == len(arr):
            return pd.Series(False, index=df.index)
    return df.duplicated(subset=keys, keep="first")


def validate_table(df: pd.DataFrame, table: Table, label: str, issues: list[RowIssue], *,
                   keys_unique: bool = False) -> pd.DataFrame:
    """Type every column, flag bad cells, and drop the rows that have any error.

    ``keys_unique``: the caller has already made the table's ids unique (an importer that set aside the
    rows with a repeated id and reported them), so they are not counted again.
    """
    bad: dict[int, bool] = {}
    typed = {col.name: _convert_column(df, col, label, issues, bad) for col in table.columns}
    out = pd.DataFrame(typed, index=df.index)
    if not keys_unique:
        keys = table.key_columns
        dup = duplicated(out, keys) & (out[keys[-1]].astype(str) != "")
        _flag(issues, bad, label, df, dup, keys[-1], f"duplicate {' + '.join(keys)}; the first row with it was kept")
    if bad:
        out = out.drop(index=list(bad))
    return out


def isin_text(values: pd.Series, valid: pd.Series) -> np.ndarray:
    """``values.isin(valid)`` for text columns, computed in Arrow.

    pandas' ``isin`` on ``str`` columns builds one Arrow scalar per value and a
    Python set iterates Arrow strings one by one: seconds at ACLED sizes.
    """
    arr = pa.array(values.astype(str))
    return pc.is_in(arr, value_set=pa.array(pd.Series(valid, dtype=str)).cast(arr.type)).to_numpy(
        zero_copy_only=False)


def check_refs(df: pd.DataFrame, column: str, valid: pd.Series, label: str, target: str,
                issues: list[RowIssue], *, is_list: bool = False) -> pd.DataFrame:
    """Set aside rows whose ``column`` names an id not in ``valid``; Python loops only over multi-id cells."""
    if df.empty:
        return df
    values = df[column]
    if is_list:
        multi = values.str.contains(schema.LIST_SEPARATOR, regex=False).to_numpy()
        mask = np.zeros(len(df), dtype=bool)
        mask[~multi] = ~isin_text(values[~multi].str.strip(), valid)
        valid_set = set(pd.Series(valid, dtype=str).tolist()) if multi.any() else set()
        unknown: dict[int, list[str]] = {}
        for i in np.flatnonzero(multi):
            ids = [x.strip() for x in values.iat[i].split(schema.LIST_SEPARATOR) if x.strip()]
            bad = [x for x in ids if x not in valid_set]
            if bad:
                mask[i], unknown[i] = True, bad
        for i in np.flatnonzero(mask):
            ids = unknown.get(i) or [values.iat[i].strip()]
            issues.append(RowIssue(label, int(df.index[i]), column, str(values.iat[i]),
                                   f"unknown {target} id(s): {', '.join(ids)}"))
    else:
        mask = ~isin_text(values, valid) & (values != "").to_numpy()
        for i in np.flatnonzero(mask):
            issues.append(RowIssue(label, int(df.index[i]), column, str(values.iat[i]), f"no such {target}"))
    return df[~mask] if mask.any() else df


def assemble(events: pd.DataFrame, claims: pd.DataFrame, sources: pd.DataFrame, places: pd.DataFrame,
             issues: list[RowIssue], data_dir: Path | None = None, *, stories: pd.DataFrame | None = None,
             story_steps: pd.DataFrame | None = None, derive: bool = True) -> Dataset:
    """Cross-table checks and derived columns; shared by the CSV loader and the importers.

    With ``derive=False`` the events only get sorted (and their ``row``), without the derived columns
    (``place_list``, ``lat``/``lon``, ``coord_precision_m``, ``status``): enough to write the tables out
    (``python -m conflictmap import``), not to show them.
    """
    ev_label, cl_label = schema.EVENTS.path, schema.CLAIMS.path
    # Only sorted, not derived: sort them all now (mostly Arrow's take, off the interpreter lock) while the
    # checks below run on them as they are, and drop the rows those set aside afterwards.
    sorting = None if derive else in_background(_sorted_events, events.reset_index(names="row"))

    # Rules across fields.
    if not events.empty:
        wrong_sub = ~(events["event_type"] + "\x1f" + events["sub_event_type"]).isin(_TAXONOMY_PAIRS)
        for row in events.index[wrong_sub.to_numpy()]:
            issues.append(RowIssue(ev_label, int(row), "sub_event_type", events.at[row, "sub_event_type"],
                                   f"is not a sub-event type of {events.at[row, 'event_type']!r}"))
        backwards = events["date_end"] < events["date_start"]
        for row in events.index[backwards.to_numpy()]:
            issues.append(RowIssue(ev_label, int(row), "date_end", events.at[row, "date_end"].date().isoformat(),
                                   "is before date_start"))
        drop = (wrong_sub | backwards).to_numpy()
        events = events[~drop] if drop.any() else events

    events = check_refs(events, "source_id", sources["source_id"], ev_label, "source", issues)
    events = check_refs(events, "place_ids", places["place_id"], ev_label, "place", issues, is_list=True)
    if not events.empty:
        n_places = events["place_ids"].str.count(schema.LIST_SEPARATOR) + 1
        wrong_n = (events["place_relation"].isin(["between", "route"]) & (n_places < 2)).to_numpy()
        for row in events.index[wrong_n]:
            issues.append(RowIssue(ev_label, int(row), "place_ids", events.at[row, "place_ids"],
                                   f"place_relation {events.at[row, 'place_relation']!r} needs two or more places"))
        events = events[~wrong_n] if wrong_n.any() else events
    claims = check_refs(claims, "event_id", events["event_id"], cl_label, "event", issues)
    claims = check_refs(claims, "source_id", sources["source_id"], cl_label, "source", issues)

    if derive:
        events = _derive_event_columns(events, places, claims)
    else:
        kept, events = events.index, sorting.result()
        if len(kept) < len(events):
            events = events[events["row"].isin(kept)].reset_index(drop=True)
    extra = {}
    if stories is not None and story_steps is not None:
        steps_label = schema.STORY_STEPS.path
        story_steps = check_refs(story_steps, "story_id", stories["story_id"], steps_label, "story", issues)
        story_steps = check_refs(story_steps, "event_id", events["event_id"], steps_label, "event", issues)
        story_steps = check_refs(story_steps, "claim_id", claims["claim_id"], steps_label, "claim", issues)
        extra = {"stories": stories.reset_index(names="row"),
                 "story_steps": story_steps.sort_values(["story_id", "step"]).reset_index(names="row")}
    return Dataset(events=events, claims=claims.reset_index(names="row"), sources=sources.reset_index(names="row"),
                   places=places.reset_index(names="row"), issues=issues, data_dir=data_dir, **extra)


def place_lists(place_ids: pd.Series) -> pd.Series:
    """';'-separated place ids -> lists; only cells that contain a separator are split in Python."""
    stripped = place_ids.str.strip().tolist()
    multi = place_ids.str.contains(schema.LIST_SEPARATOR, regex=False).to_numpy()
    lists = [[x] if x else [] for x in stripped]
    for i in np.flatnonzero(multi):
        lists[i] = [x.strip() for x in stripped[i].split(schema.LIST_SEPARATOR) if x.strip()]
    return pd.Series(lists, index=place_ids.index, dtype=object)


def _derive_event_columns(events: pd.DataFrame, places: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    events = events.reset_index(names="row")
    events["place_list"] = place_lists(events["place_ids"])
    coords = places.drop_duplicates("place_id").set_index("place_id")[["lat", "lon", "coord_precision_m"]]

    if len(events):
        place_list = events["place_list"].tolist()
        single = np.fromiter((len(xs) == 1 for xs in place_list), bool, len(place_list))
        first = pd.Series([xs[0] if xs else None for xs in place_list], index=events.index, dtype=object)
        # Series.map with a Series looks ids up by hash, in C: no dict of 200,000 places built in Python.
        anchors = np.empty((len(events), 2))
        anchors[:, 0] = first.map(coords["lat"]).to_numpy(dtype=float, na_value=np.nan)
        anchors[:, 1] = first.map(coords["lon"]).to_numpy(dtype=float, na_value=np.nan)
        precision = first.map(coords["coord_precision_m"]).astype("Float64")
        multi = np.flatnonzero(~single)
        if len(multi):  # between/route events: a few, looked up one by one among the places they name
            named = {p for i in multi for p in place_list[i]}
            sub = coords[coords.index.isin(named)]
            lat, lon, prec = sub["lat"].to_dict(), sub["lon"].to_dict(), sub["coord_precision_m"].to_dict()
            for i in multi:
                ids, relation = place_list[i], events.at[i, "place_relation"]
                pts = [(lat.get(p, np.nan), lon.get(p, np.nan)) for p in ids]
                if relation == "between" and len(pts) >= 2:
                    anchors[i] = ((pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2)
                elif relation == "route":
                    anchors[i] = pts[-1]
                elif pts:
                    anchors[i] = pts[0]
                vals = [prec.get(p) for p in ids]
                vals = [v for v in vals if v is not None and not pd.isna(v)]
                precision.iat[i] = max(vals) if vals else pd.NA
        events["lat"], events["lon"] = anchors[:, 0], anchors[:, 1]
        events["coord_precision_m"] = precision
    else:
        events["lat"] = pd.Series(dtype=float)
        events["lon"] = pd.Series(dtype=float)
        events["coord_precision_m"] = pd.Series(dtype="Float64")
    events["status"] = derive_status(events["event_id"], claims)
    return _sorted_events(events)


def _sorted_events(events: pd.DataFrame) -> pd.DataFrame:
    """By ``date_start``, then ``event_id`` (stable; a blank date last), as ``sort_values`` would order them.

    Arrow finds the order (pandas factorizes the id text first: ~0.15 s for 200,000 events), and a table
    that is already in order is not copied.
    """
    if len(events) < 2:
        return events.reset_index(drop=True)
    keys = pa.table({"date": pa.array(events["date_start"].to_numpy(), from_pandas=True),
                     "id": pa.array(events["event_id"])})
    order = pc.sort_indices(keys, sort_keys=[("date", "ascending"), ("id", "ascending")]).to_numpy()  # nulls last
    if (order[1:] > order[:-1]).all():
        return events.reset_index(drop=True)
    return events.take(order).reset_index(drop=True)
