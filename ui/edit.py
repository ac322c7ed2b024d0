"""Editing the ledger in the app: one form per row of events, claims, sources or places, deletes that ask
first, and each event's history with Revert.

Everything writes through the store (``ui.data.live_store()``), which validates a row with the loader's
rules and checks its revision before writing anything; this module only turns widgets into cell texts,
shows the store's answer at the field it names, and keeps the editor's input when a save is refused.

Rerun behaviour: every write is a button callback (callbacks run before the script), so the run that
follows already reads the refreshed dataset (``ui.dataset()`` patches in the change). A form's widget
values live in session state under keys made from the table and a hash of the row id
(``ed_<table>_<hash>_<column>``), so they survive reruns and a refused save loses nothing. Who writes is
asked again inside each callback (:func:`ui.editor`): a write path reached without an editor refuses.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from conflictmap import schema
from conflictmap.editing import check_quote, propose_id
from conflictmap.load import default_data_dir
from conflictmap.store import EditConflict, InvalidRow, StillReferenced, StoreError
from conflictmap.store.rules import split_list

from .data import editor, live_store
from .i18n import t
from .state import uninterrupted
from .text import md_escape

EDITABLE = ("events", "claims", "sources", "places")
LONG_TEXT = {"summary_en", "summary_ar", "notes", "quote_ar", "quote_en", "location_note", "caption_en", "caption_ar"}
# Arabic inputs read right to left; a few mixed fields follow their own text's direction.
RTL_CSS = """<style>
[class*="st-key-rtl-"] input, [class*="st-key-rtl-"] textarea {direction: rtl; text-align: right;}
[class*="st-key-auto-"] input, [class*="st-key-auto-"] textarea {unicode-bidi: plaintext;}
</style>"""
FLASH = "_edit_flash"
ss = st.session_state


def prefix(table: str, row_id: str | None) -> str:
    """The session-state key prefix of one row's form: safe in a CSS class, whatever the id holds.

    It carries a generation, moved on whenever a form is emptied (after a save, a delete, a discard): the
    next form gets widgets the browser has never seen, so no value typed into the last one comes back."""
    digest = hashlib.sha256((row_id or "").encode("utf-8")).hexdigest()[:10] if row_id else "new"
    try:
        generation = int(ss.get("_ed_gen", 0))
    except Exception:  # outside a script run (tests computing a key): the first generation
        generation = 0
    return f"ed_{table}_{digest}" + (f"_g{generation}" if generation else "")


def _is_rtl(col: schema.Column) -> bool:
    return col.name.endswith("_ar")


def _widget_value(col: schema.Column, text: str):
    text = text or ""
    if col.kind == "bool":
        return text.strip().lower() == "true"
    if col.kind == "list":
        return split_list(text) if col.refs else text
    return text


def _cell(col: schema.Column, value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return schema.LIST_SEPARATOR.join(value)
    return "" if value is None else str(value).strip()


def _clear(p: str) -> None:
    for k in [k for k in ss if isinstance(k, str) and k.startswith(p + "_")]:
        del ss[k]
    ss["_ed_gen"] = int(ss.get("_ed_gen", 0)) + 1


def _load_row(p: str, table: str, row_id: str | None, defaults: dict[str, str]) -> bool:
    """Fill the form's widgets from the stored row (or the defaults) once; False when the row is gone."""
    if f"{p}__rev" in ss:
        return True
    tbl = schema.TABLES[table]
    if row_id is not None:
        row = live_store().get(table, row_id)
        if row is None:
            return False
        values, rev = row.values, row.revision
    else:
        values, rev = {c: defaults.get(c, "") for c in tbl.column_names}, None
    for col in tbl.columns:
        ss[f"{p}_{col.name}"] = _widget_value(col, values.get(col.name, ""))
    ss[f"{p}__rev"] = rev
    return True


def _values(p: str, table: str) -> dict[str, str]:
    tbl = schema.TABLES[table]
    return {col.name: _cell(col, ss.get(f"{p}_{col.name}")) for col in tbl.columns}


