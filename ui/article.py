"""The page "Add from an article": read a pasted or uploaded article, review its drafts, accept them.

The work is the core's: :mod:`conflictmap.extract` reads the article, :mod:`conflictmap.extract.highlight`
marks the text, :mod:`conflictmap.extract.apply` archives it and writes the accepted drafts through the
store. This module holds the widgets and turns their values back into a ``drafts.json`` structure.
Nothing is written before the Accept button is pressed.

Widget keys carry the number of the reading (``a<n>-…``), so reading a new article starts a fresh review.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import urllib.parse
from pathlib import Path

import streamlit as st

from conflictmap import schema
from conflictmap.extract import Extractor
from conflictmap.extract.apply import ApplyError, ApplyResult, apply_drafts
from conflictmap.extract.article import Article, ArticleError, html_to_text, make_article
from conflictmap.extract.highlight import legend_html, marked_html, mentions
from conflictmap.load import default_data_dir
from conflictmap.store import StoreError, open_store

from .state import uninterrupted
from .text import md_escape

DOC, ARTICLE, MARKS = "_article_doc", "_article_article", "_article_marks"
RUN, RESULT = "_article_run", "_article_result"
SELECTED = "article_selected_claim"
NEW_PLACE, DROP_PLACE = "__new__", "__drop__"
NEW_EVENT = "__new_event__"


def _signature(data_dir: Path) -> tuple:
    return tuple((p, (data_dir / p).stat().st_mtime_ns if (data_dir / p).exists() else None)
                 for p in ("geodata/places.csv", "events.csv", "claims.csv"))


@st.cache_resource(show_spinner="Reading the gazetteer and the ledger…")
def _extractor(data_dir: str, signature: tuple) -> Extractor:
    return Extractor(data_dir)


def extractor() -> Extractor:
    """The extractor for the current data directory, rebuilt when the gazetteer or the ledger changes."""
    data_dir = default_data_dir()
    return _extractor(str(data_dir), _signature(data_dir))


def decode_upload(name: str, raw: bytes) -> tuple[str, str]:
    """An uploaded file's text (an HTML page reduced to its text) and, for HTML, the page's own hash."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1256")  # Windows Arabic, as the CLI reads it
    if name.lower().endswith((".html", ".htm")) or text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        return html_to_text(text), hashlib.sha256(raw).hexdigest()
    return text, ""


def key(*parts) -> str:
    return "a" + str(st.session_state.get(RUN, 0)) + "-" + "-".join(str(p) for p in parts)


# --- reading -------------------------------------------------------------------------------------

def input_form() -> None:
    """The article and what is known about it; on submit, the drafts are read and kept in the session."""
    with st.form("article_input"):
        text = st.text_area("Article text (paste it here)", height=220, key="article_text")
        upload = st.file_uploader("…or upload a .txt or .html file", type=["txt", "html", "htm"],
                                  key="article_upload")
        c1, c2, c3 = st.columns([2, 1, 1])
        published = c1.date_input("Publication date (required)", value=None, key="article_published",
                                  min_value=dt.date(1900, 1, 1), max_value=dt.date.today() + dt.timedelta(days=1))
        precision = c2.selectbox("known to the", ["day", "month", "year"], key="article_precision")
        language = c3.selectbox("Language", ["detect", "ar", "en"], key="article_language",
                                help="Detected from the text (Arabic or English) unless you choose one")
        c4, c5 = st.columns(2)
        outlet = c4.text_input("Outlet", key="article_outlet", help="The publisher; its own narration is claimed "
                                                                     "in its name")
        url = c5.text_input("URL", key="article_url")
        submitted = st.form_submit_button("Read the article", type="primary")
    if not submitted:
        return
    source_sha = ""
    if upload is not None:
        text, source_sha = decode_upload(upload.name, upload.getvalue())
    if published is None:
        st.error("The publication date is required: «yesterday» and weekdays are worked out from it.")
        return
    try:
        article = make_article(text or "", published, precision=precision, outlet=outlet.strip(), url=url.strip(),
                               language=None if language == "detect" else language, source_sha256=source_sha)
    except ArticleError as exc:
        st.error(f"The article cannot be read: {md_escape(exc)}")
        return
    ex = extractor()
    doc = ex.extract(article)
    st.session_state[RUN] = st.session_state.get(RUN, 0) + 1
    st.session_state[DOC] = doc
    st.session_state[ARTICLE] = article
    st.session_state[MARKS] = mentions(ex, article.text, article.published, doc)
    st.session_state.pop(RESULT, None)
    st.session_state.pop(SELECTED, None)


