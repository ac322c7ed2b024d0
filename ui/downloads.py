"""Downloads of the current selection: built when clicked, never on a rerun."""

from __future__ import annotations

import streamlit as st

from conflictmap import export
from conflictmap.model import Dataset

from .i18n import lang, t


def download_buttons(data: Dataset, selection) -> None:
    """CSV, GeoJSON and a standalone HTML map of exactly the current selection."""
    # The files are built when a button is clicked (``data=`` a callable), never on a rerun: building the
    # GeoJSON of a 200,000-event selection takes minutes, and a slider move must not wait for it.
    # on_click="ignore": a download needs no rerun of the page.
    st.download_button(t("downloads.csv"), lambda: export.to_csv(selection), file_name="conflictmap-events.csv",
                       mime="text/csv", width="stretch", on_click="ignore")
    st.download_button(t("downloads.geojson"), lambda: export.to_geojson_text(data, selection),
                       file_name="conflictmap-events.geojson", mime="application/geo+json", width="stretch",
                       on_click="ignore")
    if st.button(t("downloads.prepare"), width="stretch", help=t("downloads.prepare_help")):
        try:  # the ledgers and the legend in the page's language
            st.session_state["_export_html"] = export.to_standalone_html(data, selection, lang=lang())
        except export.ExportError as exc:
            st.error(str(exc))
    if st.session_state.get("_export_html"):
        st.download_button(t("downloads.html"), st.session_state["_export_html"], file_name="conflictmap.html",
                           mime="text/html", width="stretch", on_click="ignore")
