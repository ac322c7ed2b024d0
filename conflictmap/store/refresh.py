"""Bringing a loaded :class:`Dataset` up to date after a few writes, without re-reading every table.

Claims and events (what an editor changes most) are patched: the changed rows are validated as loading
validates them, the affected events' derived columns and statuses are recomputed, and every other row
is kept. The frames are rebuilt from slices around the changed rows, which for pandas' Arrow-backed
text columns costs no copy of the 200,000 untouched rows (a boolean mask or ``isin`` over them would
cost seconds). A change to any other table (sources, places, stories) re-reads the whole store: those
are small, and a place moves every event that uses it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from .. import schema
from ..claims import derive_status
from ..model import Dataset
from ..validate import _isin, assemble, validate_table
from .rules import raw_frame


def _net(changes) -> dict[tuple[str, str], dict | None]:
    """(table, row id) -> the row after the last change (None: deleted)."""
    out: dict[tuple[str, str], dict | None] = {}
    for c in sorted(changes, key=lambda c: c.change_id):
        out[(c.table, c.row_id)] = c.new
    return out


def _positions(column: pd.Series, ids) -> np.ndarray:
    if not ids or column.empty:
        return np.array([], dtype=int)
    return np.flatnonzero(_isin(column, pd.Series(sorted(ids), dtype=str)))


def _like(rows: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with ``frame``'s columns and dtypes, so slices and new rows concatenate without conversion."""
    rows = rows.reindex(columns=frame.columns)
    return rows.astype({c: t for c, t in frame.dtypes.items() if c in rows.columns and rows[c].dtype != t})


def _rebuild(frame: pd.DataFrame, cuts: list[tuple[int, int, pd.DataFrame | None]]) -> pd.DataFrame:
    """``frame`` with rows [start, stop) replaced by the given rows (None: removed), cuts in order."""
    pieces, at = [], 0
    for start, stop, rows in cuts:
        pieces.append(frame.iloc[at:start])
        if rows is not None and len(rows):
            pieces.append(_like(rows, frame))
        at = stop
    pieces.append(frame.iloc[at:])
    pieces = [p for p in pieces if len(p)] or [frame.iloc[0:0]]
    return pd.concat(pieces, ignore_index=True)


def _typed(table: schema.Table, rows: list[dict], start: int) -> pd.DataFrame:
    return validate_table(raw_frame(table, rows, list(range(start, start + len(rows)))), table, table.path, [])


def apply_changes(store, data: Dataset, changes) -> Dataset:
    """``data`` with ``changes`` applied; falls back to ``store.read()`` for tables it does not patch."""
    if any(c.table not in ("claims", "events") for c in changes):
        return store.read()
    net = _net(changes)
    events, claims = data.events, data.claims
    touched: set[str] = set()  # events whose status may have changed

    claim_rows = {rid: row for (t, rid), row in net.items() if t == "claims"}
    if claim_rows:
        pos = _positions(claims["claim_id"], claim_rows)
        touched |= set(claims["event_id"].iloc[pos])
        present = {claims["claim_id"].iat[p]: p for p in pos}
        new = {rid: row for rid, row in claim_rows.items() if row is not None}
        start = int(claims["row"].max()) + 1 if len(claims) else 2
        typed = _typed(schema.CLAIMS, list(new.values()), start).reset_index(names="row")
        typed.index = typed["claim_id"].tolist()
        touched |= set(typed["event_id"])
        cuts = []
        for rid, p in sorted(present.items(), key=lambda kv: kv[1]):
            row = typed.loc[[rid]] if rid in typed.index else None
            if row is not None:
                row = row.assign(row=int(claims["row"].iat[p]))
            cuts.append((p, p + 1, row))
        appended = typed[~typed.index.isin(list(present))]
        if len(appended):
            cuts.append((len(claims), len(claims), appended))
        claims = _rebuild(claims, cuts)

    event_rows = {rid: row for (t, rid), row in net.items() if t == "events"}
    if event_rows:
        pos = _positions(events["event_id"], event_rows)
        events = _rebuild(events, [(p, p + 1, None) for p in sorted(pos)])
        new = [row for row in event_rows.values() if row is not None]
        if new:
            start = int(events["row"].max()) + 1 if len(events) else 2
            typed = _typed(schema.EVENTS, new, start)
            mine = claims.iloc[_positions(claims["event_id"], set(typed["event_id"]))].drop(columns="row")
            fresh = assemble(typed, mine, data.sources.drop(columns="row"), data.places.drop(columns="row"),
                             []).events
            cuts = []
            dates = events["date_start"].to_numpy()
            for i in range(len(fresh)):
                row = fresh.iloc[[i]]
                at = int(np.searchsorted(dates, row["date_start"].to_numpy()[0], side="left"))
                while at < len(events) and dates[at] == row["date_start"].iat[0] and \
                        events["event_id"].iat[at] < row["event_id"].iat[0]:
                    at += 1
                cuts.append((at, at, row))
            events = _rebuild(events, sorted(cuts, key=lambda c: (c[0], c[2]["event_id"].iat[0])))
        touched -= set(event_rows)

    if touched:
        pos = _positions(events["event_id"], touched)
        mine = claims.iloc[_positions(claims["event_id"], touched)]
        rows = events.iloc[pos]
        rows = rows.assign(status=derive_status(rows["event_id"], mine).to_numpy())
        events = _rebuild(events, [(p, p + 1, rows.iloc[[i]]) for i, p in enumerate(pos)])
    return dataclasses.replace(data, events=events, claims=claims)
