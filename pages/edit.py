"""Edit the ledger: pick a table and a row (or a new one), edit it in a form, delete it (asked first), and read
an event's history. Forms, deletes and history live in ``ui/edit.py``; stories and their steps in
``ui/edit_stories.py``; choosing a place's coordinate by a click on a map in ``ui/edit_map.py``. Every write
goes through the store.

Shown in the navigation only to someone who may write (``ui.editor()``); reached anyway, it shows no control.
"""

import streamlit as st

import ui
from ui import edit
from ui.edit_map import event_place_picker, place_map_picker
from ui.edit_stories import stories_editor
from ui.i18n import t

ui.require_entrypoint()
data = ui.dataset()
st.title(t("nav.edit"))
if ui.editor() is None or ui.live_store() is None:
    st.info(t("edit.page_off_imported") if ui.editor() else t("edit.page_off"))
    st.stop()

edit.flash()
TABLES = ("events", "claims", "sources", "places", "stories")
table = st.segmented_control(t("edit.table"), TABLES, format_func=lambda k: t(f"edit.table_{k}"), key="ed_table",
                             default="claims")
table = table or "claims"
if table == "stories":
    stories_editor(data)
    st.stop()
frame = {"events": data.events, "claims": data.claims, "sources": data.sources, "places": data.places}[table]
key = {"events": "event_id", "claims": "claim_id", "sources": "source_id", "places": "place_id"}[table]
label_cols = {"events": ("title_en", "date_start"), "claims": ("claimant", "stance", "event_id"),
              "sources": ("outlet", "title"), "places": ("name_en", "name_ar")}[table]
labels = {r[0]: " · ".join(str(x) for x in r[1:] if str(x)) + f" ({r[0]})"
          for r in frame[[key, *label_cols]].astype(str).itertuples(index=False)}
options = [None, *reversed(list(labels))]  # newest rows first
row_id = st.selectbox(t("edit.row"), options, format_func=lambda r: t(f"edit.new_{table}") if r is None else labels[r],
                      key=f"ed_row_{table}", help=t("edit.row_help"))
if row_id is not None and row_id not in labels:
    row_id = None
if table == "places":
    edit.place_lookup(data, row_id)
    place_map_picker(data, row_id)
elif table == "events":
    event_place_picker(data, row_id)
edit.row_form(data, table, row_id)
if row_id is not None:
    edit.delete_controls(data, table, row_id)
    if table == "events":
        st.subheader(t("edit.history_event"))
        edit.history_view(row_id)
    elif table == "claims":
        st.subheader(t("edit.history_claim"))
        edit.history_view(str(frame.loc[frame[key] == row_id, "event_id"].iloc[0]))