def _free_id(table: str, values: dict[str, str]) -> str:
    """The proposed id, made unique against the stored table (a few candidates per look-up)."""
    store = live_store()
    base = propose_id(table, values, set())
    tried: set[str] = set()
    for batch in range(0, 1000, 20):
        candidates = {base} | {f"{base}-{n}" for n in range(max(2, batch), batch + 20)}
        taken = store.existing_ids(table, candidates) | tried
        free = propose_id(table, values, taken)
        if free in candidates and free not in taken:
            return free
        tried |= candidates
    raise StoreError(f"no free id near {base!r}")


def _quote_check(values: dict[str, str], data):
    """The quote against the source's archived text: <data>/sources/<sha256>.txt, else the seed archive."""
    src = data.sources[data.sources["source_id"] == values.get("source_id", "")]
    row = src.iloc[0] if len(src) else {}
    return check_quote(values.get("quote_ar", ""), str(row.get("text_file", "") or ""),
                       data.data_dir or default_data_dir(), sha256=str(row.get("sha256", "") or ""))


@uninterrupted
def _save(p: str, table: str, row_id: str | None, data, selects_event: bool) -> None:
    ss.pop(f"{p}__issues", None)
    who = editor()
    if who is None:  # the control is hidden when nobody may write; a write reached anyway is refused here
        ss[f"{p}__issues"] = {"": t("edit.off_nothing_saved")}
        return
    store = live_store()
    values = _values(p, table)
    tbl = schema.TABLES[table]
    if table == "claims":
        qc = _quote_check(values, data)
        if qc.ok is False:
            ss[f"{p}__issues"] = {"quote_ar": t(qc.key, **qc.values)}
            return
    if table == "story_steps" and (issue := _step_claim_issue(values, data)):
        ss[f"{p}__issues"] = {"claim_id": issue}
        return
    reason = (ss.get(f"{p}__reason") or "").strip()
    try:
        if row_id is None:
            if len(tbl.key_columns) == 1:  # a composite key (a story's step) is given, never proposed
                values[tbl.key_columns[0]] = _free_id(table, values)
            change = store.create(table, values, who=who, reason=reason)
        else:
            change = store.update(table, row_id, {k: v for k, v in values.items() if k not in tbl.key_columns},
                                  ss[f"{p}__rev"], who=who, reason=reason)
    except InvalidRow as exc:
        ss[f"{p}__issues"] = {i.column or "": f"{i.message} (value {i.value!r})" if i.value else i.message
                              for i in exc.issues}
        return
    except EditConflict as exc:
        ss[f"{p}__conflict"] = exc
        return
    except StoreError as exc:
        ss[f"{p}__issues"] = {"": str(exc)}
        return
    _clear(p)
    ss[FLASH] = t("edit.saved", id=change.change_id, op=change.op, table=table, row_id=change.row_id)
    if selects_event and table in ("events", "claims"):
        ss["selected_event"] = change.new.get("event_id") or ss.get("selected_event")
        ss["highlight_claim"] = change.row_id if table == "claims" else None


def _step_claim_issue(values: dict[str, str], data) -> str | None:
    """A story step's highlighted claim must be one of the step's event's claims (else the ledger shows none)."""
    claim = values.get("claim_id") or ""
    if not claim:
        return None
    found = data.claims.loc[data.claims["claim_id"] == claim, "event_id"]
    if len(found) and found.iloc[0] != values.get("event_id"):
        return t("edit.step_claim_event", claim=claim, event=values.get("event_id") or "—")
    return None


@uninterrupted
def _rebase(p: str, revision: int) -> None:
    """Keep the editor's input and take the stored revision as its base: the next save replaces it, knowingly."""
    ss[f"{p}__rev"] = revision
    ss.pop(f"{p}__conflict", None)


@uninterrupted
def _discard(p: str) -> None:
    _clear(p)


