"""Phrase matching over an article's words, tolerant of Arabic clitics.

Lexicon entries (cue words, actor aliases) are matched word by word against the folded words of
the article (:mod:`.fold`). An Arabic word matches when it equals the entry's word after removing
what may be attached to it: a conjunction (و، ف), a preposition (ب، ل، ك) and the article (ال), so
«وقال» meets «قال», «لـ«قوات» meets «قوات» and «بالطيران» meets «الطيران».
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .fold import Token, key


def forms(word: str) -> frozenset[str]:
    """A word and its readings without attached conjunction, preposition or article (Arabic only)."""
    out = {word}
    if not word or not ("\u0600" <= word[0] <= "\u06ff"):
        return frozenset(out)
    stage = {word}
    for prefixes in (("و", "ف"), ("ب", "ل", "ك")):
        stage |= {w[len(p):] for w in stage for p in prefixes if w.startswith(p) and len(w) - len(p) >= 2}
    stage |= {"ال" + w[2:] for w in stage if w.startswith("لل") and len(w) > 3}  # للتحالف = ل + التحالف
    stage |= {w[2:] for w in stage if w.startswith("ال") and len(w) - 2 >= 2}
    out |= stage
    return frozenset(out)


@dataclass(frozen=True)
class Match:
    """One lexicon entry found in the text: tokens ``[first, last]`` and the original span."""

    first: int
    last: int
    start: int
    end: int
    entry: Any
    text: str = ""


class PhraseMatcher:
    """Find lexicon phrases in a token list; the longest phrase at a position wins."""

    def __init__(self, phrases: Sequence[tuple[str, Any]]) -> None:
        self._by_first: dict[str, list[tuple[tuple[frozenset[str], ...], Any]]] = {}
        for phrase, entry in phrases:
            words = key(phrase).split()
            if not words:
                continue
            seq = tuple(forms(w) for w in words)
            for f in seq[0]:
                self._by_first.setdefault(f, []).append((seq, entry))
        for lst in self._by_first.values():
            lst.sort(key=lambda x: -len(x[0]))

    def find(self, toks: Sequence[Token], text: str = "", *, overlapping: bool = False) -> list[Match]:
        """All matches, left to right; without ``overlapping`` a match's words are not reused."""
        out: list[Match] = []
        tok_forms = [forms(t.word) for t in toks]
        i = 0
        while i < len(toks):
            best = None
            seen: set[int] = set()
            for f in tok_forms[i]:
                for seq, entry in self._by_first.get(f, ()):
                    if id(seq) in seen:
                        continue
                    seen.add(id(seq))
                    n = len(seq)
                    if i + n > len(toks):
                        continue
                    if all(tok_forms[i + k] & seq[k] for k in range(1, n)) and (best is None or n > best[0]):
                        best = (n, entry)
            if best is None:
                i += 1
                continue
            n, entry = best
            s, e = toks[i].start, toks[i + n - 1].end
            out.append(Match(i, i + n - 1, s, e, entry, text[s:e] if text else ""))
            i += 1 if overlapping else n
        return out
