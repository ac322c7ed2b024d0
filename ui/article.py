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

from .i18n import label, lang, t, words
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


@st.cache_resource(show_spinner=False)  # the spinner is the caller's, in the user's language
def _extractor(data_dir: str, signature: tuple) -> Extractor:
    return Extractor(data_dir)


def extractor() -> Extractor:
    """The extractor for the current data directory, rebuilt when the gazetteer or the ledger changes."""
    data_dir = default_data_dir()
    with st.spinner(t("article.reading_gazetteer")):
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
        text = st.text_area(t("article.text"), height=220, key="article_text")
        upload = st.file_uploader(t("article.upload"), type=["txt", "html", "htm"], key="article_upload")
        c1, c2, c3 = st.columns([2, 1, 1])
        published = c1.date_input(t("article.published"), value=None, key="article_published",
                                  min_value=dt.date(1900, 1, 1), max_value=dt.date.today() + dt.timedelta(days=1))
        precision = c2.selectbox(t("article.known_to"), ["day", "month", "year"], key="article_precision",
                                 format_func=words("precision."))
        language = c3.selectbox(t("article.language"), ["detect", "ar", "en"], key="article_language",
                                format_func=words("article.lang_"),
                                help=t("article.language_help"))
        c4, c5 = st.columns(2)
        outlet = c4.text_input(t("article.outlet"), key="article_outlet", help=t("article.outlet_help"))
        url = c5.text_input(t("article.url"), key="article_url")
        submitted = st.form_submit_button(t("article.read"), type="primary")
    if not submitted:
        return
    source_sha = ""
    if upload is not None:
        text, source_sha = decode_upload(upload.name, upload.getvalue())
    if published is None:
        st.error(t("article.date_required"))
        return
    try:
        article = make_article(text or "", published, precision=precision, outlet=outlet.strip(), url=url.strip(),
                               language=None if language == "detect" else language, source_sha256=source_sha)
    except ArticleError as exc:
        st.error(t("article.unreadable", error=md_escape(exc)))
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
    return {f"{d['draft_id']}:{i}": f"{d['draft_id']} · {c['claimant']} ({label('stance', c['stance'])})"
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
    st.selectbox(t("article.highlight"), ["", *options], key=SELECTED,
                 format_func=lambda v: options.get(v, "—"))
    st.html(legend_html(lang()))
    st.html(marked_html(article.text, st.session_state.get(MARKS, []), selected=_selected_span(doc, article.text),
                        rtl=article.language == "ar", lang=lang()))
    st.caption(t("article.text_facts", n=f"{len(article.text):,}", sha=article.sha256,
                 name=t(f"article.lang_{article.language}")))


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def draft_panel(d: dict, places: dict[str, str], titles: dict[str, str]) -> None:
    """One draft's fields, editable."""
    did = d["draft_id"]
    m = d.get("match")
    title = (d.get("title_ar") or d["title_en"]) if lang() == "ar" else d["title_en"]
    head = f"{did} · {title}" + (f" · {t('article.background')}" if d.get("background") else "")
    with st.expander(md_escape(head), expanded=not d.get("background")):
        st.checkbox(t("article.add_draft"), value=not d.get("background"), key=key(did, "include"),
                    help=t("article.add_draft_help"))
        targets = ([m["event_id"]] if m else []) + [NEW_EVENT]
        ln = lang()  # read now: Streamlit may call format_func outside the run (ui.i18n.words)
        st.selectbox(t("article.belongs"), targets, key=key(did, "target"),
                     format_func=lambda v: t("article.new_event", ln) if v == NEW_EVENT else
                     t("article.existing_event", ln, id=v, title=titles.get(v, "")))
        if m:
            st.markdown(t("article.proposal_add", id=md_escape(m["event_id"]),
                          title=md_escape(titles.get(m["event_id"], "")), score=m["score"]))
            st.caption(t("article.why", reasons=md_escape("; ".join(m.get("reasons") or []))))
        else:
            st.markdown(t("article.proposal_new"))
        for dis in d.get("disagreements") or []:
            st.warning(t("article.disagrees", text=md_escape(dis)))
        for note in d.get("notes") or []:
            st.caption(md_escape(note))
        new = st.session_state.get(key(did, "target"), targets[0]) == NEW_EVENT
        if new:
            st.text_input(t("article.title_en"), value=d["title_en"], key=key(did, "title_en"))
            st.text_input(t("article.title_ar"), value=d.get("title_ar") or "", key=key(did, "title_ar"))
            c1, c2, c3 = st.columns(3)
            c1.date_input(t("article.from"), value=_date(d["date_start"]), key=key(did, "date_start"))
            c2.date_input(t("article.to"), value=_date(d["date_end"]), key=key(did, "date_end"))
            precisions = list(schema.DATE_PRECISIONS)
            c3.selectbox(t("col.date_precision"), precisions, index=precisions.index(d["date_precision"]),
                         key=key(did, "date_precision"), format_func=words("precision."))
            types = list(schema.EVENT_TYPES)
            c1, c2 = st.columns(2)
            etype = c1.selectbox(t("filters.type"), types, index=types.index(d["event_type"]),
                                 key=key(did, "event_type"))
            subs = list(schema.ACLED_TAXONOMY[etype])
            sub = d["sub_event_type"] if d["sub_event_type"] in subs else subs[0]
            c2.selectbox(t("article.sub_type"), subs, index=subs.index(sub), key=key(did, "sub_event_type"))
            if d.get("event_cue"):
                st.caption(t("article.type_cue", cue=md_escape(d["event_cue"])))
            for i, p in enumerate(d.get("places") or []):
                _place_fields(did, i, p, places)
        for i, c in enumerate(d["claims"]):
            _claim_fields(did, i, c)


def _place_fields(did: str, i: int, p: dict, places: dict[str, str]) -> None:
    options = [NEW_PLACE, DROP_PLACE, *places]
    name = p.get("name_en") or p.get("name")
    default = p["place_id"] if p.get("place_id") in places else NEW_PLACE
    new_place, leave_out = t("article.new_place", name=name), t("article.leave_out")  # this run's language
    choice = st.selectbox(t("article.place", name=md_escape(p.get("name"))), options, index=options.index(default),
                          key=key(did, "p", i),
                          format_func=lambda v: new_place if v == NEW_PLACE else leave_out if v == DROP_PLACE
                          else f"{v} ({places[v]})")
    if choice == NEW_PLACE:
        c1, c2, c3 = st.columns(3)
        c1.number_input(t("col.lat"), value=p.get("lat"), min_value=-90.0, max_value=90.0, format="%.5f",
                        key=key(did, "p", i, "lat"))
        c2.number_input(t("col.lon"), value=p.get("lon"), min_value=-180.0, max_value=180.0, format="%.5f",
                        key=key(did, "p", i, "lon"))
        c3.number_input(t("article.metres"), value=p.get("precision_m"), min_value=0, step=500,
                        key=key(did, "p", i, "prec"))
        st.caption(md_escape(t("article.found_by", source=p.get("source") or t("article.nothing"),
                               how=p.get("how") or "")))


def _claim_fields(did: str, i: int, c: dict) -> None:
    with st.container(border=True):
        c1, c2 = st.columns([3, 1])
        c1.checkbox(t("article.claim_add", n=i + 1), value=True, key=key(did, "c", i, "include"))
        c2.button(t("article.show"), key=key(did, "c", i, "show"), on_click=_select_claim, args=(f"{did}:{i}",))
        c1, c2, c3 = st.columns([2, 1, 1])
        c1.text_input(t("col.claimant"), value=c["claimant"], key=key(did, "c", i, "claimant"))
        stances = list(schema.STANCES)
        c2.selectbox(t("col.stance"), stances, index=stances.index(c["stance"]), key=key(did, "c", i, "stance"),
                     format_func=words("stance."))
        c3.checkbox(t("ledger.attributed"), value=bool(c.get("attributed")), key=key(did, "c", i, "attributed"))
        c1, c2, c3 = st.columns(3)
        c1.text_input(t("col.spokesperson"), value=c.get("spokesperson") or "", key=key(did, "c", i, "spokesperson"))
        c2.text_input(t("col.channel"), value=c.get("channel") or "", key=key(did, "c", i, "channel"))
        c3.date_input(t("col.claim_date"), value=_date(c.get("claim_date")), key=key(did, "c", i, "claim_date"))
        st.text_area(t("article.quote"), value=c["quote"], key=key(did, "c", i, "quote"), height=90)
        if c.get("cue"):
            st.caption(t("article.stance_cue", cue=md_escape(c["cue"])))


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
        st.error(t("article.none_ticked"))
        return None
    try:
        with open_store() as store:
            return apply_drafts(edited, store, archive_dir=default_data_dir(), who=who, only=chosen,
                                reason=reason or "added from an article (review page)")
    except (ApplyError, StoreError) as exc:
        st.error(t("article.not_added", error=md_escape(exc)))
        return None


def show_result(result: dict) -> None:
    """What the last Accept added, with links to the events on the map."""
    st.success(t("article.added", claims=result["claims"], events=len(result["events"]), new=result["new_events"],
                 places=result["places"], source=md_escape(result["source_id"])))
    st.markdown(f"**{t('article.open_on_map')}** " + " · ".join(
        f"[{md_escape(e)}](./?event={urllib.parse.quote(e)})" for e in result["events"]))
    st.caption(t("article.archived", sha=result["sha256"], path=md_escape(result["archived"])))
    with st.expander(t("article.every_row")):
        st.code("\n".join(result["lines"]), language=None)


def result_summary(result: ApplyResult) -> dict:
    return {"source_id": result.source_id, "sha256": result.sha256, "archived": str(result.archived),
            "events": result.events_touched(), "new_events": len(result.ids("events")),
            "claims": len(result.ids("claims")), "places": len(result.ids("places")), "lines": result.report()}
