"""What an edit form needs from the core besides the store's own validation: proposed ids and the quote check.

- :func:`propose_id`: a new row's id, worked out from what the editor typed (``c-<event>-<claimant>`` for a
  claim, as the seed data names them), made unique against the ids already in the table. Ids are never
  typed by hand: a typo in an id is a broken reference later.
- :func:`find_archived_text`: the one resolver of a source's archived text: its recorded ``text_file`` under
  the data directory (``sources/<sha256>.txt``, where the article page archives), else the seed archive
  (:func:`archive_dir`) for the bundled seed articles.
- :func:`check_quote`: a claim's ``quote_ar`` must occur verbatim in that text. When the source has
  no archived text, or the archive is not on this machine, the answer says the quote cannot be checked.
  :func:`check_ledger_quotes` runs the same check over a whole ledger for ``validate``.

The row itself (types, vocabularies, references, dates in order) is checked by the store
(:mod:`conflictmap.store.rules`, the loader's rules), which refuses an invalid row before writing.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from .i18n import t
from .model import RowIssue
from .text import normalise

ARCHIVE_ENV = "CONFLICTMAP_SEEDS"  # the seed archive: the bundled seed articles (the project's shared/seeds)
ARCHIVE_DIR = "sources"  # articles added in the app or by `apply`: <data>/sources/<sha256>.txt
MAX_SLUG_WORDS = 5


def slug(text: str, max_words: int = MAX_SLUG_WORDS) -> str:
    """Lower-case ASCII words joined by ``-``: "Syrian Democratic Forces" -> "syrian-democratic-forces".
    A name with an acronym in brackets gives the acronym ("... (SOHR)" -> "sohr"). Empty for Arabic-only text."""
    text = str(text or "")
    acronym = re.search(r"\(([A-Za-z][A-Za-z0-9-]{1,15})\)", text)
    if acronym:
        return acronym.group(1).lower()
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words[:max_words])


def unique(base: str, existing: set[str] | frozenset[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``existing``."""
    if base not in existing:
        return base
    n = 2
    while f"{base}-{n}" in existing:
        n += 1
    return f"{base}-{n}"


def propose_id(table: str, values: dict[str, str], existing: set[str] | frozenset[str]) -> str:
    """A new, unused id for a row of ``table`` built from its values (cell texts)."""
    v = {k: str(x or "").strip() for k, x in values.items()}
    if table == "claims":
        who = slug(v.get("claimant", ""), 3) or slug(v.get("stance", "")) or "claim"
        base = f"c-{v.get('event_id') or 'event'}-{who}"
    elif table == "events":
        base = slug(v.get("title_en", "")) or f"event-{v.get('date_start') or 'undated'}"
    elif table == "sources":
        outlet = slug(v.get("outlet", ""), 3) or "source"
        base = f"{outlet}-{v['published']}" if v.get("published") else outlet
    elif table == "places":
        base = slug(v.get("name_en", ""), 4) or "place"
    elif table == "stories":
        base = slug(v.get("title_en", ""), 4) or "story"
    else:
        raise ValueError(f"no id is proposed for {table}")
    return unique(base, existing)


def archive_dir(data_dir: Path | None = None) -> Path | None:
    """The seed archive (the bundled seed articles): ``$CONFLICTMAP_SEEDS``, else the first ``shared/seeds`` beside
    the data directory or one of its parents (the project's layout). None when there is none.

    Only the fallback of :func:`find_archived_text`: an article added in the app is archived in the data
    directory itself (``sources/<sha256>.txt``)."""
    env = os.environ.get(ARCHIVE_ENV, "").strip()
    if env:
        return Path(env)
    if data_dir is None:
        return None
    d = Path(data_dir).resolve()
    for parent in (d, *d.parents):
        found = parent / "shared" / "seeds"
        if found.is_dir():
            return found
    return None


