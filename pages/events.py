"""Events page: the selection as a sortable, searchable table, and a CSV of exactly those rows."""

import streamlit as st

import ui
from conflictmap.claims import STATUS_LABELS
from conflictmap.export import events_table, to_csv
from conflictmap.select import apply_filters

ui.require_entrypoint()
data = ui.dataset()
selection = apply_filters(data, ui.sidebar_filters(data))

st.title("Events")
st.markdown(f"**{len(selection)} of {len(data.events)} events** match the filters in the sidebar. "
            "Click a column header to sort; use the table's search icon to find text in it.")
table = events_table(selection)
table["status"] = table["status"].map(STATUS_LABELS)
st.dataframe(
    table, hide_index=True, width="stretch", height=520,
    column_config={
        "event_id": st.column_config.TextColumn("id"),
        "fatalities": st.column_config.NumberColumn("fatalities", help="blank = not reported"),
        "date_inferred": st.column_config.CheckboxColumn("date inferred"),
    },
)
st.download_button("Download these events (CSV)", to_csv(selection), file_name="conflictmap-events.csv",
                   mime="text/csv", help="Exactly the rows above. Cells that a spreadsheet would run as a formula "
                                         "are prefixed with an apostrophe.")
ui.data_dir_caption(data)
