"""Reviewed drafts into the ledger: archive the article, then add its source, places, events and claims.

The one path from ``drafts.json`` (or the review page's edited drafts) to the store, used by
``python -m conflictmap apply`` and by the page "Add from an article":

* The article text is archived unchanged as ``sources/<sha256>.txt`` under the data directory (written
  atomically; with PostgreSQL too - the database has no table for texts, so the file lives beside the
  data and the source row records its path). The SHA-256 of the text must be ``article.sha256``.
* It becomes a source row (``text_file``, ``sha256``, ``added_by``, ``added_at``), or, when a source
  with that hash exists already, that source is reused.
* A draft with a ``match`` adds its claims to that event; ``match: null`` makes a new event with its
  claims. Background drafts (recalled facts) are skipped unless named in ``only``.
* A place with a ``place_id`` from the gazetteer is used as is; a place without one becomes a new place
  row (``coord_source`` "extract: <how it was found>", its precision, ``coord_inferred``), unless a place
  of the same name at the same coordinate exists.
* Every claim keeps its quote's character offsets (``quote_start``/``quote_end``) into the archived text;
  a quote a reviewer edited is looked up in the text again, and refused when it is not in it verbatim.

Ids are proposed from the names and dates and never collide with stored ones. Every row goes through
the store (validated as loading validates, recorded in the history with ``who`` and ``reason``). The
store writes one row at a time, so a run is made all-or-nothing by hand: every row is checked before
the first write, and if a write is still refused, the rows this run wrote are reverted (the history
keeps both) and :class:`ApplyError` says exactly what happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import schema
from ..files import atomic_write
from ..model import RowIssue
from ..store import Change, Store, StoreError
from ..validate import validate_table

ARCHIVE_DIR = "sources"


class ApplyError(Exception):
    """The drafts cannot be added; the message says why, ``written`` what stayed written (normally nothing)."""

    def __init__(self, message: str, written: list[Change] | None = None):
        super().__init__(message)
        self.written = written or []


@dataclass
class Planned:
    """One row to create, and why (for the report)."""

    table: str
    values: dict[str, str]
    what: str
    draft_id: str = ""

    @property
    def row_id(self) -> str:
        return self.values[schema.TABLES[self.table].key_columns[0]]


@dataclass
class ApplyResult:
    """What a run added (or, for a dry run, would add)."""

    source_id: str
    archived: Path
    sha256: str
    rows: list[Planned] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (draft_id, why)
    source_existed: bool = False

    def ids(self, table: str) -> list[str]:
        return [p.row_id for p in self.rows if p.table == table]

    def events_touched(self) -> list[str]:
        """The events that gained claims or were created, in order."""
        out = [p.row_id for p in self.rows if p.table == "events"]
        out += [p.values["event_id"] for p in self.rows if p.table == "claims"]
        return list(dict.fromkeys(out))

    def report(self) -> list[str]:
        """One line per row, as the command line prints it."""
        lines = [f"archived {self.archived} (sha256 {self.sha256})"]
        if self.source_existed:
            lines.append(f"source {self.source_id}: already in the ledger (same sha256), reused")
        lines += [p.what for p in self.rows]
        lines += [f"skipped draft {d}: {why}" for d, why in self.skipped]
        return lines


# --- ids -----------------------------------------------------------------------------------------

def slug(text: str, limit: int = 48) -> str:
    """Lowercase ASCII words joined by '-' (Arabic and other letters without an ASCII form drop out)."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(s) > limit:  # cut between words, not inside one
        s = s[:limit + 1].rsplit("-", 1)[0] if "-" in s[:limit + 1] else s[:limit]
    return s.rstrip("-")


class _Ids:
    """Fresh ids per table: never one stored, never one proposed earlier in the run."""

    def __init__(self, store: Store):
        self.store = store
        self.taken: dict[str, set[str]] = {}

    def fresh(self, table: str, base: str) -> str:
        base = base or table[:-1]
        taken = self.taken.setdefault(table, set())
        candidates = [base] + [f"{base}-{n}" for n in range(2, 200)]
        stored = self.store.existing_ids(table, set(candidates))
        for c in candidates:
            if c not in taken and c not in stored:
                taken.add(c)
                return c
        raise ApplyError(f"no free {table} id near {base!r}")


# --- the archive ---------------------------------------------------------------------------------

def archive_path(data_dir: Path | str, sha256: str) -> Path:
    return Path(data_dir) / ARCHIVE_DIR / f"{sha256}.txt"


