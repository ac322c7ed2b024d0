"""The article as reviewable HTML: places, dates, claimants, cue words and quotes marked by their offsets.

:func:`mentions` lists what the extractor saw in the text (each a span with a kind and a label);
:func:`marked_html` turns the text and those spans into escaped HTML with ``<mark>`` elements, so a
reviewer can see what each draft was built from. Every piece of the text and every label goes through
:func:`conflictmap.text.escape`; the only markup is the one built here. Offsets are the article text's
(the ones ``drafts.json`` and the archived source use).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from ..i18n import t
from ..text import escape
from .dates import find_dates
from .drafts import Extractor
from .fold import fold, tokens

KINDS = ("quote", "date", "place", "claimant", "cue", "selected")
"""Kinds of mark, lowest priority first: a character in several spans is coloured by the last kind."""

STYLE = {
    "quote": "background:#fff6d5;border-bottom:2px dotted #b58900",
    "date": "background:#d8f0d0",
    "place": "background:#cfe6ff",
    "claimant": "background:#ffdcb0",
    "cue": "background:#f7c8ea;font-weight:bold",
    "selected": "background:#ffd54f;outline:2px solid #c77700",
}


def _labels(lang: str) -> dict[str, str]:
    """Each kind's name in the interface language (the message catalogue's ``highlight.*``)."""
    return {k: t(f"highlight.{k}", lang) for k in KINDS}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str
    label: str = ""


def mentions(extractor: Extractor, text: str, published: dt.date | str, doc: dict | None = None) -> list[Mention]:
    """Places, dates (resolved against ``published``), claimants and cue words found in ``text``, and the
    quotes of ``doc``'s claims."""
    if isinstance(published, str):
        published = dt.date.fromisoformat(published)
    folded = fold(text)
    toks = tokens(folded)
    out: list[Mention] = []
    for p in extractor.places.find(text, toks):
        out.append(Mention(p.start, p.end, "place", p.to_json().get("name_en") or ""))
    for d in find_dates(text, folded, published):
        out.append(Mention(d.start, d.end, "date", f"{d.date_start}" + (
            f" – {d.date_end}" if d.date_end != d.date_start else "") + f" ({d.precision})"))
    for a in extractor.actors.matcher.find(toks, text):
        try:
            actor, _ = extractor.actors.claimant_of(a.entry)
            name = actor.name_en
        except (KeyError, AttributeError, TypeError):
            name = str(a.entry)
        out.append(Mention(a.start, a.end, "claimant", name))
    for cat, matcher in extractor.cues.matchers.items():
        for m in matcher.find(toks, text):
            value = str(getattr(m.entry, "value", "") or "").replace("|", " / ")
            out.append(Mention(m.start, m.end, "cue", f"{cat}: {value}" if value else cat))
    for d in (doc or {}).get("events") or []:
        for c in d.get("claims") or []:
            if isinstance(c.get("start"), int) and isinstance(c.get("end"), int):
                out.append(Mention(c["start"], c["end"], "quote", f"{d.get('draft_id', '')}: {c.get('claimant', '')}, "
                                                                  f"{c.get('stance', '')}"))
    return [m for m in out if 0 <= m.start < m.end <= len(text)]


def marked_html(text: str, spans: list[Mention], *, selected: tuple[int, int] | None = None,
                rtl: bool = False, lang: str = "en") -> str:
    """``text`` as escaped HTML, line breaks kept, each span a ``<mark>`` coloured by its kind (the
    ``selected`` quote strongest, with ``id="cm-selected"``). Overlapping spans are cut into pieces, each
    piece marked with every kind that covers it (``data-kinds``) and titled with their labels (in ``lang``)."""
    label = _labels(lang)
    spans = list(spans)
    if selected is not None:
        spans.append(Mention(selected[0], selected[1], "selected", ""))
    cuts = sorted({0, len(text), *[m.start for m in spans], *[m.end for m in spans]})
    parts: list[str] = []
    first_selected = True
    for a, b in itertools.pairwise(cuts):
        piece = escape(text[a:b]).replace("\n", "<br>")
        cover = [m for m in spans if m.start <= a and b <= m.end]
        if not cover:
            parts.append(piece)
            continue
        kinds = sorted({m.kind for m in cover}, key=KINDS.index)
        style = ";".join(STYLE[k] for k in kinds)
        title = "; ".join(dict.fromkeys(f"{label[m.kind]}: {m.label}" if m.label else label[m.kind] for m in cover))
        ident = ""
        if "selected" in kinds and first_selected:
            ident, first_selected = ' id="cm-selected"', False
        parts.append(f'<mark{ident} class="cm-{" cm-".join(kinds)}" data-kinds="{escape(" ".join(kinds))}" '
                     f'title="{escape(title)}" style="{style};color:inherit;padding:0">{piece}</mark>')
    direction = 'dir="rtl" lang="ar" style="text-align:right;' if rtl else 'dir="ltr" style="'
    return (f'<div class="cm-article" {direction}line-height:1.9;font-size:1.05rem;white-space:normal;'
            f'border:1px solid #ddd;padding:.6em .8em">{"".join(parts)}</div>')


def legend_html(lang: str = "en") -> str:
    """The colours' key, as HTML, in the interface language ``lang``."""
    label = _labels(lang)
    return " ".join(f'<mark style="{STYLE[k]};color:inherit;padding:0 .3em">{escape(label[k])}</mark>'
                    for k in ("place", "date", "claimant", "cue", "quote", "selected"))
