"""Bringing a loaded :class:`Dataset` up to date after a few writes, without re-reading every table.

Claims and events (what an editor changes most) are patched in place: the changed rows are validated
as loading validates them, the affected events' derived columns and statuses are recomputed, and every
other row is kept as it was. A change to any other table (sources, places, stories) re-reads the
whole store: those are small, and a place moves every event that uses it.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from .. import schema
from ..claims import derive_status
from ..load import Dataset, assemble, validate_table
from .rules import raw_frame


def _net(changes) -> dict[tuple[str, str], dict | None]:
    """(table, row id) -> the row after the last change (None: deleted)."""
    out: dict[tuple[str, str], dict | None] = {}
    for c in sorted(changes, key=lambda c: c.change_id):
        out[(c.table, c.row_id)] = c.new
    return out


def _typed(table: schema.Table, rows: list[dict], start: int) -> pd.DataFrame:
    issues: list = []
    return validate_table(raw_frame(table, rows, list(range(start, start + len(rows)))), table, table.path, issues)


def apply_changes(store, data: Dataset, changes) -> Dataset:
    """``data`` with ``changes`` applied; falls back to ``store.read()`` for tables it does not patch."""
    if any(c.table not in ("claims", "events") for c in changes):
        return store.read()
    net = _net(changes)
    events, claims = data.events, data.claims
    touched_events: set[str] = set()

    claim_ids = {rid for (t, rid) in net if t == "claims"}
    if claim_ids:
        gone = claims["claim_id"].isin(claim_ids)
        touched_events |= set(claims.loc[gone, "event_id"])
        new_rows = [r for (t, _), r in net.items() if t == "claims" and r is not None]
        start = int(claims["row"].max()) + 1 if len(claims) else 2
        typed = _typed(schema.CLAIMS, new_rows, start).reset_index(names="row")
        typed = typed[typed["event_id"].isin(set(events["event_id"]) | {r["event_id"] for (t, _), r in net.items()
                                                                         if t == "events" and r is not None})]
        touched_events |= set(typed["event_id"])
        claims = pd.concat([claims[~gone], typed], ignore_index=True) if len(typed) else \
            claims[~gone].reset_index(drop=True)

    event_ids = {rid for (t, rid) in net if t == "events"}
    if event_ids:
        keep = ~events["event_id"].isin(event_ids)
        new_rows = [r for (t, _), r in net.items() if t == "events" and r is not None]
        if new_rows:
            start = int(events["row"].max()) + 1 if len(events) else 2
            typed = _typed(schema.EVENTS, new_rows, start)
            mine = claims[claims["event_id"].isin(set(typed["event_id"]))].drop(columns="row")
            fresh = assemble(typed, mine, data.sources.drop(columns="row"), data.places.drop(columns="row"),
                             []).events
            events = pd.concat([events[keep], fresh], ignore_index=True)
        else:
            events = events[keep]
        events = events.sort_values(["date_start", "event_id"], kind="stable").reset_index(drop=True)
        touched_events -= event_ids

    if touched_events:
        mask = events["event_id"].isin(touched_events)
        sub = claims[claims["event_id"].isin(touched_events)]
        events = events.copy()
        events.loc[mask, "status"] = derive_status(events.loc[mask, "event_id"], sub)
    return dataclasses.replace(data, events=events, claims=claims)