def archive_article(data_dir: Path | str, text: str) -> tuple[Path, bool]:
    """Write ``text`` unchanged (UTF-8) to ``sources/<sha256>.txt``; returns the path and whether it was new.

    An existing file with that name is checked, never overwritten."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    path = archive_path(data_dir, sha)
    if path.exists():
        if hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            raise ApplyError(f"{path} exists but its content does not have the hash its name says; "
                             "nothing was written (move it aside and try again)")
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"))
    return path, True


# --- drafts -> rows ------------------------------------------------------------------------------

def _geo_precision(places: list[dict]) -> int:
    metres = [p.get("precision_m") for p in places if p.get("precision_m") is not None]
    best = min(metres) if metres else None
    if best is None:
        return 3
    return 1 if best <= 5_000 else 2 if best <= 50_000 else 3


def _locate_quote(text: str, c: dict, where: str) -> tuple[int, int]:
    quote = c.get("quote") or ""
    if not quote.strip():
        raise ApplyError(f"{where}: the quote is empty; every claim needs its verbatim span")
    start, end = c.get("start"), c.get("end")
    if isinstance(start, int) and isinstance(end, int) and text[start:end] == quote:
        return start, end
    found = text.find(quote)  # a reviewer shortened or re-cut the quote: find it again
    if found < 0:
        raise ApplyError(f"{where}: the quote is not in the article verbatim ({quote[:60]!r}…); quotes must be "
                         "cut from the text as printed")
    return found, found + len(quote)


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return first if len(first) <= 200 else first[:199] + "…"


def plan(doc: dict, store: Store, *, who: str, only: list[str] | None = None, at: str | None = None,
         reason: str = "") -> tuple[list[Planned], list[tuple[str, str]], str, bool]:
    """The rows ``doc`` would add: (rows, skipped drafts, source id, whether the source existed).

    Nothing is written. Raises :class:`ApplyError` for a draft that cannot be added as it stands."""
    art = doc.get("article") or {}
    text = art.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ApplyError("drafts.json has no article.text: extract it again with this version "
                         "(the text is what gets archived and what the quotes point into)")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if art.get("sha256") and art["sha256"] != sha:
        raise ApplyError(f"article.text does not match article.sha256 ({art['sha256'][:12]}…): the text was changed "
                         "after extraction; extract it again")
    at = at or dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    lang = art.get("language") or "ar"
    ids = _Ids(store)
    rows: list[Planned] = []
    skipped: list[tuple[str, str]] = []
    drafts = doc.get("events") or []
    known = {d.get("draft_id") for d in drafts}
    if only:
        missing = [d for d in only if d not in known]
        if missing:
            raise ApplyError(f"no draft {', '.join(missing)} in drafts.json (drafts: {', '.join(map(str, known))})")

    existing = [r for r in store.rows("sources") if (r.get("sha256") or "").strip() == sha]
    source_existed = bool(existing)
    if existing:
        source_id = existing[0]["source_id"]
    else:
        outlet = (art.get("outlet") or "").strip()
        source_id = ids.fresh("sources", "-".join(x for x in (slug(outlet, 24) or "article",
                                                                  art.get("published", ""), sha[:8]) if x))
        title = _title(text)
        values = {"source_id": source_id, "outlet": outlet or "unknown outlet", "title": title,
                  "title_en": title if lang == "en" else "", "language": lang,
                  "published": art.get("published", ""),
                  "published_precision": art.get("published_precision") or "day", "published_inferred": "false",
                  "url": art.get("url") or "", "text_file": f"{ARCHIVE_DIR}/{sha}.txt",
                  "notes": "Archived unchanged when added; claims' quote_start/quote_end are character offsets into "
                           "text_file." + ("" if outlet else " The outlet was not given."),
                  "sha256": sha, "added_by": who, "added_at": at}
        rows.append(Planned("sources", values, f"source {source_id} created: {title[:60]}"))

    place_rows = store.rows("places")
    stored_places = {r["place_id"] for r in place_rows}
    new_places: dict[tuple, str] = {}

    def place_id_for(p: dict, draft_id: str) -> str:
        pid = (p.get("place_id") or "").strip()
        if pid and pid in stored_places:
            return pid
        written = (p.get("name") or "").strip()
        name_en = (p.get("name_en") or "").strip()
        lat, lon = p.get("lat"), p.get("lon")
        located = lat is not None and lon is not None
        # A place the extractor could not locate is added without a coordinate (the event is listed but
        # not drawn until `geocode` or an editor fills it), never guessed from a namesake.
        k = (name_en or written).casefold(), *((round(float(lat), 3), round(float(lon), 3)) if located else ())
        if k in new_places:
            return new_places[k]
        for r in place_rows:  # the same place added before (by an earlier article)
            try:
                have = (round(float(r["lat"]), 3), round(float(r["lon"]), 3)) if r["lat"].strip() else ()
            except (TypeError, ValueError):
                have = ()
            names = {r["name_en"].strip().casefold(), r["name_ar"].strip().casefold()}
            if k[0] in names and tuple(k[1:]) == have:
                new_places[k] = r["place_id"]
                return r["place_id"]
        kind = p.get("kind") if p.get("kind") in schema.PLACE_KINDS else "region"
        new_id = ids.fresh("places", slug(name_en) or slug(p.get("place_id") or "") or "place")
        arabic = any("\u0600" <= ch <= "\u06ff" for ch in written)
        how = p.get("how") or ""
        values = {"place_id": new_id, "name_en": name_en or written or new_id, "name_ar": written if arabic else "",
                  "kind": kind, "lat": str(lat) if located else "", "lon": str(lon) if located else "",
                  "country": "SY" if kind != "country" else "", "geonames_id": str(p.get("geonames_id") or ""),
                  "coord_source": f"extract: {p.get('source') or 'article'}" if located else "",
                  "coord_precision_m": str(int(p["precision_m"])) if located and p.get("precision_m") is not None
                  else "",
                  "coord_inferred": "true" if located else "false",
                  "notes": f"Added with source {source_id}; written «{written}» in the article; {how}".strip()
                  + ("" if located else "; no coordinate found: fill it (python -m conflictmap geocode) or "
                                        "pick a gazetteer place")}
        where = (f"±{values['coord_precision_m']} m, {values['coord_source']}" if located
                 else "no coordinate yet")
        new_places[k] = new_id
        rows.append(Planned("places", values, f"place {new_id} created ({values['name_en']}, {where})", draft_id))
        return new_id

    for d in drafts:
        did = str(d.get("draft_id", "?"))
        if only is not None and did not in only:
            skipped.append((did, "not selected"))
            continue
        if d.get("background") and only is None:
            skipped.append((did, f"background (a recalled fact); name it with --only {did} to add it"))
            continue
        claims = [c for c in d.get("claims") or [] if c.get("include", True)]
        if not claims:
            skipped.append((did, "no claims selected"))
            continue
        match = d.get("match") or None
        if match:
            event_id = match.get("event_id", "")
            if not store.existing_ids("events", {event_id}):
                raise ApplyError(f"draft {did}: matched event {event_id!r} is not in the ledger")
        else:
            pids = list(dict.fromkeys(place_id_for(p, did) for p in d.get("places") or []))
            if not pids:
                raise ApplyError(f"draft {did}: a new event needs at least one place")
            first = pids[0]
            event_id = ids.fresh("events", slug(f"{first} {d.get('sub_event_type') or d.get('event_type') or ''}", 40)
                                 + "-" + (d.get("date_start") or ""))
            notes = [f"Drafted from source {source_id} by the extractor and accepted by {who} at {at}"]
            if d.get("event_cue"):
                notes.append(f"type suggested by «{d['event_cue']}»")
            notes += [str(n) for n in d.get("notes") or []]
            values = {"event_id": event_id, "date_start": d.get("date_start", ""), "date_end": d.get("date_end", ""),
                      "date_precision": d.get("date_precision", ""),
                      "date_inferred": "true" if d.get("date_inferred", True) else "false",
                      "title_en": d.get("title_en", ""), "title_ar": d.get("title_ar", ""),
                      "event_type": d.get("event_type", ""), "sub_event_type": d.get("sub_event_type", ""),
                      "place_ids": ";".join(pids), "place_relation": d.get("place_relation") or "at",
                      "geo_precision": str(d.get("geo_precision") or _geo_precision(d.get("places") or [])),
                      "fatalities": "" if d.get("fatalities") is None else str(d["fatalities"]),
                      "source_id": source_id, "notes": "; ".join(notes) + "."}
            rows.append(Planned("events", values, f"event {event_id} created (draft {did}): {values['title_en']}", did))
        for n, c in enumerate(claims, start=1):
            where = f"draft {did}, claim {n}"
            start, end = _locate_quote(text, c, where)
            quote = text[start:end]
            who_said = c.get("actor_id") or slug(c.get("claimant", ""), 24) or "claimant"
            claim_id = ids.fresh("claims", f"c-{event_id}-{who_said}-{sha[:6]}")
            kind = c.get("claimant_kind") if c.get("claimant_kind") in schema.CLAIMANT_KINDS else "media"
            note = f"From source {source_id} (offsets {start}-{end}), accepted by {who} at {at}"
            if c.get("cue"):
                note += f"; stance cue «{c['cue']}»"
            values = {"claim_id": claim_id, "event_id": event_id, "claimant": c.get("claimant", ""),
                      "claimant_ar": c.get("claimant_ar") or "", "spokesperson": c.get("spokesperson") or "",
                      "claimant_kind": kind, "stance": c.get("stance", ""),
                      "quote_ar": quote if lang == "ar" else "", "quote_en": quote if lang != "ar" else "",
                      "channel": c.get("channel") or "", "attributed": "true" if c.get("attributed") else "false",
                      "claim_date": c.get("claim_date") or art.get("published", ""),
                      "claim_date_precision": c.get("claim_date_precision") or "day",
                      "claim_date_inferred": "true" if c.get("claim_date_inferred", True) else "false",
                      "source_id": source_id, "notes": note + ".", "quote_start": str(start), "quote_end": str(end)}
            verb = "added to" if match else "on new event"
            rows.append(Planned("claims", values, f"claim {claim_id} {verb} {event_id} (draft {did}): "
                                                  f"{values['claimant']}, {values['stance']}", did))
    return rows, skipped, source_id, source_existed


def check_rows(rows: list[Planned]) -> list[str]:
    """Column-level problems (types, vocabularies, required cells) in the planned rows, before any write."""
    problems = []
    for p in rows:
        t = schema.TABLES[p.table]
        frame = pd.DataFrame([{c: p.values.get(c, "") for c in t.column_names}], dtype=object).astype(str)
        issues: list[RowIssue] = []
        validate_table(frame, t, t.path, issues)
        problems += [f"{p.table} {p.row_id}: {i.column} {i.value!r}: {i.message}" for i in issues
                     if i.severity == "error"]
    return problems


def apply_drafts(doc: dict, store: Store, *, archive_dir: Path | str, who: str, reason: str = "",
                 only: list[str] | None = None, dry_run: bool = False) -> ApplyResult:
    """Archive the article and add the selected drafts through ``store`` (see the module docstring).

    ``only``: draft ids to add (background drafts included when named); default every non-background
    draft. ``dry_run``: plan and check, write nothing. All or nothing: on a refused write the rows
    already written by this run are reverted and :class:`ApplyError` is raised."""
    rows, skipped, source_id, existed = plan(doc, store, who=who, only=only)
    text = doc["article"]["text"]
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    result = ApplyResult(source_id, archive_path(archive_dir, sha), sha, rows, [], skipped, existed)
    problems = check_rows(rows)
    if problems:
        raise ApplyError("nothing was written; these rows would be refused:\n  " + "\n  ".join(problems))
    if dry_run or not any(p.table != "sources" for p in rows):
        if not dry_run:
            raise ApplyError("nothing to add: no draft selected with claims" +
                             (f" ({'; '.join(f'{d}: {w}' for d, w in skipped)})" if skipped else ""))
        return result
    archived, new_file = archive_article(archive_dir, text)
    reason = reason or f"added from article {sha[:12]}"
    for p in rows:
        try:
            result.changes.append(store.create(p.table, p.values, who=who, reason=reason))
        except StoreError as exc:
            undone, stuck = _roll_back(store, result.changes, who)
            if new_file and not stuck:
                archived.unlink(missing_ok=True)
            msg = f"{p.table} {p.row_id} refused: {exc}"
            if stuck:
                raise ApplyError(msg + f"; {len(undone)} earlier row(s) reverted, but these stay written: "
                                 + ", ".join(f"{c.table} {c.row_id} (change #{c.change_id})" for c in stuck),
                                 written=stuck) from exc
            raise ApplyError(msg + (f"; the {len(undone)} row(s) written before it were reverted (the history "
                                    "keeps both)" if undone else "; nothing was written")) from exc
    return result


def _roll_back(store: Store, changes: list[Change], who: str) -> tuple[list[Change], list[Change]]:
    undone, stuck = [], []
    for c in reversed(changes):
        try:
            store.revert(c.change_id, who=who, reason="apply refused part-way: rolled back")
            undone.append(c)
        except StoreError:
            stuck.append(c)
    return undone, stuck
