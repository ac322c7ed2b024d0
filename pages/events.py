"""Events page: the selection as a sortable, searchable table, and a CSV of exactly those rows.

Clicking a row opens that event on the map (its ledger, and the map moved to it).
"""

import pandas as pd
import streamlit as st

import ui
from conflictmap.export import events_table, to_csv
from conflictmap.select import apply_filters
from ui.i18n import headings, label, lang, t

ui.require_entrypoint()
data = ui.dataset()
selection = apply_filters(data, ui.sidebar_filters(data))
editor = ui.edit_mode() in ("local", "login")

# Readers first: when, status, what, where; the machine columns after. Headings: the catalogue's "col.*".
# The table shows at most ROW_LIMIT events, the latest of the selection: every row is sent to the browser and
# kept in the session, so 200,000 rows cost each visitor 24 MB and two CPU-seconds (benchmarks/visitors.py).
# The CSV download, built only when clicked, has the whole selection.
ROW_LIMIT = 1000
FRONT = ["date_start", "status", "title_en", "title_ar", "event_type", "place_ids", "actor1", "actor2", "fatalities"]


@ui.uninterrupted
def open_on_map() -> None:
    rows = (st.session_state.get("events_table") or {}).get("selection", {}).get("rows", [])
    if not rows:
        return
    event_id = st.session_state["_events_ids"][rows[0]]
    row = data.events[data.events["event_id"] == event_id]
    st.session_state["selected_event"] = event_id
    st.session_state["highlight_claim"] = None
    if not row.empty and pd.notna(row.iloc[0]["lat"]):
        ui.move_view((float(row.iloc[0]["lat"]), float(row.iloc[0]["lon"])), 9)
    st.session_state["_open_map"] = True


if st.session_state.pop("_open_map", False):
    st.switch_page("pages/map.py")

st.title(t("nav.events"))
st.markdown(t("events.count", n=len(selection), total=len(data.events)))
if len(selection) > ROW_LIMIT:
    st.caption(t("events.row_limit", limit=f"{ROW_LIMIT:,}", n=f"{len(selection):,}"))
table = events_table(selection.iloc[-ROW_LIMIT:])  # the selection is in date order: a slice, free at any size
table["status"] = table["status"].map(lambda s: t(f"status.{s}") if isinstance(s, str) and s else s)
for column, prefix in (("date_precision", "precision"), ("place_relation", "relation"), ("event_type", "etype"),
                       ("sub_event_type", "subtype")):
    table[column] = table[column].map(lambda v, prefix=prefix: label(prefix, v))
if not editor:
    table = table.drop(columns=["notes"])
# In Arabic the Arabic title comes first, wide: the grid scrolls from the left, and a title cut by the table's
# edge would lose its beginning (Arabic starts at the right).
front = FRONT if lang() != "ar" else ["date_start", "status", "title_ar", "title_en", *FRONT[4:]]
table = table[front + [c for c in table.columns if c not in front]]
st.session_state["_events_ids"] = table["event_id"].tolist()
st.dataframe(
    table, hide_index=True, width="stretch", height=520, key="events_table", on_select=open_on_map,
    selection_mode="single-row",
    column_config=headings(
        table.columns,
        fatalities=st.column_config.NumberColumn(t("col.fatalities"), help=t("events.fatalities_help")),
        date_inferred=st.column_config.CheckboxColumn(t("col.date_inferred")),
        **({"title_ar": st.column_config.TextColumn(t("col.title_ar"), width="large")} if lang() == "ar" else {}),
    ),
)
# Built when clicked (a callable), never on a rerun; on_click="ignore": a download needs no rerun.
st.download_button(t("events.download"), lambda: to_csv(selection), file_name="conflictmap-events.csv",
                   mime="text/csv", help=t("events.download_help"), on_click="ignore")
ui.data_dir_caption(data)
