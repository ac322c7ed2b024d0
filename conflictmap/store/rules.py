"""Validating one row before it is written, with the loader's own checks.

Column checks are :func:`conflictmap.load.validate_table` on a one-row frame; the rules across fields
and the references are :func:`conflictmap.load.assemble` and the loader's reference check, fed with
just the rows the new one points at. So a row the store accepts is a row the loader keeps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import schema
from ..model import RowIssue
from ..model import empty_table as _empty
from ..validate import _check_refs, assemble, validate_table

# (table, column, is_list) that point into each table: what a delete must check.
REFERRERS: dict[str, list[tuple[str, str, bool]]] = {name: [] for name in schema.TABLES}
for _t in schema.TABLES.values():
    for _c in _t.columns:
        if _c.refs:
            REFERRERS[_c.refs].append((_t.name, _c.name, _c.kind == "list"))


def split_list(text: str) -> list[str]:
    return [x.strip() for x in (text or "").split(schema.LIST_SEPARATOR) if x.strip()]


def raw_frame(table: schema.Table, rows: list[dict[str, str]], positions: list[int] | None = None) -> pd.DataFrame:
    """Cell texts as the loader's raw frame: every schema column, stripped, indexed by spreadsheet row."""
    df = pd.DataFrame([{c: (r.get(c) or "").strip() for c in table.column_names} for r in rows],
                      columns=table.column_names, dtype=object)
    if df.empty:
        df = _empty(table)
    df = df.astype(str)
    df.index = pd.Index(positions if positions is not None else range(2, len(rows) + 2))
    return df


def check_row(store, table: schema.Table, values: dict[str, str], position: int) -> list[RowIssue]:
    """The errors loading would report for this row, given what is stored now (empty: it may be written)."""
    issues: list[RowIssue] = []
    typed = validate_table(raw_frame(table, [values], [position]), table, table.path, issues)
    if typed.empty:
        return [i for i in issues if i.severity == "error"]

    def ids(target: str, wanted) -> pd.Series:
        return pd.Series(sorted(store.existing_ids(target, {w for w in wanted if w})), dtype=str)

    if table.name == "events":
        sources = pd.DataFrame({"source_id": ids("sources", {values["source_id"]})})
        place_ids = ids("places", set(split_list(values["place_ids"])))
        places = pd.DataFrame({"place_id": place_ids, "lat": np.nan, "lon": np.nan,
                               "coord_precision_m": np.nan})
        claims = validate_table(_empty(schema.CLAIMS), schema.CLAIMS, schema.CLAIMS.path, [])
        assemble(typed, claims, sources, places, issues)
    elif table.name == "claims":
        typed = _check_refs(typed, "event_id", ids("events", {values["event_id"]}), table.path, "event", issues)
        _check_refs(typed, "source_id", ids("sources", {values["source_id"]}), table.path, "source", issues)
    elif table.name == "story_steps":
        for col, target, label in (("story_id", "stories", "story"), ("event_id", "events", "event"),
                                   ("claim_id", "claims", "claim")):
            typed = _check_refs(typed, col, ids(target, {values[col]}), table.path, label, issues)
    return [i for i in issues if i.severity == "error"]
