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

ui.require_entrypoint()

SAVE_ROOT = Path(os.environ.get("CONFLICTMAP_IMPORT_DIR", "~/conflictmap-imports")).expanduser()
PREVIEW_ROWS = 200


@st.cache_resource(show_spinner="Converting…", max_entries=2, ttl=3600)
def convert(content: bytes, name: str):
    """One shared, read-only result per distinct upload: keyed on the bytes, never on the file object
    (whose read position would change the key). Do not mutate what it returns."""
    return importers.import_bytes(content, name)


st.title("Import data")
st.markdown(
    "Upload an **ACLED export** (either date style, `2018-06-03` or `03 June 2018`) or a **UCDP GED** CSV. "
    "The format is recognised from the header. Each source an event names becomes a claim; rows that cannot be "
    "used are listed with their row number in your file, and the rest convert. The mapping is documented in "
    "`docs/import-mapping.md`; the same conversion runs for `python -m conflictmap import FILE --out DIR` and "
    "for `CONFLICTMAP_DATA=FILE`.")
upload = st.file_uploader("ACLED export or UCDP GED file", type=["csv"],
                          help="A CSV with the header row the export came with. Windows Arabic (cp1256) is "
                               "read too, with a warning.")
if upload is None:
    st.info("Choose a file to see what it converts to. Nothing is saved until you ask.")
    st.stop()

try:
    data = convert(upload.getvalue(), upload.name)
except DataError as exc:
    st.error("This file cannot be imported.")
    st.text(str(exc))
    st.stop()
except OSError as exc:  # never a traceback for a file we could not stage
    st.error(f"This upload could not be read ({type(exc).__name__}). Rename the file to something.csv and "
             "upload it again.")
    st.stop()

issues = pd.DataFrame([vars(i) for i in data.issues], columns=["severity", "file", "row", "column", "value",
                                                                "message"])
errors = issues[issues["severity"] == "error"]
cols = st.columns(5)
cols[0].metric("Events", len(data.events))
cols[1].metric("Claims", len(data.claims))
cols[2].metric("Places", len(data.places))
cols[3].metric("Rows set aside", int(errors[errors["row"] > 0][["row"]].drop_duplicates().shape[0]))
cols[4].metric("Warnings", int((issues["severity"] == "warning").sum()))

if issues.empty:
    st.success("Every row converted.")
else:
    st.subheader("Problems")
    st.caption("Rows are numbered as in a spreadsheet (the header is row 1). A row with an error is set aside; "
               "warnings are informational.")
    st.dataframe(issues, hide_index=True)

st.subheader("Preview")
tabs = st.tabs(["Events", "Claims", "Places", "Source"])
tabs[0].dataframe(events_table(data.events).head(PREVIEW_ROWS), hide_index=True)
tabs[1].dataframe(data.claims.drop(columns="row").head(PREVIEW_ROWS), hide_index=True)
tabs[2].dataframe(data.places.drop(columns="row").head(PREVIEW_ROWS), hide_index=True)
tabs[3].dataframe(data.sources.drop(columns="row"), hide_index=True)
if len(data.events) > PREVIEW_ROWS:
    st.caption(f"The first {PREVIEW_ROWS} rows of each table are shown.")

st.subheader("Keep the converted tables")
stem = re.sub(r"[^\w-]+", "-", Path(upload.name).stem).strip("-") or "import"
st.download_button("Download the tables (zip)", data=lambda: importers.tables_zip(data),
                   file_name=f"{stem}-conflictmap.zip", mime="application/zip",
                   help="events.csv, claims.csv, sources.csv and geodata/places.csv, laid out as a data directory.")
# Server paths only for the person at the machine (ui.edit_mode): a hosted app's visitors see names only.
at_machine = ui.edit_mode() == "local"
where_saved = ui.md_escape(SAVE_ROOT) if at_machine else "the server's import folder"
if ui.editor() is None:  # off, or a visitor who is not an editor: the tables can be downloaded, not saved
    st.stop()
with st.form("save"):
    folder = st.text_input("Or save them into a folder", value=stem,
                           help=f"A folder inside {where_saved} (set CONFLICTMAP_IMPORT_DIR to change where). "
                                "It is written whole or not at all.")
    force = st.checkbox("Replace the tables if the folder already has files in it")
    save = st.form_submit_button("Save")
if save and ui.editor() is None:  # never reached while the form is hidden; refused in code all the same
    st.error("Editing is off: nothing was saved.")
elif save:
    root = SAVE_ROOT.resolve()
    target = (root / folder.strip()).resolve()
    if not folder.strip() or target == root or not target.is_relative_to(root):
        st.error(f"Choose a folder inside {where_saved}.")
    else:
        try:
            importers.write_tables(data, target, force=force)
        except OSError as exc:
            st.error("The tables were not saved.")
            st.text(str(exc) if at_machine else type(exc).__name__)
        else:
            if at_machine:
                st.success("Saved. To open them in the dashboard:")
                st.code(f"CONFLICTMAP_DATA={target} streamlit run app.py", language="bash")
            else:
                st.success(f"Saved as {ui.md_escape(target.name)} in the server's import folder.")
