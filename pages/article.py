"""Add from an article: paste or upload a report, review the drafts it gives, accept them into the ledger.

Nothing is written until "Accept" is pressed; then the article is archived with its SHA-256 and the chosen
drafts are added through the store, recorded in the history under ``ui.editor()``.
"""

import streamlit as st

import ui
from ui import article as page
from ui.i18n import t

ui.require_entrypoint()
st.title(t("nav.article"))
who = ui.editor()
if who is None:
    st.info(t("article.off"))
    st.stop()

st.caption(t("article.intro"))
done = st.session_state.get(page.RESULT)
if done:
    page.show_result(done)

page.input_form()
doc = st.session_state.get(page.DOC)
article = st.session_state.get(page.ARTICLE)
if doc is not None and article is not None:
    data = ui.dataset()
    places = dict(zip(data.places["place_id"], data.places["name_en"], strict=True))
    titles = dict(zip(data.events["event_id"], data.events["title_en"], strict=True))
    n_claims = sum(len(d["claims"]) for d in doc["events"])
    st.subheader(t("article.drafts", n=len(doc["events"]), claims=n_claims))
    left, right = st.columns(2)
    with left:
        page.text_panel(doc, article)
    with right:
        if not doc["events"]:
            st.info(t("article.no_claims"))
        for d in doc["events"]:
            page.draft_panel(d, places, titles)
        reason = st.text_input(t("article.reason"), key=page.key("reason"))
        if st.button(t("article.accept"), type="primary", key=page.key("accept"),
                     help=t("article.accept_help", who=who)):
            result = page.accept(doc, who, reason)
            if result is not None:
                st.session_state[page.RESULT] = page.result_summary(result)
                st.session_state.pop(page.DOC, None)
                st.session_state.pop(page.ARTICLE, None)
                st.rerun()
