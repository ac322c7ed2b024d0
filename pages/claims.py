"""Claims & sources page: who said what about which event, and the source articles."""

import streamlit as st

import ui
from conflictmap.claims import stance_matrix
from conflictmap.render import sources_table
from conflictmap.select import apply_filters
from ui.i18n import headings, label, t

ui.require_entrypoint()
data = ui.dataset()
selection = apply_filters(data, ui.sidebar_filters(data))
claims = data.claims[data.claims["event_id"].isin(selection["event_id"])]

st.title(t("nav.claims"))
st.markdown(t("claims.count", claims=len(claims), events=len(selection)))

st.subheader(t("claims.matrix"))
st.caption(t("claims.matrix_help"))
matrix = stance_matrix(claims, selection)
if matrix.empty:
    st.info(t("claims.none"))
else:
    st.dataframe(matrix.apply(lambda col: col.map(lambda v: "; ".join(label("stance", s) for s in v.split("; "))
                                                  if v else "")),
                 width="stretch", column_config={"_index": st.column_config.Column(t("col.claimant"))})

st.subheader(t("claims.every"))
cols = ["claim_id", "event_id", "claimant", "spokesperson", "claimant_kind", "stance", "attributed", "quote_ar",
        "quote_en", "channel", "claim_date", "claim_date_inferred", "source_id"]
shown = claims[cols].assign(stance=claims["stance"].map(lambda s: label("stance", s)),
                            claimant_kind=claims["claimant_kind"].map(lambda s: label("kind", s)))
st.dataframe(shown, hide_index=True, width="stretch",
             column_config=headings(cols, claim_date=st.column_config.DateColumn(t("col.claim_date")),
                                    quote_ar=st.column_config.TextColumn(t("col.quote_ar"), width="large"),
                                    quote_en=st.column_config.TextColumn(t("col.quote_en"), width="large")))

st.subheader(t("claims.sources"))
sources = sources_table(data.sources)
st.dataframe(sources, hide_index=True, width="stretch",
             column_config=headings(sources.columns, url=st.column_config.LinkColumn(t("col.url")),
                                    url_not_linked=st.column_config.TextColumn(t("col.url_not_linked")),
                                    published=st.column_config.DateColumn(t("col.published"))))
ui.data_dir_caption(data)