def _conflict_box(p: str, exc: EditConflict) -> None:
    st.error(md_escape(str(exc).split(" Differences:")[0]) + " " + t("edit.conflict_kept"),
             icon=":material/sync_problem:")
    by = t("edit.current_by", who=exc.last_change.who) if exc.last_change else t("edit.current")
    st.dataframe(pd.DataFrame(exc.differences, columns=[t("edit.column"), t("edit.yours"), by]), hide_index=True,
                 width="stretch", key=f"{p}__diff")
    a, b = st.columns(2)
    if exc.current is not None and exc.current_revision is not None:
        a.button(t("edit.rebase"), key=f"{p}__rebase", on_click=_rebase, args=(p, exc.current_revision),
                 help=t("edit.rebase_help"))
    b.button(t("edit.discard"), key=f"{p}__discard", on_click=_discard, args=(p,))


def _labels(frame: pd.DataFrame, key: str, *cols: str) -> dict[str, str]:
    out = {}
    for row in frame[[key, *cols]].itertuples(index=False):
        bits = [str(x) for x in row[1:] if isinstance(x, str) and x]
        out[row[0]] = f"{' · '.join(bits)} ({row[0]})" if bits else row[0]
    return out


def _field(p: str, col: schema.Column, data, fixed: dict[str, str], issue: str | None) -> None:
    key = f"{p}_{col.name}"
    label = col.name + (" *" if col.required else "")
    wrap = f"rtl-{key}" if _is_rtl(col) else f"auto-{key}" if col.kind in ("text", "list") else f"f-{key}"
    with st.container(key=wrap):
        if col.name in fixed:
            st.text_input(label, value=fixed[col.name], disabled=True, key=f"{key}__shown")
        elif col.name == "place_ids":
            options = _labels(data.places, "place_id", "name_en", "name_ar")
            chosen = [x for x in ss.get(key) or [] if x in options] if isinstance(ss.get(key), list) else []
            ss[key] = chosen
            st.multiselect(label, list(options), format_func=lambda i: options.get(i, i), key=key,
                           help=t("edit.place_ids_help"))
            _gazetteer_search(key, data)
        elif col.refs == "claims":  # a story step's claim: one of its event's claims
            event = ss.get(f"{p}_event_id") or ""
            claims = data.claims[data.claims["event_id"] == event]
            options = _labels(claims, "claim_id", "claimant", "stance")
            if ss.get(key) and ss[key] not in options:
                options[ss[key]] = ss[key]
            st.selectbox(label, ["", *options], format_func=lambda i: options.get(i, "—"), key=key,
                         help=col.description)
        elif col.refs in ("sources", "events"):
            frame = data.sources if col.refs == "sources" else data.events
            options = _labels(frame, col.name, *(("outlet", "title") if col.refs == "sources" else ("title_en",)))
            if ss.get(key) and ss[key] not in options:
                options[ss[key]] = ss[key]
            st.selectbox(label, ["", *options], format_func=lambda i: options.get(i, "—"), key=key,
                         help=col.description)
        elif col.kind == "bool":
            st.checkbox(label, key=key, help=col.description)
        elif col.choices or col.name == "sub_event_type":
            choices = [str(c) for c in col.choices]
            if col.name == "sub_event_type":
                choices = list(schema.ACLED_TAXONOMY.get(ss.get(f"{p}_event_type") or "", ())) or \
                    [s for subs in schema.ACLED_TAXONOMY.values() for s in subs]
            if ss.get(key) and ss[key] not in choices:
                choices.append(ss[key])
            st.selectbox(label, ["", *choices], format_func=lambda c: c or "—", key=key, help=col.description)
        elif col.name in LONG_TEXT:
            st.text_area(label, key=key, help=col.description, height=90)
        else:
            st.text_input(label, key=key, help=col.description,
                          placeholder=t("edit.date_placeholder") if col.kind == "date" else "")
        if issue:
            st.error(md_escape(issue), icon=":material/error:")


