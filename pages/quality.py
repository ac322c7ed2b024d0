"""Data quality page: every row set aside at load time, and why."""

import pandas as pd
import streamlit as st

import ui
from ui.i18n import headings, label, t

ui.require_entrypoint()
data = ui.dataset()
st.title(t("nav.quality"))
issues = pd.DataFrame([vars(i) for i in data.issues], columns=["severity", "file", "row", "column", "value", "message"])
errors = (issues["severity"] == "error").sum()
warnings = len(issues) - errors
c = st.columns(3)
c[0].metric(t("quality.rejected"),
            int(issues.loc[issues["severity"] == "error", ["file", "row"]].drop_duplicates().shape[0]))
c[1].metric(t("quality.errors"), int(errors))
c[2].metric(t("quality.warnings"), int(warnings))
if issues.empty:
    st.success(t("quality.all_loaded"))
else:
    st.caption(t("quality.help"))
    # The messages are the loader's own (English, as in `python -m conflictmap validate`); the severity is a label.
    shown = issues[["severity", "file", "row", "column", "value", "message"]].assign(
        severity=issues["severity"].map(lambda s: label("severity", s)))
    st.dataframe(shown, hide_index=True, width="stretch", column_config=headings(shown.columns))
ui.data_dir_caption(data)