# --- review --------------------------------------------------------------------------------------

def claim_options(doc: dict) -> dict[str, str]:
    """``"d1:0"`` -> a label, for every claim of every draft."""
    return {f"{d['draft_id']}:{i}": f"{d['draft_id']} · {c['claimant']} ({c['stance']})"
            for d in doc["events"] for i, c in enumerate(d["claims"])}


@uninterrupted
def _select_claim(value: str) -> None:
    st.session_state[SELECTED] = value


def _selected_span(doc: dict, text: str) -> tuple[int, int] | None:
    sel = st.session_state.get(SELECTED)
    if not sel or ":" not in sel:
        return None
    did, i = sel.split(":")
    d = next((d for d in doc["events"] if d["draft_id"] == did), None)
    if d is None or int(i) >= len(d["claims"]):
        return None
    c = d["claims"][int(i)]
    quote = st.session_state.get(key(did, "c", i, "quote"), c["quote"])
    if text[c["start"]:c["end"]] == quote:
        return c["start"], c["end"]
    found = text.find(quote) if quote else -1
    return (found, found + len(quote)) if found >= 0 else (c["start"], c["end"])


def text_panel(doc: dict, article: Article) -> None:
    """The article with its marks; the chosen claim's quote strongest."""
    options = claim_options(doc)
    st.selectbox("Highlight a claim's quote", ["", *options], key=SELECTED,
                 format_func=lambda v: options.get(v, "—"))
    st.html(legend_html())
    st.html(marked_html(article.text, st.session_state.get(MARKS, []), selected=_selected_span(doc, article.text),
                        rtl=article.language == "ar"))
    st.caption(f"{len(article.text):,} characters · SHA-256 {article.sha256} · language {article.language}")


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def draft_panel(d: dict, places: dict[str, str], titles: dict[str, str]) -> None:
    """One draft's fields, editable."""
    did = d["draft_id"]
    m = d.get("match")
    head = f"{did} · {d['title_en']}" + (" · background" if d.get("background") else "")
    with st.expander(md_escape(head), expanded=not d.get("background")):
        st.checkbox("Add this draft", value=not d.get("background"), key=key(did, "include"),
                    help="Background drafts recall an earlier fact; they are left out unless you tick them")
        targets = ([m["event_id"]] if m else []) + [NEW_EVENT]
        st.selectbox("Belongs to", targets, key=key(did, "target"),
                     format_func=lambda v: "a new event" if v == NEW_EVENT else
                     f"existing event {v}: {titles.get(v, '')}")
        if m:
            st.markdown(f"Proposal: add these claims to {md_escape(m['event_id'])} "
                        f"({md_escape(titles.get(m['event_id'], ''))}), match score {m['score']}")
            st.caption("Why: " + md_escape("; ".join(m.get("reasons") or [])))
        else:
            st.markdown("Proposal: a new event (nothing in the ledger matches)")
        for dis in d.get("disagreements") or []:
            st.warning(f"Disagrees with the ledger: {md_escape(dis)}")
        for note in d.get("notes") or []:
            st.caption(md_escape(note))
        new = st.session_state.get(key(did, "target"), targets[0]) == NEW_EVENT
        if new:
            st.text_input("Title (English)", value=d["title_en"], key=key(did, "title_en"))
            st.text_input("Title (Arabic)", value=d.get("title_ar") or "", key=key(did, "title_ar"))
            c1, c2, c3 = st.columns(3)
            c1.date_input("From", value=_date(d["date_start"]), key=key(did, "date_start"))
            c2.date_input("To", value=_date(d["date_end"]), key=key(did, "date_end"))
            precisions = list(schema.DATE_PRECISIONS)
            c3.selectbox("Date precision", precisions, index=precisions.index(d["date_precision"]),
                         key=key(did, "date_precision"))
            types = list(schema.EVENT_TYPES)
            c1, c2 = st.columns(2)
            etype = c1.selectbox("Event type", types, index=types.index(d["event_type"]), key=key(did, "event_type"))
            subs = list(schema.ACLED_TAXONOMY[etype])
            sub = d["sub_event_type"] if d["sub_event_type"] in subs else subs[0]
            c2.selectbox("Sub-event type", subs, index=subs.index(sub), key=key(did, "sub_event_type"))
            if d.get("event_cue"):
                st.caption(f"Type suggested by «{md_escape(d['event_cue'])}»")
            for i, p in enumerate(d.get("places") or []):
                _place_fields(did, i, p, places)
        for i, c in enumerate(d["claims"]):
            _claim_fields(did, i, c)