def row_form(data, table: str, row_id: str | None = None, *, defaults: dict[str, str] | None = None,
             fixed: dict[str, str] | None = None, selects_event: bool = False) -> None:
    """The form for one row (``row_id`` None: a new row, its id proposed), with Save and an optional reason.

    ``fixed`` columns are shown but not editable (a claim added from an event's ledger keeps that event).
    """
    store = live_store()
    if editor() is None or store is None:
        return
    st.html(RTL_CSS)
    tbl = schema.TABLES[table]
    p = prefix(table, row_id)
    fixed = dict(fixed or {})
    if not _load_row(p, table, row_id, {**(defaults or {}), **fixed}):
        st.warning(md_escape(t("edit.gone", table=table, row_id=row_id)))
        return
    for c, v in fixed.items():
        ss[f"{p}_{c}"] = v
    if (exc := ss.get(f"{p}__conflict")) is not None:
        _conflict_box(p, exc)
    issues = ss.get(f"{p}__issues") or {}
    known = set(tbl.column_names)
    for col_name, message in issues.items():
        if col_name not in known:
            st.error(md_escape(message), icon=":material/error:")
    key_col = tbl.key_columns[0]
    if row_id is not None:
        shown_id = row_id
    elif len(tbl.key_columns) > 1:
        shown_id = "/".join(str(fixed.get(k, "")) for k in tbl.key_columns)
    else:
        shown_id = propose_id(table, _values(p, table), set())
    st.text_input(f"{key_col} ({t('edit.id_proposed') if row_id is None else t('edit.id_fixed')})",
                  value=shown_id, disabled=True, key=f"{p}__id_{shown_id}")
    for col in tbl.columns:
        if col.name == key_col:
            continue
        _field(p, col, data, fixed, issues.get(col.name))
        if table == "claims" and col.name == "quote_ar":
            qc = _quote_check(_values(p, table), data)
            if qc.ok is not False and ss.get(f"{p}_quote_ar"):
                (st.caption if qc.ok else st.warning)(md_escape(t(qc.key, **qc.values)))
    st.text_input(t("edit.reason"), key=f"{p}__reason")
    st.button(t("edit.save") if row_id else t(f"edit.add_{table}"), type="primary", key=f"{p}__save", on_click=_save,
              args=(p, table, row_id, data, selects_event))


# --- places: the gazetteer and GeoNames -----------------------------------------------------------------

@st.cache_resource(max_entries=4)
def _resolver(places_rows: tuple, geonames: bool):
    from conflictmap.geocode import PlaceResolver

    rows = [dict(r) for r in places_rows]
    return PlaceResolver(rows) if geonames else PlaceResolver(rows, countries=())


def _places_key(data) -> tuple:
    cols = ["place_id", "name_en", "name_ar", "alt_names", "kind", "lat", "lon", "coord_source",
            "coord_precision_m", "country", "admin1"]
    return tuple(tuple(sorted(r.items())) for r in data.places[cols].astype(str).to_dict("records"))


@uninterrupted
def _add_place(key: str, place_id: str) -> None:
    ss[key] = [*[p for p in ss.get(key) or [] if p != place_id], place_id]


def _gazetteer_search(key: str, data) -> None:
    """A search of the gazetteer by any spelling (Arabic normalised, transliterations, prefixes): Add puts the
    place on the event. A place not in the gazetteer is added on the Edit the ledger page, Places."""
    name = st.text_input(t("edit.gazetteer_search"), key=f"{key}__search",
                         placeholder=t("edit.gazetteer_placeholder"))
    if not name.strip():
        return
    result = _resolver(_places_key(data), False).resolve(name, use_online=False)
    found = [c for c in result.candidates if c.place_id]
    if not found:
        st.caption(t("edit.not_in_gazetteer"))
    for c in found[:5]:
        st.button(md_escape(t("edit.add_place_to_event", name=c.name, place_id=c.place_id)),
                  key=f"{key}__add_{c.place_id}", on_click=_add_place,
                  args=(key, c.place_id))


@uninterrupted
def _use_candidate(p: str, cand: dict) -> None:
    for col, value in cand.items():
        if value not in (None, ""):
            ss[f"{p}_{col}"] = value


