"""conflictmap dashboard: page setup and navigation only. Behaviour lives in conflictmap/ and pages/."""

from pathlib import Path

import streamlit as st

import ui
from ui.i18n import lang, t
from ui.layout import RTL_CSS
from ui.signin import sign_in_sidebar

# A local favicon: without one Streamlit uses the page's ":material/...:" icon, fetched from Google's
# servers, and the app must make no request beyond its own host.
st.set_page_config(page_title="conflictmap", page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
                   layout="wide")

if lang() == "ar":  # the whole app right to left, every page
    st.html(RTL_CSS)
pages = [
    st.Page("pages/map.py", title=t("nav.map"), icon=":material/map:", default=True),
    st.Page("pages/events.py", title=t("nav.events"), icon=":material/table:"),
    st.Page("pages/claims.py", title=t("nav.claims"), icon=":material/forum:"),
    st.Page("pages/places.py", title=t("nav.places"), icon=":material/location_on:"),
    st.Page("pages/import_data.py", title=t("nav.import"), icon=":material/upload_file:"),
    st.Page("pages/article.py", title=t("nav.article"), icon=":material/post_add:"),
    st.Page("pages/quality.py", title=t("nav.quality"), icon=":material/rule:"),
]
if ui.editor() is not None:  # only someone who may write sees the edit page
    pages.insert(4, st.Page("pages/edit.py", title=t("nav.edit"), icon=":material/edit_note:"))
pages = st.navigation(pages)
# The filters restore themselves when the user arrives on another page (ui.filters): they need to know
# which page this run shows, and st.navigation's return value is the public way to know it.
st.session_state["_current_page"] = pages.url_path
# CONFLICTMAP_EDIT=login: "Sign in to edit" / "Signed in as ..." under the navigation, on every page.
sign_in_sidebar()
pages.run()
