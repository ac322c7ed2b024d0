"""Offset-keeping folding: match on folded text, report offsets into the original.

:func:`conflictmap.text.normalise` folds whole strings for comparison but changes their length
(diacritics and tatweel disappear), so a match in its output cannot point back into the article.
:func:`fold` applies the same folding character by character and keeps, for each folded character,
the offset of the original character it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..text import normalise

_DROP = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u200c-\u200f]")
_MAP = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"}
_MAP |= {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Folded:
    """``text`` folded, and ``pos[i]`` = offset in the original of folded character ``i`` (``pos[-1]`` = end)."""

    text: str
    pos: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the folded slice ``[start:end]``."""
        if end <= start:
            return self.pos[start], self.pos[start]
        # Characters folded away (diacritics, tatweel) between this and the next letter belong to this one:
        # «أَمْسِ» keeps its final kasra.
        return self.pos[start], self.pos[end]


def fold_char(ch: str) -> str:
    """One character folded: '' for diacritics and tatweel, the folded form otherwise."""
    if _DROP.match(ch):
        return ""
    ch = _MAP.get(ch, ch)
    if ch.isascii():
        return ch.lower()
    decomposed = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return decomposed.casefold()


def fold(text: str) -> Folded:
    """Fold ``text`` for matching (the same folding as :func:`normalise`, punctuation kept), with offsets."""
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        f = fold_char(ch)
        out.append(f)
        pos.extend([i] * len(f))
    pos.append(len(text))
    return Folded("".join(out), tuple(pos))


def key(s: str) -> str:
    """The comparison key of a lexicon entry or a name (:func:`normalise`)."""
    return normalise(s)


@dataclass(frozen=True)
class Token:
    """A word of the article: folded form and its span in the original text."""

    i: int
    word: str
    start: int
    end: int


def tokens(folded: Folded) -> list[Token]:
    """The words of a folded text with their original spans."""
    out = []
    for n, m in enumerate(WORD.finditer(folded.text)):
        s, e = folded.span(m.start(), m.end())
        out.append(Token(n, m.group(), s, e))
    return out
