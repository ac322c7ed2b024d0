"""Chosen coordinates written through the store: one change per place, checked against its revision.

Both the Places page (``ui.edit_places``) and ``python -m conflictmap geocode`` save here, so a geocoded
coordinate is in ``python -m conflictmap history`` and can be reverted like any other edit, and the
command line writes to PostgreSQL when ``CONFLICTMAP_DATABASE_URL`` is set, as every other command does.
Each place is saved against the revision its row had when the lookup ran: a row edited meanwhile is
refused with the store's conflict message and reported, never overwritten.

The store is imported only inside functions: importing :mod:`conflictmap.geocode` stays light.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import schema
from .config import DEFAULT_COUNTRIES
from .model import Candidate, split_list
from .online import OnlineGeocoder
from .placesfile import PlacesFile
from .resolver import PlaceResolver
from .tasks import (
    GeocodeReport,
    PlaceTask,
    ProgressFn,
    apply_candidate,
    chosen_candidates,
    geocode_tasks,
    mark_duplicates,
    places_to_geocode,
)

if TYPE_CHECKING:
    from ..store import Change, Store


@dataclass(frozen=True)
class Refusal:
    """A place the store refused to save (edited since the lookup, or invalid), with the store's message."""

    place_id: str
    message: str

    def __str__(self) -> str:
        return self.message


def place_revisions(store: Store, tasks: Sequence[PlaceTask]) -> dict[str, int | None]:
    """Each task's place row revision now (None: no row yet): what a later save is checked against."""
    out: dict[str, int | None] = {}
    for task in tasks:
        row = store.get("places", task.place_id)
        out[task.place_id] = row.revision if row is not None else None
    return out


def save_candidates(store: Store, tasks: Sequence[PlaceTask], choices: Mapping[str, tuple[Candidate, str]],
                    revisions: Mapping[str, int | None], *, who: str, reason: str,
                    today: dt.date | None = None) -> tuple[list[Change], list[Refusal]]:
    """Write each chosen candidate as its own store change; returns (changes written, refusals).

    ``choices``: place id -> (candidate, how it was chosen, for the row's notes). ``revisions``: each
    place's revision when the lookup ran (:func:`place_revisions`). A row that exists is updated in the
    columns geocoding fills, against that revision; an id only events use gets a new row (refused if a
    row appeared meanwhile, never replaced). The history records ``who`` and
    ``"<reason>: <coordinate source>, ±<precision> m"``.
    """
    from ..store import StoreError

    saved: list[Change] = []
    refused: list[Refusal] = []
    for task in tasks:
        if task.place_id not in choices:
            continue
        chosen, how = choices[task.place_id]
        current = store.get("places", task.place_id)
        expected = revisions.get(task.place_id)
        rows = [dict(current.values)] if current is not None else []
        one = PlacesFile(Path(schema.PLACES.path), list(schema.PLACES.column_names), rows)
        apply_candidate(one, dataclasses.replace(task, row=0 if rows else None), chosen, how=how, today=today)
        values = one.rows[0]
        why = f"{reason}: {chosen.coord_source}, ±{int(chosen.precision_m)} m"
        try:
            if current is None or expected is None:
                saved.append(store.create("places", values, who=who, reason=why))
            else:
                changed = {k: v for k, v in values.items() if k != "place_id" and v != current.values.get(k, "")}
                saved.append(store.update("places", task.place_id, changed, expected, who=who, reason=why))
        except StoreError as exc:
            refused.append(Refusal(task.place_id, str(exc)))
    return saved, refused


def geocode_dataset(where: Store | Path | str, *, dry_run: bool = False, online: OnlineGeocoder | None = None,
                    online_note: str = "", accept_first: bool = False, countries: Sequence[str] = DEFAULT_COUNTRIES,
                    max_km: float | None = None, progress: ProgressFn | None = None, who: str = "local",
                    reason: str = "geocoded by python -m conflictmap geocode",
                    today: dt.date | None = None) -> GeocodeReport:
    """Fill the coordinates of every place that lacks them, through the store (unless ``dry_run``).

    ``where``: a store, or a data directory (its CSV store). The places and the ids events use are read
    from the store, with each place's revision, before any lookup; each filled place is then one change
    (:func:`save_candidates`). A :class:`GeocodeError` propagates before anything is written; answers
    already received are in the cache, and the next run starts from them.
    """
    from ..store import CsvStore, Store

    store = where if isinstance(where, Store) else CsvStore(where)
    places = PlacesFile(Path(schema.PLACES.path), list(schema.PLACES.column_names), store.rows("places"))
    referenced: dict[str, None] = {}
    for row in store.rows("events"):
        for pid in split_list(row.get("place_ids") or ""):
            referenced.setdefault(pid, None)
    tasks = places_to_geocode(places, referenced, default_country=(countries[0] if countries else "SY"))
    label = store.dir if isinstance(store, CsvStore) else "the PostgreSQL database"
    report = GeocodeReport(label, tasks, online_note=online_note, places_total=len(places.rows))
    if not tasks:
        return report
    revisions = place_revisions(store, tasks)  # before the lookup: an edit made during it is refused
    resolver = PlaceResolver(places.rows, countries=countries, online=online, max_km=max_km)
    geocode_tasks(tasks, resolver, progress=progress)
    mark_duplicates(tasks)
    choices = chosen_candidates(tasks, accept_first=accept_first)
    report.filled = list(choices)
    if dry_run or not choices:
        return report
    changes, refusals = save_candidates(store, tasks, choices, revisions, who=who, reason=reason, today=today)
    report.filled = [c.row_id for c in changes]
    report.changes, report.refused = changes, refusals
    report.written = bool(changes)
    return report
