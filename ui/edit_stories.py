"""Editing stories and their steps on the Edit the ledger page: a story's titles and summaries (English and
Arabic), its steps (event, highlighted claim, captions, map view, time window), adding a step at the end,
moving a step up or down, deleting a step or the whole story, and the story's history with Revert.

The forms are ``ui.edit.row_form`` (the store validates each row as loading does and shows the problem at
the field). Moving and deleting steps are :mod:`conflictmap.editing` (one recorded change per row, undone
whole when a write is refused). Every write asks :func:`ui.editor` again inside its callback: with editing
off nothing is shown and nothing is written.
"""

from __future__ import annotations

import hashlib

import streamlit as st

from conflictmap.editing import delete_step, delete_story, move_step
from conflictmap.store import StoreError

from .data import editor, live_store
from .edit import FLASH, _clear, changes_view, prefix, row_form
from .i18n import lang, t
from .state import uninterrupted
from .text import md_escape

ss = st.session_state
PICK = "ed_story"


def _title(data, sid: str) -> str:
    row = data.stories[data.stories["story_id"] == sid]
    if row.empty:
        return sid
    ar = str(row.iloc[0]["title_ar"] or "")
    return f"{ar if lang() == 'ar' and ar else row.iloc[0]['title_en']} ({sid})"


def _step_key(sid: str) -> str:
    """The step picker's key: stable across saves (a form's prefix moves on with each save, this must not)."""
    return f"ed_step_{hashlib.sha256(sid.encode('utf-8')).hexdigest()[:10]}"


def _done(message: str, changes: list) -> None:
    _clear(prefix("story_steps", None))  # every step form reloads: the rows' contents moved
    ids = ", ".join(f"#{c.change_id}" for c in changes)
    ss[FLASH] = f"{message} ({ids})" if ids else message


@uninterrupted
def _move(sid: str, position: int, to: int) -> None:
    who = editor()
    if who is None:
        ss["_story_error"] = t("edit.off_nothing_saved")
        return
    try:
        changes = move_step(live_store(), sid, position, to, who=who)
    except (StoreError, ValueError) as exc:
        ss["_story_error"] = str(exc)
        return
    ss[_step_key(sid)] = f"{sid}/{to}"  # the picker follows the step it moved
    _done(t("edit.step_moved", position=position, to=to), changes)


@uninterrupted
def _delete_step(sid: str, position: int) -> None:
    who = editor()
    if who is None:
        ss["_story_error"] = t("edit.off_nothing_saved")
        return
    try:
        changes = delete_step(live_store(), sid, position, who=who)
    except (StoreError, ValueError) as exc:
        ss["_story_error"] = str(exc)
        return
    ss[_step_key(sid)] = None
    _done(t("edit.step_deleted", position=position), changes)


@uninterrupted
def _delete_story(sid: str) -> None:
    who = editor()
    if who is None:
        ss["_story_error"] = t("edit.off_nothing_saved")
        return
    store = live_store()
    row = store.get("stories", sid)
    try:
        if row is None:
            raise StoreError(t("edit.gone", table="stories", row_id=sid))
        changes = delete_story(store, sid, row.revision, who=who,
                               reason=(ss.get("ed_story_delete_reason") or "").strip())
    except StoreError as exc:
        ss["_story_error"] = str(exc)
        return
    ss[PICK] = None
    ss.pop("ed_story_confirm", None)
    _done(t("edit.story_deleted", story=sid), changes)


@uninterrupted
def _confirm(on: bool) -> None:
    ss["ed_story_confirm"] = on


def story_history(sid: str) -> None:
    """The story's own changes and its steps', newest last in time (shown newest first), with Revert."""
    store = live_store()
    changes = store.history(table="stories", row_id=sid)
    changes += [c for c in store.history(table="story_steps") if c.row_id.startswith(f"{sid}/")]
    changes_view(sorted(changes, key=lambda c: c.change_id), t("edit.story_no_history"))


def stories_editor(data) -> None:
    """The Stories table of the edit page: pick a story (or a new one), its form, its steps, its history."""
    if editor() is None or live_store() is None:
        return
    if err := ss.pop("_story_error", None):
        st.error(md_escape(err), icon=":material/error:")
    ids = list(data.stories["story_id"])
    if ss.get(PICK) not in (None, *ids):
        ss[PICK] = None
    sid = st.selectbox(t("edit.story"), [None, *ids], key=PICK,
                       format_func=lambda s: t("edit.new_story") if s is None else _title(data, s))
    row_form(data, "stories", sid)
    if sid is None:
        return
    steps = data.story_steps[data.story_steps["story_id"] == sid].sort_values("step")
    numbers = [int(n) for n in steps["step"]]
    if not ss.get("ed_story_confirm"):
        st.button(t("edit.delete_story"), key="ed_story_delete", on_click=_confirm, args=(True,))
    else:
        with st.container(border=True):
            st.warning(t("edit.delete_story_ask", n=len(numbers)))
            st.text_input(t("edit.reason_optional"), key="ed_story_delete_reason")
            a, b = st.columns(2)
            a.button(t("edit.delete_story_yes", n=len(numbers)), type="primary", key="ed_story_delete_yes",
                     on_click=_delete_story, args=(sid,))
            b.button(t("edit.cancel"), key="ed_story_delete_no", on_click=_confirm, args=(False,))

    st.subheader(t("edit.steps"))
    arabic = lang() == "ar"
    captions = {f"{sid}/{int(r.step)}": f"{int(r.step)}. {r.caption_ar if arabic and r.caption_ar else r.caption_en}"
                for r in steps.itertuples(index=False)}
    key = _step_key(sid)
    if ss.get(key) not in (None, *captions):
        ss[key] = None
    chosen = st.selectbox(t("edit.step"), [None, *captions], key=key,
                          format_func=lambda r: t("edit.add_step") if r is None else captions[r][:120])
    if chosen is None:
        n = (max(numbers) + 1) if numbers else 1
        event = str(steps.iloc[-1]["event_id"]) if len(steps) else ""
        row_form(data, "story_steps", None, fixed={"story_id": sid, "step": str(n)}, defaults={"event_id": event})
    else:
        position = list(captions).index(chosen) + 1
        cols = st.columns(3)
        cols[0].button(t("edit.move_up"), key=f"{key}__up", disabled=position == 1, on_click=_move,
                       args=(sid, position, position - 1), icon=":material/arrow_upward:")
        cols[1].button(t("edit.move_down"), key=f"{key}__down", disabled=position == len(captions), on_click=_move,
                       args=(sid, position, position + 1), icon=":material/arrow_downward:")
        cols[2].button(t("edit.delete_step"), key=f"{key}__delete", on_click=_delete_step, args=(sid, position),
                       help=t("edit.delete_step_help"))
        row_form(data, "story_steps", chosen)
    st.subheader(t("edit.story_history"))
    story_history(sid)
