"""Claims & sources page: who said what about which event, and the source articles."""

import streamlit as st

import ui
from conflictmap.claims import STANCE_LABELS, stance_matrix
from conflictmap.render import sources_table
from conflictmap.select import apply_filters

ui.require_entrypoint()
data = ui.dataset()
selection = apply_filters(data, ui.sidebar_filters(data))
claims = data.claims[data.claims["event_id"].isin(selection["event_id"])]

st.title("Claims & sources")
st.markdown(f"**{len(claims)} claims** about the **{len(selection)} events** in the current selection.")

st.subheader("Who said what: claimant × event")
st.caption("Asserts · Denies · Aware of reports (acknowledges without confirming). Columns are events in date order.")
matrix = stance_matrix(claims, selection)
if matrix.empty:
    st.info("No claims in the current selection.")
else:
    st.dataframe(matrix.apply(lambda col: col.map(lambda v: "; ".join(STANCE_LABELS.get(s, s) for s in v.split("; "))
                                                  if v else "")),
                 width="stretch")

st.subheader("Every claim")
cols = ["claim_id", "event_id", "claimant", "spokesperson", "claimant_kind", "stance", "attributed", "quote_ar",
        "quote_en", "channel", "claim_date", "claim_date_inferred", "source_id"]
st.dataframe(claims[cols], hide_index=True, width="stretch",
             column_config={"claim_date": st.column_config.DateColumn("claim date"),
                            "quote_ar": st.column_config.TextColumn("quote (Arabic)", width="large"),
                            "quote_en": st.column_config.TextColumn("quote (English)", width="large")})

st.subheader("Sources")
st.dataframe(sources_table(data.sources), hide_index=True, width="stretch",
             column_config={"url": st.column_config.LinkColumn("url"),
                            "url_not_linked": st.column_config.TextColumn("url (not a web link, shown as text)"),
                            "published": st.column_config.DateColumn("published")})
ui.data_dir_caption(data)
