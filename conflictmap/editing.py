"""What an edit form needs from the core besides the store's own validation: proposed ids and the quote check.

- :func:`propose_id`: a new row's id, worked out from what the editor typed (``c-<event>-<claimant>`` for a
  claim, as the seed data names them), made unique against the ids already in the table. Ids are never
  typed by hand: a typo in an id is a broken reference later.
- :func:`check_quote`: a claim's ``quote_ar`` must occur verbatim in its source's archived text
  (``sources.csv`` ``text_file``, a file in the archive folder, :func:`archive_dir`). When the source has
  no archived text, or the archive is not on this machine, the answer says the quote cannot be checked.

The row itself (types, vocabularies, references, dates in order) is checked by the store
(:mod:`conflictmap.store.rules`, the loader's rules), which refuses an invalid row before writing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .text import normalise

ARCHIVE_ENV = "CONFLICTMAP_SEEDS"  # the folder that holds sources' text_file (the project's shared/seeds)
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
    """The folder of archived source texts: ``$CONFLICTMAP_SEEDS``, else the first ``shared/seeds`` beside the
    data directory or one of its parents (the project's layout). None when there is none."""
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


@dataclass(frozen=True)
class QuoteCheck:
    """``ok``: True (found verbatim), False (not found: the row must not be saved), None (cannot check)."""

    ok: bool | None
    message: str


def check_quote(quote_ar: str, text_file: str, archive: Path | None) -> QuoteCheck:
    """Is ``quote_ar`` verbatim in the archived text ``text_file``? See :class:`QuoteCheck`."""
    quote = (quote_ar or "").strip()
    if not quote:
        return QuoteCheck(None, "No Arabic quote to check.")
    if not (text_file or "").strip():
        return QuoteCheck(None, "Cannot check the quote: this source has no archived text (text_file).")
    name = Path(text_file.strip()).name  # a file in the archive folder, never a path elsewhere
    if archive is None or not (archive / name).is_file():
        return QuoteCheck(None, f"Cannot check the quote: the archived text {name} is not on this server "
                                f"(set {ARCHIVE_ENV} to the archive folder).")
    text = (archive / name).read_text(encoding="utf-8", errors="replace")
    if quote in text:
        return QuoteCheck(True, f"Found verbatim in {name}.")
    if normalise(quote) in normalise(text):
        return QuoteCheck(False, f"Not verbatim in {name}: the article spells it differently (hamza, diacritics, "
                                 "alef or taa marbuta forms). Copy it exactly as printed.")
    return QuoteCheck(False, f"Not found in {name}: copy the quote exactly as printed in the source.")
