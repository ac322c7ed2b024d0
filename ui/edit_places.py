"""Places written through the store: the Places page's geocoding save, one change per place.

The Places page used to rewrite ``geodata/places.csv`` in one go, outside the history. Now each chosen
coordinate is one store write (``update`` of the row it was looked up for, or ``create`` of a row events
need), with the editor's identity, the coordinate's source and precision (:func:`geocode.apply_candidate`
fills them), and the row's revision as it was when the lookup ran: a row edited meanwhile is refused with
the store's conflict message, never overwritten. So the save is in ``python -m conflictmap history`` and
can be reverted like any other change.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from conflictmap import geocode, schema
from conflictmap.store import Change, StoreError

from .data import editor, live_store
from .i18n import t


def place_revisions(tasks) -> dict[str, int | None]:
    """Each task's place row revision now (None: no row yet): what the save will be checked against."""
    store = live_store()
    if store is None:
        return {}
    out: dict[str, int | None] = {}
    for task in tasks:
        row = store.get("places", task.place_id)
        out[task.place_id] = row.revision if row is not None else None
    return out


def save_geocoded(tasks, choices: dict, revisions: dict[str, int | None]) -> tuple[list[Change], list[str]]:
    """Write each chosen candidate as its own change; returns (changes written, refusals as messages).

    Refused when nobody may write (``CONFLICTMAP_EDIT=off``, or a visitor who is not an editor)."""
    who = editor()
    store = live_store()
    if who is None or store is None:
        return [], [t("edit.off_nothing_saved")]
    saved: list[Change] = []
    refused: list[str] = []
    for task in tasks:
        if task.place_id not in choices:
            continue
        chosen = choices[task.place_id]
        how = "chosen in the Places page" + (f", despite the flag: {'; '.join(chosen.flags)}" if chosen.flags else "")
        current = store.get("places", task.place_id)
        expected = revisions.get(task.place_id)
        rows = [dict(current.values)] if current is not None else []
        one = geocode.PlacesFile(Path(schema.PLACES.path), list(schema.PLACES.column_names), rows)
        geocode.apply_candidate(one, dataclasses.replace(task, row=0 if rows else None), chosen, how=how)
        values = one.rows[0]
        reason = f"geocoded on the Places page: {chosen.coord_source}, ±{int(chosen.precision_m)} m"
        try:
            if current is None or expected is None:
                # A row that appeared since the lookup is refused by create (it already exists), never replaced.
                saved.append(store.create("places", values, who=who, reason=reason))
            else:
                changed = {k: v for k, v in values.items() if k != "place_id" and v != current.values.get(k, "")}
                saved.append(store.update("places", task.place_id, changed, expected, who=who, reason=reason))
        except StoreError as exc:
            refused.append(str(exc))
    return saved, refused