def _inside(base: Path, rel: PurePosixPath) -> Path | None:
    """``base/rel`` when it stays inside ``base`` (a recorded path never reaches elsewhere on the disk)."""
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        return None
    return base.joinpath(*rel.parts)


def find_archived_text(text_file: str, data_dir: Path | str | None, *, sha256: str = "",
                       seeds: Path | None = None) -> Path | None:
    """The file holding a source's archived text, or None when it is not on this machine.

    The one resolver for the form's quote check, ``validate`` and the extraction benchmark. In order:

    1. the recorded ``text_file`` under the data directory (``sources/<sha256>.txt``, as the article page and
       ``apply`` archive it);
    2. ``sources/<sha256>.txt`` from the recorded ``sha256`` (a row whose ``text_file`` was left blank);
    3. the file's name in the seed archive (:func:`archive_dir`, or ``seeds``): the bundled seed articles.

    A recorded path that is absolute or climbs out with ``..`` is never followed; only its name is looked up.
    """
    rel = PurePosixPath((text_file or "").strip().replace("\\", "/"))
    candidates: list[Path | None] = []
    if data_dir is not None:
        base = Path(data_dir)
        if base.is_dir():
            candidates.append(_inside(base, rel) if str(rel) not in ("", ".") else None)
            if rel.name:
                candidates.append(base / ARCHIVE_DIR / rel.name)
            sha = (sha256 or "").strip().lower()
            if re.fullmatch(r"[0-9a-f]{64}", sha):
                candidates.append(base / ARCHIVE_DIR / f"{sha}.txt")
    seeds = seeds if seeds is not None else archive_dir(Path(data_dir) if data_dir is not None else None)
    if seeds is not None and rel.name:
        candidates.append(seeds / rel.name)
    return next((c for c in candidates if c is not None and c.is_file()), None)


def archived_text(source: dict, data_dir: Path | str | None, *, seeds: Path | None = None) -> str | None:
    """A source row's archived text (``text_file``, ``sha256``), or None when it has none on this machine."""
    path = find_archived_text(str(source.get("text_file") or ""), data_dir, sha256=str(source.get("sha256") or ""),
                              seeds=seeds)
    return path.read_text(encoding="utf-8", errors="replace") if path is not None else None


@dataclass(frozen=True)
class QuoteCheck:
    """``ok``: True (found verbatim), False (not found: the row must not be saved), None (cannot check).

    ``key`` and ``values`` name the message in the catalogue (:mod:`conflictmap.i18n`, ``quote.*``), so the
    interface shows it in the reader's language; ``message`` is the English text."""

    ok: bool | None
    key: str
    values: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return t(self.key, "en", **self.values)


def check_quote(quote_ar: str, text_file: str, data_dir: Path | str | None = None, *, sha256: str = "",
                seeds: Path | None = None) -> QuoteCheck:
    """Is ``quote_ar`` verbatim in the source's archived text (found by :func:`find_archived_text`)?"""
    quote = (quote_ar or "").strip()
    if not quote:
        return QuoteCheck(None, "quote.none")
    if not (text_file or "").strip() and not (sha256 or "").strip():
        return QuoteCheck(None, "quote.no_archive")
    path = find_archived_text(text_file, data_dir, sha256=sha256, seeds=seeds)
    name = PurePosixPath((text_file or "").strip().replace("\\", "/")).name or f"{sha256}.txt"
    if path is None:
        return QuoteCheck(None, "quote.not_here", {"name": name, "env": ARCHIVE_ENV})
    text = path.read_text(encoding="utf-8", errors="replace")
    if quote in text:
        return QuoteCheck(True, "quote.found", {"name": name})
    if normalise(quote) in normalise(text):
        return QuoteCheck(False, "quote.spelled_differently", {"name": name})
    return QuoteCheck(False, "quote.not_found", {"name": name})


