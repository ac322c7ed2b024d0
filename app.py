"""conflictmap dashboard: page setup and navigation only. Behaviour lives in conflictmap/ and pages/."""

from pathlib import Path

import streamlit as st

import ui

# A local favicon: without one Streamlit uses the page's ":material/...:" icon, fetched from Google's
# servers, and the app must make no request beyond its own host.
st.set_page_config(page_title="conflictmap", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")

pages = [
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("pages/events.py", title="Events", icon=":material/table:"),
    st.Page("pages/claims.py", title="Claims & sources", icon=":material/forum:"),
    st.Page("pages/places.py", title="Places", icon=":material/location_on:"),
    st.Page("pages/import_data.py", title="Import", icon=":material/upload_file:"),
    st.Page("pages/quality.py", title="Data quality", icon=":material/rule:"),
]
if ui.editor() is not None:  # only someone who may write sees the edit page
    pages.insert(4, st.Page("pages/edit.py", title="Edit the ledger", icon=":material/edit_note:"))
pages = st.navigation(pages)
# The filters restore themselves when the user arrives on another page (ui.filters): they need to know
# which page this run shows, and st.navigation's return value is the public way to know it.
st.session_state["_current_page"] = pages.url_path
pages.run()
