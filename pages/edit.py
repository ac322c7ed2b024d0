"""Edit the ledger: pick a table and a row (or a new one), edit it in a form, delete it (asked first), and read
an event's history. Forms, deletes and history live in ``ui/edit.py``; every write goes through the store.

Shown in the navigation only to someone who may write (``ui.editor()``); reached anyway, it shows no control.
"""

import streamlit as st

import ui
from ui import edit

ui.require_entrypoint()
data = ui.dataset()
st.title("Edit the ledger")
if ui.editor() is None or ui.live_store() is None:
    st.info("Editing is off here: " + ("the data is an imported file, which is read-only."
                                       if ui.editor() else "nobody may write on this server (CONFLICTMAP_EDIT)."))
    st.stop()

edit.flash()
TABLES = {"events": "Events", "claims": "Claims", "sources": "Sources", "places": "Places (the gazetteer)"}
table = st.segmented_control("Table", list(TABLES), format_func=TABLES.get, key="ed_table", default="claims")
table = table or "claims"
frame = {"events": data.events, "claims": data.claims, "sources": data.sources, "places": data.places}[table]
key = {"events": "event_id", "claims": "claim_id", "sources": "source_id", "places": "place_id"}[table]
label_cols = {"events": ("title_en", "date_start"), "claims": ("claimant", "stance", "event_id"),
              "sources": ("outlet", "title"), "places": ("name_en", "name_ar")}[table]
labels = {r[0]: " · ".join(str(x) for x in r[1:] if str(x)) + f" ({r[0]})"
          for r in frame[[key, *label_cols]].astype(str).itertuples(index=False)}
options = [None, *reversed(list(labels))]  # newest rows first
row_id = st.selectbox("Row", options, format_func=lambda r: f"New {table[:-1]}…" if r is None else labels[r],
                      key=f"ed_row_{table}", help="Type to search")
if row_id is not None and row_id not in labels:
    row_id = None
if table == "places":
    edit.place_lookup(data, row_id)
edit.row_form(data, table, row_id)
if row_id is not None:
    edit.delete_controls(data, table, row_id)
    if table == "events":
        st.subheader("History of this event")
        edit.history_view(row_id)
    elif table == "claims":
        st.subheader("History of this claim's event")
        edit.history_view(str(frame.loc[frame[key] == row_id, "event_id"].iloc[0]))