def _place_fields(did: str, i: int, p: dict, places: dict[str, str]) -> None:
    options = [NEW_PLACE, DROP_PLACE, *places]
    label = p.get("name_en") or p.get("name")
    default = p["place_id"] if p.get("place_id") in places else NEW_PLACE
    choice = st.selectbox(md_escape(f"Place «{p.get('name')}»"), options, index=options.index(default),
                          key=key(did, "p", i),
                          format_func=lambda v: f"new place: {label}" if v == NEW_PLACE else
                          "leave out" if v == DROP_PLACE else f"{v} ({places[v]})")
    if choice == NEW_PLACE:
        c1, c2, c3 = st.columns(3)
        c1.number_input("lat", value=p.get("lat"), min_value=-90.0, max_value=90.0, format="%.5f",
                        key=key(did, "p", i, "lat"))
        c2.number_input("lon", value=p.get("lon"), min_value=-180.0, max_value=180.0, format="%.5f",
                        key=key(did, "p", i, "lon"))
        c3.number_input("± metres", value=p.get("precision_m"), min_value=0, step=500, key=key(did, "p", i, "prec"))
        st.caption(md_escape(f"found by: {p.get('source') or 'nothing'}; {p.get('how') or ''}"))


def _claim_fields(did: str, i: int, c: dict) -> None:
    with st.container(border=True):
        c1, c2 = st.columns([3, 1])
        c1.checkbox(f"Claim {i + 1}: add it", value=True, key=key(did, "c", i, "include"))
        c2.button("Show in text", key=key(did, "c", i, "show"), on_click=_select_claim, args=(f"{did}:{i}",))
        c1, c2, c3 = st.columns([2, 1, 1])
        c1.text_input("Claimant", value=c["claimant"], key=key(did, "c", i, "claimant"))
        stances = list(schema.STANCES)
        c2.selectbox("Stance", stances, index=stances.index(c["stance"]), key=key(did, "c", i, "stance"))
        c3.checkbox("Attributed / unverified", value=bool(c.get("attributed")), key=key(did, "c", i, "attributed"))
        c1, c2, c3 = st.columns(3)
        c1.text_input("Spokesperson", value=c.get("spokesperson") or "", key=key(did, "c", i, "spokesperson"))
        c2.text_input("Channel", value=c.get("channel") or "", key=key(did, "c", i, "channel"))
        c3.date_input("Claim date", value=_date(c.get("claim_date")), key=key(did, "c", i, "claim_date"))
        st.text_area("Quote (verbatim from the text)", value=c["quote"], key=key(did, "c", i, "quote"), height=90)
        if c.get("cue"):
            st.caption(f"Stance cue «{md_escape(c['cue'])}»")


