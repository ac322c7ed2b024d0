"""The parts of a claim: sentences, clauses, cues, the claim and draft records, and the counts in a clause.

The rules that use them are in :mod:`.drafts` (its docstring lists them in order); this module holds the
records they build and the text helpers they share.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from dataclasses import dataclass, field

from .article import Article
from .dates import DateMention, find_dates
from .fold import Folded, Token, key
from .lexicon import Match
from .places import PlaceMention
from .quotes import QuoteSpan, span

_SENTENCE_END = re.compile(r"[.!?؟](?=\s|$)")
NEGATION = re.compile(r"^(?:و|ف)?(?:لم|لا|لن|ما\s+اذا|not|no)\b")
_THAT = {key(w) for w in ("أن", "أنه", "أنها", "إن", "إنه", "إنها", "بأن", "بأنه", "عن", "that", "فيه")}
_VIA = {key(w) for w in ("بيان", "تصريح", "statement")}
_BACKGROUND = re.compile(r"^(?:و|ف)?(?:كان|كانت|كانوا)\b")
_NUM_AR = {"واحد": 1, "اثنين": 2, "اثنان": 2, "ثلاثه": 3, "اربعه": 4, "خمسه": 5, "سته": 6, "سبعه": 7, "ثمانيه": 8,
           "تسعه": 9, "عشره": 10}
_NUM_EN = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_SINGULAR = r"(?:مقاتل|شخص|عنصر|جندي|مدني|عسكري|طفل|رجل|امراه)(?!\w)"
_DUAL = r"(?:عنصرين|شخصين|جنديين|مقاتلين اثنين)"
_KILLED_AR = re.compile(r"(?:مقتل|قتل|مصرع|اودي\s+بحياه)\s+(?:(?P<n>\d+|" + "|".join(_NUM_AR) + r")|(?P<one>"
                        + _SINGULAR + r")|(?P<two>" + _DUAL + r"))")
_KILLED_EN = re.compile(r"(?:(?P<n>\d+|" + "|".join(_NUM_EN) + r")\s+(?:\w+\s+){0,2}?(?:were|was)?\s*killed"
                        r"|killing\s+(?P<n2>\d+|" + "|".join(_NUM_EN) + r"))")
PROXIMITY = 3  # sentences within which a claim without place or happening joins the previous one


@dataclass
class Sentence:
    idx: int
    start: int
    end: int
    block: int
    headline: bool
    background: bool = False


@dataclass
class Claim:
    actor_id: str
    claimant: str
    claimant_ar: str
    claimant_kind: str
    spokesperson: str
    channel: str
    stance: str
    attributed: bool
    start: int
    end: int
    quoted: bool
    cue: str
    cue_start: int
    cue_end: int
    claim_date: DateMention | None
    event_dates: list[DateMention]
    places: list[PlaceMention]
    event_cue: object | None
    fatalities: int | None
    sentence: Sentence

    @property
    def weight(self) -> int:
        return self.event_cue.weight if self.event_cue else 0


@dataclass
class Draft:
    claims: list[Claim] = field(default_factory=list)
    background: bool = False

    @property
    def last_sentence(self) -> Sentence:
        return self.claims[-1].sentence

    @property
    def specific(self) -> set[str]:
        return {p.identity for c in self.claims for p in c.places if p.specific}

    @property
    def event_cue(self):
        cues = [c.event_cue for c in self.claims if c.event_cue]
        return max(cues, key=lambda c: c.weight) if cues else None


_RELATIVE_RULES = frozenset({"yesterday", "today", "day-before-yesterday", "weekday-ar", "weekday-en", "night-ar",
                             "night-range-ar"})
CLAIMANT_KINDS = ("monitor", "armed_group", "coalition", "government", "media", "individual")


class ClaimContext:
    """One article being read: its text, folded form, tokens and everything found in it."""

    def __init__(self, text: str, folded: Folded, toks: list[Token], quotes: list[QuoteSpan],
                 statements: list[QuoteSpan], sentences: list[Sentence], article: Article) -> None:
        self.text, self.folded, self.toks = text, folded, toks
        self.quotes, self.statements, self.sentences, self.article = quotes, statements, sentences, article
        self.places: list[PlaceMention] = []
        self.actors: list[Match] = []
        self.cues: dict[str, list[Match]] = {}
        self.hedged: set[str] = set()
        # folded offset of each original offset (for date search in a range)
        self._fold_at = [0] * (len(text) + 1)
        j = 0
        for i in range(len(text) + 1):
            while j < len(folded.pos) - 1 and folded.pos[j] < i:
                j += 1
            self._fold_at[i] = j

    @staticmethod
    def in_range(items, lo: int, hi: int):
        return [m for m in items if lo <= m.start < hi]

    def in_quote(self, pos: int) -> bool:
        return any(q.contains(pos) for q in self.quotes)

    def in_statement(self, pos: int) -> bool:
        return any(q.contains(pos) for q in self.statements)

    def sentence_of(self, pos: int) -> Sentence | None:
        return next((s for s in self.sentences if s.start <= pos < s.end), None)

    def dates(self, lo: int, hi: int, ref: dt.date) -> list[DateMention]:
        """Dates in ``[lo, hi)`` resolved against ``ref``; relative ones no more precise than the publication."""
        if hi <= lo:
            return []
        found = find_dates(self.text, self.folded, ref, self._fold_at[lo], self._fold_at[hi])
        precision = self.article.published_precision
        if precision == "day":
            return found
        # «أمس» in an article known only to the month is a day in (or just before) that month, no more.
        pub = self.article.published
        first = pub.replace(day=1) if precision == "month" else pub.replace(month=1, day=1)
        last = (first.replace(year=first.year + 1) if precision == "year" else
                (first + dt.timedelta(days=32)).replace(day=1)) - dt.timedelta(days=1)
        return [dataclasses.replace(d, date_start=first - dt.timedelta(days=7), date_end=last, precision=precision,
                                    rule=f"{d.rule}, publication date known to the {precision}")
                if d.rule in _RELATIVE_RULES else d for d in found]


def split_sentences(text: str, quotes: list[QuoteSpan]) -> list[Sentence]:
    out: list[Sentence] = []
    block = 0
    pos = 0
    for line in text.split("\n"):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        if not line.strip():
            block += 1
            continue
        stripped = line.strip()
        headline = (not _SENTENCE_END.search(stripped[-1:] + " ") and not stripped.endswith(("»", '"', "”")) \
            and len(stripped.split()) < 20) or len(stripped.split()) <= 3
        start = lo
        for m in _SENTENCE_END.finditer(line):
            cut = lo + m.end()
            if any(q.start <= cut - 1 < q.end for q in quotes):
                continue
            if text[start:cut].strip():
                out.append(Sentence(len(out), start, cut, block, headline))
            start = cut
        if text[start:hi].strip():
            out.append(Sentence(len(out), start, hi, block, headline))
    for s in out:
        s.background = bool(_BACKGROUND.match(key(text[s.start:s.end])))
    return out


def merge_cues(ctx: ClaimContext, cues: list[Match]) -> list[Match]:
    """«ونشر أنه رصد»: one claim, not two; «قال التحالف إنه سمع بتقارير»: one claim, stance from the stronger cue."""
    out: list[Match] = []
    for m in cues:
        if out:
            p = out[-1]
            gap_actors = ctx.in_range(ctx.actors, p.end, m.start)
            gap_quote = any(p.end <= q.start < m.start for q in ctx.statements)
            near = m.first - p.last <= 6
            if near and not gap_quote and not gap_actors and m.entry.weight <= p.entry.weight:
                continue
            if near and not gap_quote and m.entry.weight > p.entry.weight:
                out[-1] = Match(p.first, m.last, p.start, p.end, m.entry, p.text)
                continue
        out.append(m)
    return out


def is_channel(ctx: ClaimContext, m: Match) -> bool:
    first = ctx.text[m.start:m.start + 1]
    before = key(ctx.text[max(0, m.start - 6):m.start]).split()
    return first == "ل" or (bool(before) and before[-1] in ("to", "told"))


def past_leading_date(ctx: ClaimContext, a: int, hi: int) -> int:
    """«أعلنت المعارضة، يوم الأحد 8 ديسمبر، أنها …»: a date before «أن» dates the claim, not what it says."""
    toks = [t for t in ctx.toks if a <= t.start < hi][:8]
    that = next((t for t in toks if t.word in _THAT), None)
    if that is None or that is toks[0]:
        return a
    return that.start if ctx.dates(a, that.start, ctx.article.published) else a


def skip_that(ctx: ClaimContext, a: int, hi: int) -> int:
    """Skip «أن/إنه/that» and «في بيان» between the cue (or claimant) and what is claimed."""
    toks = [t for t in ctx.toks if a <= t.start < hi]
    i = 0
    while i < len(toks):
        if toks[i].word in _THAT:
            a = toks[i].end
            i += 1
        elif toks[i].word in ("في", "in", "a", "an") and i + 1 < len(toks) and toks[i + 1].word in _VIA:
            a = toks[i + 1].end
            i += 2
        else:
            break
    return a


_CONNECTIVE = re.compile(r"[،,]?\s*(?:فيما|بينما|في حين|في وقت|while|as)\s*$")


def strip_connective(text: str, a: int, b: int) -> int:
    """«… حول انفجار، فيما»: the word that links to the next claim is not part of this one."""
    m = _CONNECTIVE.search(text[a:b])
    return span(text, a, a + m.start())[1] if m else b


def strip_trailer(text: str, a: int, b: int) -> int:
    """«…، وفق ما أفاد»: drop the words that introduce the trailing attribution."""
    seg = text[a:b]
    m = re.search(r"[،,]\s*(?:و|ف)?(?:وفق|بحسب|حسب)?\s*(?:ما)?\s*$", seg)
    return span(text, a, a + m.start())[1] if m else b


def event_cues(ctx: ClaimContext, a: int, b: int) -> list[tuple[int, object]]:
    """Event cues in [a, b), ignoring those after a support marker in the same clause («بدعم من …»)."""
    supports = [m.start for m in ctx.in_range(ctx.cues["support"], a, b)]
    out = []
    for m in ctx.in_range(ctx.cues["event"], a, b):
        if any(s < m.start for s in supports):
            continue
        if any(act.start <= m.start < act.end for act in ctx.actors):
            continue
        out.append((m.start, m.entry))
    return out


_CLAUSE = re.compile(r"(?:[.!?؟](?=\s)|؛|،(?=\s*و)|,(?=\s*and\b))")


def split_statement(ctx: ClaimContext, a: int, b: int) -> list[tuple[int, int]]:
    """One span per happening the statement describes (see the module docstring, step 3)."""
    cuts = {a, b}
    for m in _CLAUSE.finditer(ctx.text, a, b):
        if not ctx.in_quote(m.start()) or any(q.start <= a and m.start() < q.end for q in ctx.statements):
            cuts.add(m.end())
    for m in ctx.in_range(ctx.cues["concurrent"], a, b):
        cuts.add(m.start)
    bounds = sorted(cuts)
    clauses = [(x, y) for x, y in itertools.pairwise(bounds) if ctx.text[x:y].strip(" ،,.؛")]
    groups: list[list] = []  # [start, end, best cue or None]
    pending: tuple[int, int] | None = None
    for x, y in clauses:
        events = event_cues(ctx, x, y)
        best = max(events, key=lambda e: (e[1].weight, -e[0]))[1] if events else None
        neg = bool(NEGATION.match(key(ctx.text[x:y])))
        if groups and neg:
            groups[-1][1] = y
            continue
        if best is None:
            pending = (pending[0], y) if pending else (x, y)
            continue
        start = pending[0] if pending else x
        last = groups[-1] if groups else None
        if last is None or not (best.weight >= 2 and last[2] is not None and last[2].weight >= 2
                                and best.sub_event_type != last[2].sub_event_type):
            if last is None:
                groups.append([start, y, best])
            else:
                last[1] = y
                if last[2] is None or best.weight > last[2].weight:
                    last[2] = best
        else:
            groups.append([start, y, best])
        pending = None
    if pending:
        if groups:
            groups[-1][1] = pending[1]
        else:
            groups.append([pending[0], pending[1], None])
    out = []
    for x, y, _ in groups:
        s, e = span(ctx.text, x, y)
        if e > s:
            out.append((s, e))
    return out or [span(ctx.text, a, b)]


def fatalities(ctx: ClaimContext, a: int, b: int) -> int | None:
    seg = key(ctx.text[a:b])
    m = _KILLED_AR.search(seg)
    if m:
        if m.group("one"):
            return 1
        if m.group("two"):
            return 2
        n = m.group("n")
        return int(n) if n.isdigit() else _NUM_AR.get(n)
    m = _KILLED_EN.search(seg)
    if m:
        n = m.group("n") or m.group("n2")
        return int(n) if n.isdigit() else _NUM_EN.get(n)
    return None
