"""A geocoding run's steps: which places lack a coordinate, resolving them, choosing and filling candidates.

Every accepted coordinate carries where it came from and a precision in
metres; a failing geocoder stops the run before anything is written. Writing
is :mod:`.save`'s job (through the store, with history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..text import has_arabic, normalise
from .errors import GeocodeError
from .model import (
    AMBIGUOUS,
    EXISTING,
    FLAGGED,
    GAZETTEER,
    NOT_FOUND,
    RESOLVED,
    Candidate,
    Resolution,
    cell,
    float_or_none,
    split_list,
    valid_point,
)
from .placesfile import PlacesFile, name_from_place_id
from .resolver import PlaceResolver


@dataclass
class PlaceTask:
    """One place that lacks a coordinate: a gazetteer row (``row`` set) or an id only events use (``row`` None)."""

    place_id: str
    names: tuple[str, ...]
    country: str
    admin1: str
    row: int | None
    resolution: Resolution | None = None
    duplicate_of: str = ""  # another place id this one turned out to be

    @property
    def outcome(self) -> str:
        """resolved / existing place / ambiguous / flagged / not found / pending."""
        r = self.resolution
        if r is None:
            return "pending"
        if self.duplicate_of:
            return EXISTING
        if r.status == RESOLVED and r.step == GAZETTEER and r.best and r.best.place_id != self.place_id:
            return EXISTING
        return r.status


def _place_identity(c: Candidate) -> tuple:
    return ("geonames", c.geonames_id) if c.geonames_id else ("point", round(c.lat, 4), round(c.lon, 4))


def mark_duplicates(tasks: Sequence[PlaceTask]) -> None:
    """An id only events use that resolves to the same place as another task is that place under another id.

    E.g. events say ``al-mayadeen`` and the gazetteer row ``mayadin`` lacks a
    coordinate: both resolve to GeoNames 173480, and adding a second row would
    split the place in two.
    """
    owners: dict[tuple, PlaceTask] = {}
    for task in sorted(tasks, key=lambda t: t.row is None):  # gazetteer rows own a place before new ids
        best = task.resolution.best if task.resolution else None
        if best is None or task.outcome == EXISTING:
            continue
        owner = owners.setdefault(_place_identity(best), task)
        if owner is not task and task.row is None:
            task.duplicate_of = owner.place_id


def places_to_geocode(places: PlacesFile, referenced: Iterable[str] = (), *,
                      default_country: str = "SY") -> list[PlaceTask]:
    """Every gazetteer row without a valid coordinate, then every referenced id with no row at all."""
    tasks = []
    known = set()
    for i, row in enumerate(places.rows):
        pid = cell(row, "place_id")
        known.add(pid)
        if not pid or valid_point(float_or_none(cell(row, "lat")), float_or_none(cell(row, "lon"))):
            continue
        names = (cell(row, "name_en"), cell(row, "name_ar"), *split_list(cell(row, "alt_names")))
        names = tuple(dict.fromkeys(n for n in names if n)) or (name_from_place_id(pid),)
        tasks.append(PlaceTask(pid, names, cell(row, "country").upper() or default_country, cell(row, "admin1"), i))
    for pid in referenced:
        if pid not in known:
            known.add(pid)
            tasks.append(PlaceTask(pid, (name_from_place_id(pid),), default_country, "", None))
    return tasks


ProgressFn = Callable[[int, int, PlaceTask], None]


def geocode_tasks(tasks: Sequence[PlaceTask], resolver: PlaceResolver, *, progress: ProgressFn | None = None) -> None:
    """Resolve each task in place. A :class:`GeocodeError` stops the run; tasks done so far keep their answers."""
    for i, task in enumerate(tasks):
        try:
            task.resolution = resolver.resolve(task.names, country=task.country, admin1=task.admin1 or None)
        except GeocodeError as exc:
            exc.args = (f"{exc} (while looking up place {task.place_id!r}, {i} of {len(tasks)} done)",)
            raise
        if progress is not None:
            progress(i + 1, len(tasks), task)


def _coord(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def _append_note(notes: str, note: str) -> str:
    return f"{notes} {note}".strip() if notes else note


def apply_candidate(places: PlacesFile, task: PlaceTask, candidate: Candidate, *, how: str,
                    today: dt.date | None = None) -> None:
    """Write one candidate's coordinate and provenance into the task's row (adding the row if it has none)."""
    today = today or dt.date.today()
    if task.row is None:
        row = {h: "" for h in places.header}
        arabic_name = has_arabic(candidate.name)
        name_en = task.names[0] if arabic_name or not candidate.name else candidate.name
        row.update(place_id=task.place_id, name_en=name_en,
                   name_ar=candidate.name_ar or (candidate.name if arabic_name else ""),
                   kind=candidate.kind or "village", country=candidate.country or task.country)
        if normalise(task.names[0]) != normalise(name_en):
            row["alt_names"] = task.names[0]
        places.rows.append(row)
        task.row = len(places.rows) - 1
        added = f" Row added because events.csv refers to {task.place_id!r}; kind " + (
            "from the source." if candidate.kind else "guessed (village): check it.")
    else:
        row = places.rows[task.row]
        added = ""
    row["lat"], row["lon"] = _coord(candidate.lat), _coord(candidate.lon)
    row["coord_source"] = candidate.coord_source
    row["coord_precision_m"] = str(int(candidate.precision_m))
    row["coord_inferred"] = "false"
    if not row.get("geonames_id") and candidate.geonames_id:
        row["geonames_id"] = str(candidate.geonames_id)
    if not row.get("country") and candidate.country:
        row["country"] = candidate.country
    if not row.get("admin1") and candidate.admin1:
        row["admin1"] = candidate.admin1
    row["notes"] = _append_note(row.get("notes", ""), f"Coordinate filled by conflictmap geocode on "
                                                      f"{today.isoformat()}: {candidate.match}; {how}.{added}")


def chosen_candidates(tasks: Sequence[PlaceTask], *, choices: Mapping[str, Candidate] | None = None,
                      accept_first: bool = False) -> dict[str, tuple[Candidate, str]]:
    """Which candidate fills each task, and how it was chosen (for the row's notes), keyed by place id.

    Resolved tasks are filled; ambiguous ones only with a choice (``choices``,
    keyed by place id, as the Places page makes) or ``accept_first``; flagged
    candidates only when a person chose them. A gazetteer match to another
    place id is a likely duplicate id and is reported, never copied.
    """
    choices = choices or {}
    out: dict[str, tuple[Candidate, str]] = {}
    for task in tasks:
        r = task.resolution
        if r is None:
            continue
        if task.place_id in choices:
            cand = choices[task.place_id]
            how = "chosen by a person" + (f" among {len(r.candidates)} candidates" if len(r.candidates) > 1 else "")
            if cand.flags:
                how += f", despite the flag: {'; '.join(cand.flags)}"
        elif task.outcome == RESOLVED:
            cand, how = r.best, f"resolved by the {r.step} step"
        elif task.outcome == AMBIGUOUS and accept_first:
            cand, how = r.accepted[0], f"first of {len(r.accepted)} equally good candidates (--accept-first)"
        else:
            continue
        out[task.place_id] = (cand, how)
    return out


def apply_resolutions(places: PlacesFile, tasks: Sequence[PlaceTask], *,
                      choices: Mapping[str, Candidate] | None = None, accept_first: bool = False,
                      today: dt.date | None = None) -> list[str]:
    """Fill every task that has an answer (:func:`chosen_candidates`) into ``places`` in memory; return the
    place ids filled. Saving goes through the store: :func:`conflictmap.geocode.save.save_candidates`."""
    chosen = chosen_candidates(tasks, choices=choices, accept_first=accept_first)
    for task in tasks:
        if task.place_id in chosen:
            cand, how = chosen[task.place_id]
            apply_candidate(places, task, cand, how=how, today=today)
    return list(chosen)


@dataclass
class GeocodeReport:
    """What :func:`conflictmap.geocode.save.geocode_dataset` did, and its summary for the command line (the
    Places page shows tasks). ``filled``: the places written (a dry run: that would be); ``changes``: the
    store's changes, one per place; ``refused``: the places the store refused (edited since the lookup)."""

    data_dir: Path | str
    tasks: list[PlaceTask]
    filled: list[str] = field(default_factory=list)
    written: bool = False
    changes: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    online_note: str = ""
    places_total: int = 0

    def count(self, outcome: str) -> list[PlaceTask]:
        """The tasks with this outcome."""
        return [t for t in self.tasks if t.outcome == outcome]

    def summary_lines(self) -> list[str]:
        """The command line's report: counts per outcome, and each place with its candidates."""
        if not self.tasks:
            return [f"All {self.places_total} place(s) and every place the events refer to have coordinates: "
                    f"nothing to geocode ({self.data_dir})."]
        lines = [f"{len(self.tasks)} place(s) lacked coordinates in {self.data_dir}; {self.online_note}"]
        resolved = self.count(RESOLVED)
        by_step: dict[str, int] = {}
        for t in resolved:
            by_step[t.resolution.step] = by_step.get(t.resolution.step, 0) + 1
        steps = ", ".join(f"{s} {n}" for s, n in by_step.items()) or "none"
        lines.append(f"  resolved: {len(resolved)} ({steps})")
        for t in resolved:
            lines.append(f"    {t.place_id}: {t.resolution.best.describe()}")
        for outcome, label in ((EXISTING, "matches an existing place (fix the id in the events, or merge)"),
                               (AMBIGUOUS, "ambiguous (left blank; choose in the Places page or pass --accept-first)"),
                               (FLAGGED, "flagged (candidates outside the expected country or governorate)"),
                               (NOT_FOUND, "not found")):
            group = self.count(outcome)
            lines.append(f"  {label}: {len(group)}")
            for t in group:
                r = t.resolution
                if outcome == EXISTING:
                    lines.append(f"    {t.place_id}: same as place {t.duplicate_of or r.best.place_id!r} "
                                 f"({r.best.match})")
                    continue
                lines.append(f"    {t.place_id} ({' / '.join(t.names[:3])}){': ' + r.note if r.note else ''}")
                lines += [f"      - {c.describe()}" for c in r.candidates[:6]]
        return lines