def check_ledger_quotes(claims: pd.DataFrame, sources: pd.DataFrame, data_dir: Path | str | None, *,
                        seeds: Path | None = None) -> list[RowIssue]:
    """For ``validate``: a warning for every claim whose ``quote_ar`` is not verbatim in its source's archived
    text (claims of sources with no archived text on this machine are not checked)."""
    issues: list[RowIssue] = []
    by_id = {str(s["source_id"]): s for s in sources.to_dict("records")}
    texts: dict[str, str | None] = {}
    for c in claims.to_dict("records"):
        quote = str(c.get("quote_ar") or "").strip()
        src = by_id.get(str(c.get("source_id") or ""))
        if not quote or src is None:
            continue
        sid = str(src["source_id"])
        if sid not in texts:
            texts[sid] = archived_text(src, data_dir, seeds=seeds)
        text = texts[sid]
        if text is None or quote in text:
            continue
        key = "quote.spelled_differently" if normalise(quote) in normalise(text) else "quote.not_found"
        name = PurePosixPath(str(src.get("text_file") or "").replace("\\", "/")).name or f"{src.get('sha256')}.txt"
        issues.append(RowIssue("claims.csv", int(c.get("row") or 0), "quote_ar", quote[:60], t(key, "en", name=name),
                               severity="warning"))
    return issues


# --- stories: steps kept in order ------------------------------------------------------------------
# A step's row is keyed by (story_id, step), so a step's number never changes: moving or deleting a step
# moves the *contents* (event, claim, captions, view) between the numbered rows, one recorded update per row
# that changes, and a delete removes the last row. Each write carries the revision read just before, and if
# one is refused (someone edited a step meanwhile) the writes already done are reverted, newest first.

STEP_KEY = ("story_id", "step")


def step_rows(store, story_id: str) -> list:
    """The story's steps in order, as stored rows (values and revision)."""
    numbers = sorted(int(r["step"]) for r in store.rows("story_steps")
                     if (r.get("story_id") or "").strip() == story_id and (r.get("step") or "").strip().isdigit())
    rows = [store.get("story_steps", f"{story_id}/{n}") for n in numbers]
    return [r for r in rows if r is not None]


def _content(row) -> dict[str, str]:
    return {k: v for k, v in row.values.items() if k not in STEP_KEY}


def _write_all(store, writes, *, who: str, reason: str) -> list:
    """Run each write; when one is refused, revert the ones done (newest first) and raise the refusal."""
    from .store import StoreError

    done = []
    try:
        for write in writes:
            done.append(write())
    except StoreError:
        for change in reversed(done):
            # A row that moved on again cannot be reverted; the refusal raised below still stands.
            with contextlib.suppress(StoreError):
                store.revert(change.change_id, who=who, reason=f"undone: {reason} was refused")
        raise
    return done


def _renumber(store, story_id: str, rows: list, contents: list[dict[str, str]], *, who: str, reason: str) -> list:
    """Give ``rows`` (in order) the ``contents`` (in order); rows beyond the contents are deleted."""
    writes = []
    for i, row in enumerate(rows):
        rid = f"{story_id}/{row.values['step']}"
        if i >= len(contents):
            writes.append(lambda rid=rid, row=row: store.delete("story_steps", rid, row.revision, who=who,
                                                                reason=reason))
        elif contents[i] != _content(row):
            writes.append(lambda rid=rid, row=row, new=contents[i]: store.update(
                "story_steps", rid, new, row.revision, who=who, reason=reason))
    return _write_all(store, writes, who=who, reason=reason)


def move_step(store, story_id: str, position: int, to: int, *, who: str, reason: str = "") -> list:
    """Move the step at ``position`` (1-based, in order) to ``to``; the steps between shift by one."""
    rows = step_rows(store, story_id)
    if not (1 <= position <= len(rows) and 1 <= to <= len(rows)):
        raise ValueError(f"story {story_id!r} has {len(rows)} step(s): cannot move {position} to {to}")
    contents = [_content(r) for r in rows]
    contents.insert(to - 1, contents.pop(position - 1))
    return _renumber(store, story_id, rows, contents, who=who,
                     reason=reason or f"step {position} of story {story_id} moved to {to}")


