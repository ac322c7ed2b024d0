"""Import page: upload an ACLED export or a UCDP GED CSV, see what it becomes, take the tables away.

The conversion is :func:`conflictmap.importers.import_bytes`, the same code as
``python -m conflictmap import`` and ``CONFLICTMAP_DATA=FILE``. Saving is
limited to folders under ``$CONFLICTMAP_IMPORT_DIR`` (default
``~/conflictmap-imports``) so that a visitor cannot write anywhere else on the
server, and shown only to someone who may write (``ui.editor()``; ``CONFLICTMAP_EDIT=off`` hides it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import streamlit as st

import ui
from conflictmap import importers
from conflictmap.export import events_table
from conflictmap.load import DataError
from ui.i18n import headings, label, t

ui.require_entrypoint()

SAVE_ROOT = Path(os.environ.get("CONFLICTMAP_IMPORT_DIR", "~/conflictmap-imports")).expanduser()
PREVIEW_ROWS = 200


@st.cache_resource(show_spinner=False, max_entries=2, ttl=3600)  # the spinner is the page's own (its language)
def convert(content: bytes, name: str):
    """One shared, read-only result per distinct upload: keyed on the bytes, never on the file object
    (whose read position would change the key). Do not mutate what it returns."""
    return importers.import_bytes(content, name)


st.title(t("import.title"))
st.markdown(t("import.intro"))
upload = st.file_uploader(t("import.upload"), type=["csv"], help=t("import.upload_help"))
if upload is None:
    st.info(t("import.choose"))
    st.stop()

try:
    with st.spinner(t("import.converting")):
        data = convert(upload.getvalue(), upload.name)
except DataError as exc:
    st.error(t("import.cannot"))
    st.text(str(exc))
    st.stop()
except OSError as exc:  # never a traceback for a file we could not stage
    st.error(t("import.unreadable", error=type(exc).__name__))
    st.stop()

issues = pd.DataFrame([vars(i) for i in data.issues], columns=["severity", "file", "row", "column", "value",
                                                                "message"])
errors = issues[issues["severity"] == "error"]
cols = st.columns(5)
cols[0].metric(t("nav.events"), len(data.events))
cols[1].metric(t("import.claims"), len(data.claims))
cols[2].metric(t("nav.places"), len(data.places))
cols[3].metric(t("import.set_aside"), int(errors[errors["row"] > 0][["row"]].drop_duplicates().shape[0]))
cols[4].metric(t("quality.warnings"), int((issues["severity"] == "warning").sum()))

if issues.empty:
    st.success(t("import.all_converted"))
else:
    st.subheader(t("import.problems"))
    st.caption(t("import.problems_help"))
    st.dataframe(issues.assign(severity=issues["severity"].map(lambda s: label("severity", s))), hide_index=True,
                 column_config=headings(issues.columns))

st.subheader(t("import.preview"))
tabs = st.tabs([t("nav.events"), t("import.claims"), t("nav.places"), t("import.sources")])
preview = [events_table(data.events).head(PREVIEW_ROWS), data.claims.drop(columns="row").head(PREVIEW_ROWS),
           data.places.drop(columns="row").head(PREVIEW_ROWS), data.sources.drop(columns="row")]
for tab, table in zip(tabs, preview, strict=True):
    tab.dataframe(table, hide_index=True, column_config=headings(table.columns))
if len(data.events) > PREVIEW_ROWS:
    st.caption(t("import.first_rows", n=PREVIEW_ROWS))

st.subheader(t("import.keep"))
stem = re.sub(r"[^\w-]+", "-", Path(upload.name).stem).strip("-") or "import"
st.download_button(t("import.download"), data=lambda: importers.tables_zip(data),
                   file_name=f"{stem}-conflictmap.zip", mime="application/zip", help=t("import.download_help"))
# Server paths only for the person at the machine (ui.edit_mode): a hosted app's visitors see names only.
at_machine = ui.edit_mode() == "local"
where_saved = ui.md_escape(SAVE_ROOT) if at_machine else t("import.server_folder")
if ui.editor() is None:  # off, or a visitor who is not an editor: the tables can be downloaded, not saved
    st.stop()
with st.form("save"):
    folder = st.text_input(t("import.folder"), value=stem, help=t("import.folder_help", where=where_saved))
    force = st.checkbox(t("import.replace"))
    save = st.form_submit_button(t("import.save"))
if save and ui.editor() is None:  # never reached while the form is hidden; refused in code all the same
    st.error(t("common.editing_off"))
elif save:
    root = SAVE_ROOT.resolve()
    target = (root / folder.strip()).resolve()
    if not folder.strip() or target == root or not target.is_relative_to(root):
        st.error(t("import.inside", where=where_saved))
    else:
        try:
            importers.write_tables(data, target, force=force)
        except OSError as exc:
            st.error(t("import.not_saved"))
            st.text(str(exc) if at_machine else type(exc).__name__)
        else:
            if at_machine:
                st.success(t("import.saved_local"))
                st.code(f"CONFLICTMAP_DATA={target} streamlit run app.py", language="bash")
            else:
                st.success(t("import.saved_remote", name=ui.md_escape(target.name)))
