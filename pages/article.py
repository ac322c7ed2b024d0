"""Add from an article: paste or upload a report, review the drafts it gives, accept them into the ledger.

Nothing is written until "Accept" is pressed; then the article is archived with its SHA-256 and the chosen
drafts are added through the store, recorded in the history under ``ui.editor()``.
"""

import streamlit as st

import ui
from ui import article as page

ui.require_entrypoint()
st.title("Add from an article")
who = ui.editor()
if who is None:
    st.info("Editing is off on this server, so articles cannot be added here. Someone with write access can run "
            "`python -m conflictmap extract` and `python -m conflictmap apply` (see the README).")
    st.stop()

st.caption("Paste a report (Arabic or English), give its publication date, and read it: the places, dates, claimants, "
           "cue words and quotes found are marked in the text, and the draft events are listed beside it. Correct "
           "what is wrong, tick what to add, and press Accept. Nothing enters the ledger before that.")
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
    st.subheader(f"{len(doc['events'])} draft event(s), {n_claims} claim(s)")
    left, right = st.columns(2)
    with left:
        page.text_panel(doc, article)
    with right:
        if not doc["events"]:
            st.info("No claims were found in this text.")
        for d in doc["events"]:
            page.draft_panel(d, places, titles)
        reason = st.text_input("Reason (recorded in the history)", key=page.key("reason"))
        if st.button("Accept", type="primary", key=page.key("accept"),
                     help=f"Archive the article and add the ticked drafts, as {who}"):
            result = page.accept(doc, who, reason)
            if result is not None:
                st.session_state[page.RESULT] = page.result_summary(result)
                st.session_state.pop(page.DOC, None)
                st.session_state.pop(page.ARTICLE, None)
                st.rerun()