def delete_step(store, story_id: str, position: int, *, who: str, reason: str = "") -> list:
    """Delete the step at ``position``; the later steps move up one, so the numbers stay 1..n."""
    rows = step_rows(store, story_id)
    if not 1 <= position <= len(rows):
        raise ValueError(f"story {story_id!r} has no step {position}")
    contents = [_content(r) for r in rows]
    contents.pop(position - 1)
    return _renumber(store, story_id, rows, contents, who=who,
                     reason=reason or f"step {position} of story {story_id} deleted")


def delete_story(store, story_id: str, revision: int, *, who: str, reason: str = "") -> list:
    """Delete a story and its steps (each a recorded change: Revert brings them back one by one)."""
    rows = step_rows(store, story_id)
    reason = reason or f"story {story_id} deleted with its {len(rows)} step(s)"
    writes = [lambda row=row: store.delete("story_steps", f"{story_id}/{row.values['step']}", row.revision,
                                           who=who, reason=reason) for row in reversed(rows)]
    writes.append(lambda: store.delete("stories", story_id, revision, who=who, reason=reason))
    return _write_all(store, writes, who=who, reason=reason)


def next_step_number(store, story_id: str) -> int:
    """The number a step added at the end of the story gets."""
    rows = step_rows(store, story_id)
    return int(rows[-1].values["step"]) + 1 if rows else 1


# --- a click on the map: its precision and the gazetteer place it means ------------------------------------
CLICK_PIXELS = 10  # how far off a click may land, in screen pixels: a fingertip or a quick mouse
NEAREST_MIN_M, NEAREST_MAX_M = 2_000, 25_000  # a click this close to a place means that place
AREA_KINDS = ("region", "country")  # never "the nearest place": a click inside Syria is not Syria


def click_precision_m(zoom: float, lat: float) -> int:
    """How precise a coordinate clicked at map zoom ``zoom`` is, in metres (Web Mercator ground resolution times
    :data:`CLICK_PIXELS`), rounded to two significant figures: at 36°N ±4,900 m at zoom 8, ±310 m at zoom 12."""
    metres = 156_543.03 * math.cos(math.radians(lat)) / (2 ** float(zoom)) * CLICK_PIXELS
    metres = max(metres, 10.0)
    digits = math.floor(math.log10(metres)) - 1
    return int(round(metres, -digits))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; enough to pick the nearest of a few places)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def nearest_place(places: pd.DataFrame, lat: float, lon: float, precision_m: float) -> tuple[str, float] | None:
    """The gazetteer place a click means: the nearest place with a coordinate (not a region or a country) within
    three times the click's precision, kept between 2 and 25 km. (place_id, metres) or None."""
    radius = min(NEAREST_MAX_M, max(NEAREST_MIN_M, 3 * precision_m))
    best: tuple[str, float] | None = None
    for p in places[["place_id", "lat", "lon", "kind"]].itertuples(index=False):
        if p.kind in AREA_KINDS or pd.isna(p.lat) or pd.isna(p.lon):
            continue
        d = distance_m(lat, lon, float(p.lat), float(p.lon))
        if d <= radius and (best is None or d < best[1]):
            best = (str(p.place_id), d)
    return best


def clicked_place_values(lat: float, lon: float, zoom: float, who: str) -> dict[str, str]:
    """A new place's coordinate cells from a click on the map: where it came from (who clicked, at what zoom)
    and how precise it is."""
    return {"lat": f"{lat:.5f}", "lon": f"{lon:.5f}", "coord_precision_m": str(click_precision_m(zoom, lat)),
            "coord_source": f"clicked on the map by {who} (zoom {round(float(zoom))})",
            "coord_inferred": "false"}