def place_lookup(data, row_id: str | None) -> None:
    """For a place's form: look a name up in the gazetteer and GeoNames (offline) and fill the coordinate with
    where it came from (coord_source) and its precision."""
    if editor() is None or live_store() is None:
        return
    p = prefix("places", row_id)
    name = st.text_input(t("edit.lookup"),
                         key=f"{p}__lookup")
    if not name.strip():
        return
    result = _resolver(_places_key(data), True).resolve(name, use_online=False)
    if not result.candidates:
        st.caption(t("edit.nothing_found") + " " + md_escape(result.note))
    for i, c in enumerate(result.candidates[:5]):
        cand = {"lat": f"{c.lat:.5f}", "lon": f"{c.lon:.5f}", "coord_source": c.coord_source,
                "coord_precision_m": str(int(c.precision_m)), "coord_inferred": False,
                "geonames_id": str(c.geonames_id or ""), "country": c.country, "admin1": c.admin1}
        if row_id is None:
            cand |= {"name_en": ss.get(f"{p}_name_en") or c.name, "name_ar": ss.get(f"{p}_name_ar") or c.name_ar}
        st.button(md_escape(t("edit.use_candidate", what=c.describe())), key=f"{p}__use_{i}", on_click=_use_candidate,
                  args=(p, cand))


# --- deleting -------------------------------------------------------------------------------------

@uninterrupted
def _ask(p: str, on: bool) -> None:
    ss[f"{p}__confirm"] = on
    ss.pop(f"{p}__delete_error", None)


@uninterrupted
def _delete(p: str, table: str, row_id: str, with_claims: list[str]) -> None:
    who = editor()
    if who is None:
        ss[f"{p}__delete_error"] = t("edit.off_nothing_deleted")
        return
    store = live_store()
    reason = (ss.get(f"{p}__delete_reason") or "").strip()
    try:
        # Check every row first: a refusal half-way would leave the claims deleted and the event kept.
        rows = {("claims", c): store.get("claims", c) for c in with_claims}
        rows[(table, row_id)] = store.get(table, row_id)
        blockers = [r for c in with_claims for r in store.referrers("claims", c)]
        blockers += [r for r in store.referrers(table, row_id) if not (r[0] == "claims" and r[1] in with_claims)]
        if blockers:
            raise StillReferenced(table, row_id, blockers)
        done = []
        for (tbl, rid), row in rows.items():
            if row is None:
                continue
            done.append(store.delete(tbl, rid, row.revision, who=who, reason=reason).change_id)
    except StoreError as exc:
        ss[f"{p}__delete_error"] = str(exc)
        return
    _clear(p)
    ss[FLASH] = t("edit.deleted_with_claims" if with_claims else "edit.deleted", table=table, row_id=row_id,
                  n=len(with_claims), changes=", ".join(f"#{d}" for d in done))
    if table == "events" and ss.get("selected_event") == row_id:
        ss["selected_event"] = None


def delete_controls(data, table: str, row_id: str) -> None:
    """A Delete button that asks first; deleting an event that has claims asks what to do with them."""
    if editor() is None or live_store() is None:
        return
    p = prefix(table, row_id)
    if err := ss.get(f"{p}__delete_error"):
        st.error(md_escape(err))
    if not ss.get(f"{p}__confirm"):
        st.button(t(f"edit.delete_{table}"), key=f"{p}__delete", on_click=_ask, args=(p, True))
        return
    claims = data.claims.loc[data.claims["event_id"] == row_id, "claim_id"].tolist() if table == "events" else []
    with st.container(border=True):
        if claims:
            st.warning(t("edit.event_has_claims", n=len(claims)))
        else:
            st.warning(md_escape(t("edit.delete_ask", table=table, row_id=row_id)))
        st.text_input(t("edit.reason_optional"), key=f"{p}__delete_reason")
        a, b = st.columns(2)
        a.button(t("edit.delete_event_and_claims", n=len(claims)) if claims else t("edit.delete"), type="primary",
                 key=f"{p}__delete_yes", on_click=_delete, args=(p, table, row_id, claims))
        b.button(t("edit.cancel"), key=f"{p}__delete_no", on_click=_ask, args=(p, False))


# --- history ---------------------------------------------------------------------------------------

