"""Claims found in an article, grouped into draft events, matched against the ledger.

How a claim is read (each step is a rule a reviewer can check against the highlighted text):

1. The text is cut into blocks (blank lines), lines and sentences (never inside quotation marks).
   Short lines without final punctuation are headlines or captions: they give no claims, but a
   hedge in them still counts («بيان منسوب لبشار الأسد» makes every Assad statement attributed).
2. Every stance cue outside quotation marks (``cues.csv``: قال، نفى، على علم بتقارير، لم يصدر أي
   تعليق، تبنّى …) opens a claim that runs to the next cue. The claimant is the first actor named
   after the cue (Arabic puts the verb first), else the last one before it; in English the other way
   round ("SOHR said", but "according to SOHR"); else the claimant of the previous claim, if it is at
   most three sentences back («وقال: …»). A person stands for the organisation they speak for and
   becomes the spokesperson; an outlet after ل / "to" is the channel.
3. What is claimed is the statement in quotation marks after the cue, else the reported clause
   (after أن / that), else - for a trailing attribution («…، وفق ما أفاد المرصد») - what precedes.
   A statement describing several happenings is cut at clause boundaries into one claim per
   happening (a generic word such as هجوم never splits it; «بدعم من» introduces support, not
   another event; «رافقها» a concurrent one; a clause that says what is not known stays with
   the one before).
4. The stance is the cue's, unless the statement itself says otherwise ("we are aware of reports",
   "we deny"). A hedge (منسوب، يُعتقد، زعم, "could not be verified") near the claimant, or in the
   narration around the claim (not inside the claimant's quoted words), sets ``attributed``.
5. Dates in the clause around the cue date the claim (relative to publication); dates inside the
   statement date the event, relative to the claim's date - a quote's «أمس» is the day before the
   statement; «وأضاف/وتابع» by the same claimant continue the previous statement and keep its date.
   A sentence opening with «وكان/وكانت» (… قد) recalls an earlier fact: its draft is
   ``background`` and is not dated on the article's day.
6. A sentence with no stance cue but a clear event word is the outlet's own narration, claimed by
   the outlet (unless it opens with a negation).
7. Claims are grouped into drafts by what happened, where and when (two claims whose words both
   mean ACLED's catch-all "Other" share a draft only with the same word or a shared place); a claim
   naming neither place nor happening («نفت قسد وقوعه») joins the claim just before it. Within one
   quoted statement an undated step takes the date of the next dated step. Within a draft, the same
   claimant with the same stance is kept once (the quoted version wins).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from pathlib import Path

from ..files import read_table_text
from . import match as matching
from .actors import ActorTable
from .article import Article, make_article
from .cues import CueLexicon
from .fold import fold, key, tokens
from .lexicon import Match
from .places import SPECIFICITY, PlaceFinder, PlaceMention
from .quotes import quote_spans, span
from .spans import (
    CLAIMANT_KINDS,
    NEGATION,
    PROXIMITY,
    Claim,
    ClaimContext,
    Draft,
    Sentence,
    event_cues,
    fatalities,
    is_channel,
    merge_cues,
    past_leading_date,
    skip_that,
    split_sentences,
    split_statement,
    strip_connective,
    strip_trailer,
)


class Extractor:
    """Reads articles against one data directory (gazetteer, events, claims). Build once, reuse."""

    def __init__(self, data_dir: Path | str | None = None, *, actors_file: Path | str | None = None,
                 countries: tuple[str, ...] = ("SY",)) -> None:
        self.data_dir = Path(data_dir) if data_dir else None
        rows = self._rows("geodata/places.csv")
        self.places = PlaceFinder(rows, countries=countries)
        self.actors = ActorTable.load(actors_file)
        self.cues = CueLexicon.load()
        self.known = self._known_events(rows)

    def _rows(self, rel: str) -> list[dict]:
        if self.data_dir is None or not (self.data_dir / rel).is_file():
            return []
        text, _ = read_table_text(self.data_dir / rel)
        return list(csv.DictReader(io.StringIO(text)))

    def _known_events(self, place_rows: list[dict]) -> list[matching.KnownEvent]:
        coords = {}
        for r in place_rows:
            try:
                coords[r["place_id"]] = (float(r["lat"]), float(r["lon"]))
            except (KeyError, TypeError, ValueError):
                continue
        by_event: dict[str, list[dict]] = {}
        for c in self._rows("claims.csv"):
            by_event.setdefault(c.get("event_id", ""), []).append(c)
        out = []
        for e in self._rows("events.csv"):
            d0, d1 = matching._date(e.get("date_start", "")), matching._date(e.get("date_end", ""))
            if d0 is None:
                continue
            pts = [(p, *coords[p]) for p in (e.get("place_ids") or "").split(";") if p in coords]
            claims = by_event.get(e["event_id"], [])
            actors = set()
            for c in claims:
                a = (self.actors.resolve_name(c.get("claimant", ""))
                     or self.actors.resolve_name(c.get("claimant_ar", "")))
                if a:
                    actors.add(a.actor_id)
            described = " ".join(e.get(k, "") for k in ("title_en", "title_ar", "summary_en"))
            weapon = self._weapon_of(described)
            try:
                fat = int(e["fatalities"]) if (e.get("fatalities") or "").strip() else None
            except ValueError:
                fat = None
            out.append(matching.KnownEvent(e["event_id"], d0, d1 or d0, e.get("event_type", ""),
                                           e.get("sub_event_type", ""), pts, actors,
                                           [key(c.get("quote_ar", "")) for c in claims if c.get("quote_ar")],
                                           fat, weapon, e.get("title_en", "")))
        return out

    def _weapon_of(self, text: str) -> str:
        f = fold(text)
        found = [m.entry for m in self.cues.matchers["event"].find(tokens(f), text) if m.entry.weapon]
        return max(found, key=lambda c: c.weight).weapon if found else ""

    # --- the pipeline -------------------------------------------------------------------

    def extract(self, article: Article) -> dict:
        """The drafts.json structure for one article."""
        text = article.text
        folded = fold(text)
        toks = tokens(folded)
        quotes = quote_spans(text)
        statements = [q for q in quotes if q.statement]
        sentences = split_sentences(text, quotes)
        ctx = ClaimContext(text, folded, toks, quotes, statements, sentences, article)
        ctx.actors = self.actors.matcher.find(toks, text)
        # «المرصد السوري لحقوق الإنسان» in guillemets is a name, not a statement.
        names = {(m.start, m.end) for m in ctx.actors}
        ctx.statements = [q for q in statements if span(text, q.start, q.end) not in names]
        # «هيئة تحرير الشام» is an actor: its الشام is not Damascus.
        ctx.places = [p for p in self.places.find(text, toks)
                      if not any(a.start <= p.start and p.end <= a.end for a in ctx.actors)]
        for cat, matcher in self.cues.matchers.items():
            ctx.cues[cat] = matcher.find(toks, text)
        # "claimed" hedges, "claimed responsibility" does not: a hedge inside a longer stance phrase is not one.
        ctx.cues["hedge"] = [h for h in ctx.cues["hedge"] if not any(
            m.start <= h.start and h.end <= m.end and m.end - m.start > h.end - h.start for m in ctx.cues["stance"])]
        ctx.hedged = self._hedged_actors(ctx)
        claims = self._claims(ctx)
        drafts = _group(claims)
        out_events = [self._draft_json(ctx, i, d) for i, d in enumerate(drafts, start=1)]
        return {"article": article.meta(), "events": out_events}

    def _hedged_actors(self, ctx: ClaimContext) -> set[str]:
        """Actors a hedge is attached to anywhere (headline included): «بيان منسوب لبشار الأسد»."""
        out = set()
        for h in ctx.cues["hedge"]:
            for a in ctx.actors:
                close = -40 <= a.start - h.end <= 40 or -40 <= h.start - a.end <= 40
                if close and ctx.sentence_of(a.start) is ctx.sentence_of(h.start):
                    out.add(self.actors.claimant_of(a.entry)[0].actor_id)
        return out

    def _claims(self, ctx: ClaimContext) -> list[Claim]:
        claims: list[Claim] = []
        last: Claim | None = None
        for s in ctx.sentences:
            if s.headline:
                continue
            cues = [m for m in ctx.in_range(ctx.cues["stance"], s.start, s.end) if not ctx.in_quote(m.start)]
            cues = merge_cues(ctx, cues)
            if not cues:
                claims += self._narration(ctx, s)
                continue
            for k, cue in enumerate(cues):
                clause_end = cues[k + 1].start if k + 1 < len(cues) else s.end
                # «وأضاف: …» names nobody: the speaker is the previous claim's, if it is close.
                prev = last if last is not None and s.idx - last.sentence.idx <= PROXIMITY else None
                made = self._claim_at(ctx, s, cue, clause_end, prev, cues[k - 1].end if k else s.start, claims)
                claims += made
                if made:
                    last = made[-1]
        return claims

    def _narration(self, ctx: ClaimContext, s: Sentence) -> list[Claim]:
        body = ctx.text[s.start:s.end].strip()
        if NEGATION.match(key(body)) or not ctx.article.outlet:
            return []
        events = event_cues(ctx, s.start, s.end)
        if not events or max(c.weight for _, c in events) < 2:
            return []
        a, b = span(ctx.text, s.start, s.end)
        actor = self.actors.resolve_name(ctx.article.outlet)
        return [self._make(ctx, s, actor_id=actor.actor_id if actor else "", claimant=actor.name_en if actor else
                           ctx.article.outlet, claimant_ar=actor.name_ar if actor else "", kind="media",
                           spokesperson="", channel="article narration", stance="asserts", attributed=False,
                           a=a, b=b, quoted=False, cue=None, claim_date=None)]

    def _claim_at(self, ctx: ClaimContext, s: Sentence, cue: Match, clause_end: int, prev: Claim | None,
                  back_limit: int, history: list[Claim]) -> list[Claim]:
        c = cue.entry
        after = [m for m in ctx.in_range(ctx.actors, cue.end, clause_end) if not ctx.in_statement(m.start)]
        before = [m for m in ctx.in_range(ctx.actors, back_limit, cue.start) if not ctx.in_statement(m.start)]
        channel_actor = None
        org = None
        spokesperson = ""
        claimant_match = None
        # Arabic puts the verb first («قال المرصد»), English the subject ("SOHR said"), except "according to X".
        order = after + before[::-1] if ctx.article.language == "ar" or c.trailer else before[::-1] + after
        for m in order:
            actor = self.actors.actors[m.entry]
            if actor.kind == "media" and is_channel(ctx, m):
                channel_actor = channel_actor or actor
                continue
            if org is None:
                org, spokesperson = self.actors.claimant_of(m.entry)
                claimant_match = m
            elif actor.kind == "person" and actor.parent == org.actor_id and not spokesperson:
                spokesperson = actor.role_en
        if org is None and prev is not None:
            org = self.actors.actors.get(prev.actor_id)
            spokesperson = prev.spokesperson
        if org is None:
            return []
        # What is claimed.
        quoted = False
        stmt = next((q for q in ctx.statements if cue.end <= q.start < clause_end + 2), None)
        if stmt is None and ctx.article.language == "en":  # '"…," SOHR's director told AFP.'
            stmt = next((q for q in reversed(ctx.statements) if back_limit <= q.start and q.end <= cue.start), None)
        if c.value == "no_comment":  # the formula is the evidence: «لم يصدر على الفور أي تعليق من …»
            a, b = span(ctx.text, cue.start, clause_end)
        elif c.trailer:
            a, b = back_limit, cue.start
            a, b = span(ctx.text, a, b)
            b = strip_trailer(ctx.text, a, b)
        elif stmt is not None:
            a, b, quoted = stmt.start, stmt.end, True
        else:
            a = claimant_match.end if claimant_match is not None and claimant_match.start >= cue.end else cue.end
            a = past_leading_date(ctx, a, clause_end)
            a = skip_that(ctx, a, clause_end)
            a, b = span(ctx.text, a, clause_end)
            b = strip_connective(ctx.text, a, b)
        stance = c.value
        inner = ctx.in_range(ctx.cues["stance"], a, b)
        inner_stances = {m.entry.value for m in inner}
        if "acknowledges" in inner_stances:
            stance = "acknowledges"
        elif "no_comment" in inner_stances:
            stance = "no_comment"
        elif "denies" in inner_stances and stance == "asserts" and quoted:
            stance = "denies"
        cue_region = [(cue.start, a), (b, clause_end)]
        # A hedge in the narration around the claim (not inside the claimant's own quoted words) attributes it.
        hedge = any(cue.start <= h.start < clause_end and not ctx.in_statement(h.start) for h in ctx.cues["hedge"]) or \
            any(h.start == cue.start and h.end == cue.end for h in ctx.cues["hedge"])  # the cue is زعم itself
        attributed = hedge or org.actor_id in ctx.hedged
        claim_dates = [d for lo, hi in cue_region for d in ctx.dates(lo, hi, ctx.article.published)
                       if d.role != "until"]
        claim_date = claim_dates[0] if claim_dates else None
        if claim_date is None and c.continuation:
            claim_date = next((h.claim_date for h in reversed(history) if h.actor_id == org.actor_id
                               and h.claim_date and s.idx - h.sentence.idx <= PROXIMITY), None)
        channel = channel_actor.channel_en if channel_actor else ""
        if not channel and any(w in key(ctx.text[cue.start:a]) for w in ("بيان", "statement")):
            channel = "statement"
        common = dict(actor_id=org.actor_id, claimant=org.name_en, claimant_ar=org.name_ar, kind=org.kind,
                      spokesperson=spokesperson, channel=channel, stance=stance, attributed=attributed,
                      quoted=quoted, cue=cue, claim_date=claim_date)
        if b <= a:
            return [self._make(ctx, s, a=a, b=a, **common)]
        parts = [self._make(ctx, s, a=x, b=y, **common) for x, y in split_statement(ctx, a, b)]
        for before_, part in itertools.pairwise(parts):  # «رافقها …»: same place and night as before
            if not any(p.specific for p in part.places):
                part.places = part.places + [p for p in before_.places if p.specific]
            if not part.event_dates:
                part.event_dates = before_.event_dates
        for part, after_ in reversed(list(itertools.pairwise(parts))):
            # «عند الوصول … صباحاً» … «مساء يوم الأحد 8 ديسمبر»: one statement tells one sequence; an
            # undated step is dated by the nearest dated step after it (the draft's note names the words).
            if not part.event_dates and quoted:
                part.event_dates = after_.event_dates
        if len(parts) == 1 and parts[0].event_cue is None and not parts[0].places:
            # «نفى … أن يكون قد غادر سوريا «بشكل مخطط له»»: what happened is said around the quote.
            lo, hi = cue.end, clause_end
            around = self._make(ctx, s, a=lo, b=hi, **common)
            parts[0].event_cue, parts[0].places = around.event_cue, around.places
            if not parts[0].event_dates or parts[0].event_dates == ([claim_date] if claim_date else []):
                parts[0].event_dates = around.event_dates or parts[0].event_dates
        return parts

    def _make(self, ctx: ClaimContext, s: Sentence, *, actor_id, claimant, claimant_ar, kind, spokesperson, channel,
              stance, attributed, a, b, quoted, cue, claim_date) -> Claim:
        ref = claim_date.date_start if claim_date else ctx.article.published
        event_dates = [d for d in ctx.dates(a, b, ref) if d.role != "until"]
        if not event_dates and claim_date is not None:
            event_dates = [claim_date]
        events = event_cues(ctx, a, b)
        best = max(events, key=lambda x: (x[1].weight, -x[0]))[1] if events else None
        places = [p for p in ctx.places if a <= p.start < b]
        return Claim(actor_id, claimant, claimant_ar, kind if kind in CLAIMANT_KINDS else "individual", spokesperson,
                     channel, stance, attributed, a, b, quoted, cue.text if cue else "", cue.start if cue else -1,
                     cue.end if cue else -1, claim_date, event_dates, places, best,
                     fatalities(ctx, a, b), s)

    # --- output ----------------------------------------------------------------------------

    def _draft_json(self, ctx: ClaimContext, n: int, d: Draft) -> dict:
        art = ctx.article
        dates = [x for c in d.claims for x in c.event_dates]
        order = {"day": 0, "week": 1, "month": 2, "year": 3}
        notes = []
        if dates:
            best_p = min(order[x.precision] for x in dates)
            chosen = [x for x in dates if order[x.precision] == best_p]
            d0, d1 = min(x.date_start for x in chosen), max(x.date_end for x in chosen)
            precision = chosen[0].precision
            notes.append("date from " + "; ".join(dict.fromkeys(f"«{x.text}» ({x.rule})" for x in chosen)))
        elif d.background:
            d0, d1, precision = art.published - dt.timedelta(days=31), art.published - dt.timedelta(days=1), "month"
            notes.append("background (وكان/وكانت … قد): undated, before the article's news")
        else:
            d0, d1, precision = art.published - dt.timedelta(days=6), art.published, "week"
            notes.append("undated in the article: the week up to publication")
        cue = d.event_cue
        event_type, sub = (cue.event_type, cue.sub_event_type) if cue else ("Strategic developments", "Other")
        if cue is None:
            notes.append("no event word found: type left as Strategic developments/Other")
        places = _draft_places(d)
        claims_out = _dedupe([self._claim_json(ctx, c) for c in d.claims])
        fat = next((c.fatalities for c in d.claims if c.fatalities is not None), None)
        weapon_cues = [c.event_cue for c in d.claims if c.event_cue and c.event_cue.weapon]
        weapon = max(weapon_cues, key=lambda c: c.weight).weapon if weapon_cues else ""
        cue_word = _cue_text(ctx, d, cue)
        names_en = ", ".join(dict.fromkeys(p["name_en"] or p["name"] for p in places)) or "place not named"
        names_ar = "، ".join(dict.fromkeys(p["name"] for p in places)) or "مكان غير مذكور"
        draft = {
            "draft_id": f"d{n}",
            "title_en": f"{sub or event_type}: {names_en}",
            "title_ar": f"{cue_word or '؟'} - {names_ar}" if art.language == "ar" else "",
            "date_start": d0.isoformat(), "date_end": d1.isoformat(), "date_precision": precision,
            "date_inferred": True,
            "event_type": event_type, "sub_event_type": sub, "event_cue": cue_word or None,
            "background": d.background,
            "places": places,
            "fatalities": fat, "weapon": weapon or None,
            "claims": claims_out,
            "notes": notes,
        }
        m, disagreements = matching.best_match(draft, self.known)
        draft["match"] = m
        draft["disagreements"] = disagreements
        return draft

    def _claim_json(self, ctx: ClaimContext, c: Claim) -> dict:
        cd = c.claim_date
        quote = ctx.text[c.start:c.end]
        return {"claimant": c.claimant, "claimant_ar": c.claimant_ar, "claimant_kind": c.claimant_kind,
                "actor_id": c.actor_id, "spokesperson": c.spokesperson, "channel": c.channel, "stance": c.stance,
                "attributed": c.attributed, "quote": quote, "start": c.start, "end": c.end,
                "quoted": c.quoted,
                "claim_date": (cd.date_start if cd else ctx.article.published).isoformat(),
                "claim_date_precision": cd.precision if cd else ctx.article.published_precision,
                "claim_date_inferred": True,
                "cue": c.cue or None, "cue_start": c.cue_start if c.cue else None,
                "cue_end": c.cue_end if c.cue else None}


def _group(claims: list[Claim]) -> list[Draft]:
    drafts: list[Draft] = []
    prev_claim, prev_draft = None, None
    for c in claims:
        if not c.event_cue and not any(p.specific for p in c.places) and prev_claim is not None:
            near = prev_claim.sentence.block == c.sentence.block and \
                c.sentence.idx - prev_claim.sentence.idx <= PROXIMITY
            if near and prev_draft is not None and prev_draft.background == c.sentence.background:
                prev_draft.claims.append(c)
                prev_claim = c
                continue
        bg = c.sentence.background
        spec = {p.identity for p in c.places if p.specific}
        best, best_score = None, 0.0
        for d in reversed(drafts):
            if d.background != bg:
                continue
            near = d.last_sentence.block == c.sentence.block and c.sentence.idx - d.last_sentence.idx <= PROXIMITY
            dcue = d.event_cue
            if c.event_cue and dcue and c.weight >= 2 and dcue.weight >= 2 and \
                    c.event_cue.sub_event_type != dcue.sub_event_type:
                continue
            dspec = d.specific
            # "Other" is ACLED's catch-all: sharing it says nothing; it takes the same word or the same place.
            if c.event_cue and dcue and c.event_cue.sub_event_type == dcue.sub_event_type == "Other" and \
                    c.event_cue is not dcue and not (spec & dspec):
                continue
            if spec and dspec and not (spec & dspec):
                continue
            if not (near or (spec & dspec)):
                continue
            if c.event_dates and any(x.precision == "day" for x in c.event_dates):
                ddates = [x for k in d.claims for x in k.event_dates if x.precision == "day"]
                cd = [x for x in c.event_dates if x.precision == "day"]
                if ddates and not any(x.date_start <= y.date_end and y.date_start <= x.date_end
                                      for x in cd for y in ddates):
                    continue
            score = 1.0 * near + 2.0 * bool(spec & dspec)
            if c.event_cue and dcue:
                score += 2.0 if c.event_cue.sub_event_type == dcue.sub_event_type else \
                    1.0 if c.event_cue.event_type == dcue.event_type else 0
            if not c.event_cue and not spec and near and d is drafts[-1]:
                score += 0.5
            if score > best_score:
                best, best_score = d, score
        if best is None and not c.event_cue and not spec:
            continue  # says nothing about what or where, and nothing before it to attach to
        if best is None:
            best = Draft(background=bg)
            drafts.append(best)
        best.claims.append(c)
        prev_claim, prev_draft = c, best
    return drafts


def _draft_places(d: Draft) -> list[dict]:
    seen: dict[str, PlaceMention] = {}
    for c in d.claims:
        for p in c.places:
            seen.setdefault(p.identity, p)
    ps = sorted(seen.values(), key=lambda p: SPECIFICITY.get(p.kind, 2))
    if any(p.specific for p in ps):
        ps = [p for p in ps if p.specific or p.kind == "region"]
    ps = [p for p in ps if p.kind != "country"] or ps[:1]
    return [p.to_json() for p in ps]


def _cue_text(ctx: ClaimContext, d: Draft, cue) -> str:
    if cue is None:
        return ""
    for c in d.claims:
        for m in ctx.in_range(ctx.cues["event"], c.start, c.end):
            if m.entry is cue:
                return ctx.text[m.start:m.end]
    return cue.cue


def _dedupe(claims: list[dict]) -> list[dict]:
    """The same claimant with the same stance once per draft; a quoted statement beats a paraphrase."""
    def k(c: dict) -> tuple[str, str]:
        return c["actor_id"] or c["claimant"], c["stance"]

    quoted = {k(c) for c in claims if c["quoted"]}
    out, seen = [], set()
    for c in claims:
        if c["quoted"]:
            out.append(c)  # two statements in quotation marks are two claims
        elif k(c) not in quoted and k(c) not in seen:
            out.append(c)
            seen.add(k(c))
    return out


def extract(text: str, published: dt.date | str, *, data_dir: Path | str | None = None, outlet: str = "",
            url: str = "", language: str | None = None, precision: str = "day",
            extractor: Extractor | None = None) -> dict:
    """Read one article (text in hand) and return its drafts.json structure."""
    article = make_article(text, published, precision=precision, outlet=outlet, url=url, language=language)
    return (extractor or Extractor(data_dir)).extract(article)
