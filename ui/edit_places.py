"""Places written through the store: the Places page's geocoding save, one change per place.

A thin wrapper over :mod:`conflictmap.geocode.save`, which ``python -m conflictmap geocode`` uses too:
each chosen coordinate is one store write (``update`` of the row it was looked up for, or ``create`` of a
row events need), with the editor's identity, the coordinate's source and precision, and the row's
revision as it was when the lookup ran: a row edited meanwhile is refused with the store's conflict
message, never overwritten. So the save is in ``python -m conflictmap history`` and can be reverted like
any other change. This module adds only what the page knows: who is editing, and the live store.
"""

from __future__ import annotations

from conflictmap import geocode
from conflictmap.store import Change

from .data import editor, live_store
from .i18n import t


def place_revisions(tasks) -> dict[str, int | None]:
    """Each task's place row revision now (None: no row yet): what the save will be checked against."""
    store = live_store()
    return {} if store is None else geocode.place_revisions(store, tasks)


def save_geocoded(tasks, choices: dict, revisions: dict[str, int | None]) -> tuple[list[Change], list[str]]:
    """Write each chosen candidate as its own change; returns (changes written, refusals as messages).

    Refused when nobody may write (``CONFLICTMAP_EDIT=off``, or a visitor who is not an editor)."""
    who = editor()
    store = live_store()
    if who is None or store is None:
        return [], [t("edit.off_nothing_saved")]
    how = {pid: "chosen in the Places page" + (f", despite the flag: {'; '.join(c.flags)}" if c.flags else "")
           for pid, c in choices.items()}
    saved, refused = geocode.save_candidates(store, tasks, {pid: (c, how[pid]) for pid, c in choices.items()},
                                             revisions, who=who, reason="geocoded on the Places page")
    return saved, [r.message for r in refused]
