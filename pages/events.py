"""Events page: the selection as a sortable, searchable table, and a CSV of exactly those rows.

Clicking a row opens that event on the map (its ledger, and the map moved to it).
"""

import pandas as pd
import streamlit as st

import ui
from conflictmap.export import events_table, to_csv
from conflictmap.select import apply_filters
from ui.i18n import t

ui.require_entrypoint()
data = ui.dataset()
selection = apply_filters(data, ui.sidebar_filters(data))
editor = ui.edit_mode() in ("local", "login")

# Readers first: when, status, what, where; the machine columns after.
FRONT = ["date_start", "status", "title_en", "title_ar", "event_type", "place_ids", "actor1", "actor2", "fatalities"]
HEADINGS = {"event_id": "Id", "date_start": "Date", "date_end": "Until", "date_precision": "Date precision",
            "date_inferred": "Date inferred", "title_en": "Title", "title_ar": "العنوان", "summary_en": "Summary",
            "summary_ar": "الملخص", "event_type": "Type", "sub_event_type": "Sub-type", "place_ids": "Places",
            "place_relation": "Place relation", "geo_precision": "Place precision (1 exact – 3 region)",
            "location_note": "Where, in words", "actor1": "Actor", "actor2": "Other actor", "fatalities": "Fatalities",
            "source_id": "Source", "status": "Status", "lat": "Latitude", "lon": "Longitude",
            "notes_public": "Note", "notes": "Curation notes"}


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
st.markdown(f"**{len(selection)} of {len(data.events)} events** match the filters in the sidebar. "
            "Click a row to open the event on the map; click a column header to sort; use the table's search icon "
            "to find text in it.")
table = events_table(selection)
table["status"] = table["status"].map(lambda s: t(f"status.{s}") if isinstance(s, str) and s else s)
if not editor:
    table = table.drop(columns=["notes"])
table = table[FRONT + [c for c in table.columns if c not in FRONT]]
st.session_state["_events_ids"] = table["event_id"].tolist()
st.dataframe(
    table, hide_index=True, width="stretch", height=520, key="events_table", on_select=open_on_map,
    selection_mode="single-row",
    column_config={
        **{c: st.column_config.Column(h) for c, h in HEADINGS.items() if c in table.columns},
        "fatalities": st.column_config.NumberColumn(HEADINGS["fatalities"], help="blank = not reported"),
        "date_inferred": st.column_config.CheckboxColumn(HEADINGS["date_inferred"]),
    },
)
st.download_button("Download these events (CSV)", to_csv(selection), file_name="conflictmap-events.csv",
                   mime="text/csv", help="Exactly the rows above. Cells that a spreadsheet would run as a formula "
                                         "are prefixed with an apostrophe.")
ui.data_dir_caption(data)