# --- accepting -----------------------------------------------------------------------------------

def edited_doc(doc: dict) -> tuple[dict, list[str]]:
    """``doc`` with the reviewer's edits, and the ids of the drafts to add."""
    ss = st.session_state
    out = copy.deepcopy(doc)
    chosen = []
    for d in out["events"]:
        did = d["draft_id"]
        if not ss.get(key(did, "include"), not d.get("background")):
            continue
        chosen.append(did)
        if ss.get(key(did, "target")) == NEW_EVENT:
            d["match"] = None
            for f in ("title_en", "title_ar", "date_precision", "event_type", "sub_event_type"):
                d[f] = ss.get(key(did, f), d[f])
            for f in ("date_start", "date_end"):
                v = ss.get(key(did, f))
                d[f] = v.isoformat() if isinstance(v, dt.date) else d[f]
            kept = []
            for i, p in enumerate(d.get("places") or []):
                choice = ss.get(key(did, "p", i), p.get("place_id") or NEW_PLACE)
                if choice == DROP_PLACE:
                    continue
                if choice == NEW_PLACE:
                    p = {**p, "place_id": None}
                    lat, lon, prec = (ss.get(key(did, "p", i, k)) for k in ("lat", "lon", "prec"))
                    if (lat, lon) != (p.get("lat"), p.get("lon")):
                        p["source"] = "reviewer"
                    p.update(lat=lat, lon=lon, precision_m=prec)
                else:
                    p = {**p, "place_id": choice}
                kept.append(p)
            d["places"] = kept
        for i, c in enumerate(d["claims"]):
            c["include"] = ss.get(key(did, "c", i, "include"), True)
            for f in ("claimant", "stance", "spokesperson", "channel", "quote"):
                c[f] = ss.get(key(did, "c", i, f), c.get(f))
            c["attributed"] = bool(ss.get(key(did, "c", i, "attributed"), c.get("attributed")))
            v = ss.get(key(did, "c", i, "claim_date"))
            if isinstance(v, dt.date):
                c["claim_date"] = v.isoformat()
    return out, chosen


def accept(doc: dict, who: str, reason: str) -> ApplyResult | None:
    """Write the reviewed drafts through the store; errors are shown, and then nothing was written."""
    edited, chosen = edited_doc(doc)
    if not chosen:
        st.error("No draft is ticked: nothing to add.")
        return None
    try:
        with open_store() as store:
            return apply_drafts(edited, store, archive_dir=default_data_dir(), who=who, only=chosen,
                                reason=reason or "added from an article (review page)")
    except (ApplyError, StoreError) as exc:
        st.error(f"Not added: {md_escape(exc)}")
        return None


def show_result(result: dict) -> None:
    """What the last Accept added, with links to the events on the map."""
    st.success(f"Added {result['claims']} claim(s) to {len(result['events'])} event(s) "
               f"({result['new_events']} new), {result['places']} new place(s); the article is archived as "
               f"source {md_escape(result['source_id'])}.")
    st.markdown("**Open on the map:** " + " · ".join(
        f"[{md_escape(e)}](./?event={urllib.parse.quote(e)})" for e in result["events"]))
    st.caption(f"SHA-256 {result['sha256']} · archived text {md_escape(result['archived'])}")
    with st.expander("Every row added (each is in the history, by you)"):
        st.code("\n".join(result["lines"]), language=None)


def result_summary(result: ApplyResult) -> dict:
    return {"source_id": result.source_id, "sha256": result.sha256, "archived": str(result.archived),
            "events": result.events_touched(), "new_events": len(result.ids("events")),
            "claims": len(result.ids("claims")), "places": len(result.ids("places")), "lines": result.report()}