@uninterrupted
def _revert(change_id: int) -> None:
    who = editor()
    if who is None:
        ss["_revert_result"] = ("error", t("edit.off_nothing_reverted"))
        return
    try:
        ch = live_store().revert(change_id, who=who)
    except StoreError as exc:
        ss["_revert_result"] = ("error", str(exc))
    else:
        ss["_revert_result"] = ("ok", t("edit.reverted", id=change_id, new=ch.change_id))


def _diff(ch) -> pd.DataFrame:
    old, new = ch.old or {}, ch.new or {}
    cols = [c for c in schema.TABLES[ch.table].column_names if old.get(c, "") != new.get(c, "")]
    return pd.DataFrame({t("edit.column"): cols, t("edit.old"): [old.get(c, "") for c in cols],
                         t("edit.new"): [new.get(c, "") for c in cols]})


def history_view(event_id: str) -> None:
    """The event's recorded changes and its claims', newest first, each with Revert for an editor.
    Read-only: the history itself cannot be edited."""
    store = live_store()
    if store is None:
        st.caption(t("edit.no_history_imported"))
        return
    changes_view(store.history(event_id=event_id), t("edit.no_history_event"))


def changes_view(changes, empty: str) -> None:
    """Recorded changes, newest first, each with its old and new values and, for an editor, Revert."""
    if result := ss.pop("_revert_result", None):
        (st.success if result[0] == "ok" else st.error)(md_escape(result[1]))
    if not changes:
        st.caption(empty)
        return
    may_write = editor() is not None
    for ch in reversed(changes):
        with st.container(border=True, key=f"hist-{ch.change_id}"):
            head = f"**#{ch.change_id}** · {md_escape(ch.at)} · {md_escape(ch.who)} · {ch.op} {ch.table} " \
                   f"`{ch.row_id.replace('`', '')}`"
            if ch.reverts:
                head += " · " + t("edit.reverts", id=ch.reverts)
            st.markdown(head + (f" — {md_escape(ch.reason)}" if ch.reason else ""))
            st.dataframe(_diff(ch), hide_index=True, width="stretch", key=f"hist-diff-{ch.change_id}")
            if may_write:
                st.button(t("edit.revert"), key=f"revert-{ch.change_id}", on_click=_revert, args=(ch.change_id,),
                          help=t("edit.revert_help"))


def flash() -> None:
    """The last save's or delete's confirmation, shown once."""
    if message := ss.pop(FLASH, None):
        st.success(md_escape(message), icon=":material/check_circle:")


# --- the map page: under the open ledger ---------------------------------------------------------------

def edit_controls(data, event_id: str) -> None:
    """Under an event's ledger: History for everyone; Add a claim, Edit and Delete for an editor."""
    may_write = editor() is not None and live_store() is not None
    flash()
    actions = ["History"] + (["Add a claim", "Edit"] if may_write else [])
    # The options are fixed names (tests and the URL know them); only their labels follow the language.
    labels = {"History": t("edit.action_history"), "Add a claim": t("edit.action_add_claim"),
              "Edit": t("edit.action_edit")}
    choice = st.segmented_control(t("edit.actions"), actions, key=f"ed_action_{prefix('events', event_id)}",
                                  format_func=labels.get, label_visibility="collapsed")
    if choice == "History":
        history_view(event_id)
    elif choice == "Add a claim" and may_write:
        st.markdown(f"**{t('edit.add_claim_title')}**")
        row_form(data, "claims", None, fixed={"event_id": event_id}, selects_event=True,
                 defaults={"claim_date_precision": "day"})
    elif choice == "Edit" and may_write:
        claims = data.claims[data.claims["event_id"] == event_id]
        options = {None: t("edit.this_event"), **{c.claim_id: t("edit.claim_option", claimant=c.claimant,
                                                                                stance=c.stance, id=c.claim_id)
                                                  for c in claims.itertuples(index=False)}}
        which = st.selectbox(t("edit.what_to_edit"), list(options), format_func=options.get,
                             key=f"ed_which_{prefix('events', event_id)}")
        if which is None:
            row_form(data, "events", event_id, selects_event=True)
            delete_controls(data, "events", event_id)
        else:
            row_form(data, "claims", which, selects_event=True)
            delete_controls(data, "claims", which)
