"""conflictmap dashboard: page setup and navigation only. Behaviour lives in conflictmap/ and pages/."""

import streamlit as st

# No page_icon: a ":material/...:" favicon is fetched from Google's servers, and the app must work offline.
st.set_page_config(page_title="conflictmap", layout="wide")

pages = st.navigation([
    st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
    st.Page("pages/events.py", title="Events", icon=":material/table:"),
    st.Page("pages/claims.py", title="Claims & sources", icon=":material/forum:"),
    st.Page("pages/quality.py", title="Data quality", icon=":material/rule:"),
])
pages.run()
