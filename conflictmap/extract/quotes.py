"""Verbatim spans: quotation marks in the text, and the exact span a claim rests on.

Every quote the extractor reports is cut from the article with :func:`span`, so
``text[start:end] == quote`` holds by construction; :func:`check` is the guard that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

_PAIRS = {"«": "»", "“": "”", "„": "“"}
_TRIM = " \t\n\r.,،:;؛!?؟…-–—\"'«»“”()"
MIN_QUOTE_WORDS = 4
"""«المرصد», «داعش», «قوات سوريا الديمقراطية»: short guillemet spans are names, not statements."""


@dataclass(frozen=True)
class QuoteSpan:
    """The inside of a pair of quotation marks (``start``/``end`` exclude the marks)."""

    start: int
    end: int
    statement: bool  # long enough, or introduced by a colon, to be someone's words rather than a name

    def contains(self, pos: int) -> bool:
        return self.start <= pos < self.end


def quote_spans(text: str) -> list[QuoteSpan]:
    """Every quoted span, outermost only; straight double quotes pair up in order."""
    out: list[QuoteSpan] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        close = _PAIRS.get(ch) or ('"' if ch == '"' else None)
        if close is None:
            i += 1
            continue
        depth, j = 1, i + 1
        while j < n and depth:
            if text[j] == close:
                depth -= 1
                if not depth:
                    break
            elif text[j] == ch and ch != '"':
                depth += 1
            elif text[j] == "\n" and text[j + 1:j + 2] == "\n":
                break  # an unclosed quote does not run past a paragraph
            j += 1
        if j >= n or text[j] != close:
            i += 1
            continue
        inner = text[i + 1:j]
        before = text[max(0, i - 3):i].strip()
        words = len(inner.split())
        out.append(QuoteSpan(i + 1, j, words >= MIN_QUOTE_WORDS or before.endswith(":")))
        i = j + 1
    return out


def span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` with surrounding spaces and punctuation trimmed (brackets kept when balanced)."""
    while start < end and text[start] in _TRIM and not (text[start] == "(" and ")" in text[start:end]):
        start += 1
    while end > start and text[end - 1] in _TRIM and not (text[end - 1] == ")" and "(" in text[start:end - 1]):
        end -= 1
    return start, end


def check(text: str, quote: str, start: int, end: int) -> bool:
    """The promise of drafts.json: the quote is exactly the text between its offsets."""
    return 0 <= start <= end <= len(text) and text[start:end] == quote
