"""Data quality page: every row set aside at load time, and why."""

import pandas as pd
import streamlit as st

import ui

ui.require_entrypoint()
data = ui.dataset()
st.title("Data quality")
issues = pd.DataFrame([vars(i) for i in data.issues], columns=["severity", "file", "row", "column", "value", "message"])
errors = (issues["severity"] == "error").sum()
warnings = len(issues) - errors
c = st.columns(3)
c[0].metric("Rows rejected", int(issues.loc[issues["severity"] == "error", ["file", "row"]].drop_duplicates().shape[0]))
c[1].metric("Errors", int(errors))
c[2].metric("Warnings", int(warnings))
if issues.empty:
    st.success("Every row of every table loaded.")
else:
    st.caption("Rows are numbered as in a spreadsheet: the header is row 1. A row with an error is set aside; "
               "the rest of the file still loads. The same report comes from `python -m conflictmap validate`.")
    st.dataframe(issues[["severity", "file", "row", "column", "value", "message"]], hide_index=True,
                 width="stretch")
ui.data_dir_caption(data)
