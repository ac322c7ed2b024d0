"""Which event already in the ledger a draft belongs to, with the reasons and the disagreements.

Each draft is scored against every existing event on five things:

* **distance** between their places (geodesic, from the coordinates): 1 within 10 km, falling to 0
  at 50 km; when either side has no coordinate it counts 0, or 1 if they share a quote;
* **date window**: the date ranges overlap (1), or are within 3 days (0.5); more than 30 days apart
  rules the event out whatever else agrees - the same oil field six years later is another event;
* **type**: same ACLED sub-event type (1), same event type (0.5);
* **actors**: a claimant of the draft already speaks about the event;
* **shared quotes**: a draft quote overlapping a quote already on record is near-proof.

score = 0.35 distance + 0.25 date + 0.15 type + 0.10 actors + 0.15 quotes. A draft is proposed for
the best event scoring at least :data:`THRESHOLD` that also shares a place (within 50 km) or a
quote; otherwise ``match`` is null: a new event. Where the draft and the event disagree (fatalities,
weapon, type), the differences are listed, so a second report is shown against the first.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from . import geo
from .fold import key

THRESHOLD = 0.55
MAX_DAYS_APART = 30


@dataclass
class KnownEvent:
    event_id: str
    date_start: dt.date
    date_end: dt.date
    event_type: str
    sub_event_type: str
    points: list[tuple[str, float, float]]  # (place_id, lat, lon)
    claimants: set[str]  # actor ids
    quotes: list[str]  # folded quote_ar
    fatalities: int | None
    weapon: str
    title: str


def _date(s: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(s).strip())
    except ValueError:
        return None


def _days_apart(a0: dt.date, a1: dt.date, b0: dt.date, b1: dt.date) -> int:
    if a0 <= b1 and b0 <= a1:
        return 0
    return min(abs((b0 - a1).days), abs((a0 - b1).days))


def _rough_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: within a few per cent of the geodesic at these scales, a hundred times cheaper."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


def _overlaps(a: str, b: str) -> bool:
    """Two folded quotes share a stretch of at least eight words (or one contains the other)."""
    if not a or not b:
        return False
    if a in b or b in a:
        return True
    wa = a.split()
    grams = {" ".join(wa[i:i + 8]) for i in range(max(1, len(wa) - 7))}
    return any(g in b for g in grams)


def score_event(draft: dict, ev: KnownEvent, claim_actors: set[str],
                quotes: list[str]) -> tuple[float, list[str], bool] | None:
    """(score, reasons, shares a place or quote) for one draft against one event, or None when ruled out."""
    reasons: list[str] = []
    d0, d1 = _date(draft["date_start"]), _date(draft["date_end"])
    apart = _days_apart(d0, d1, ev.date_start, ev.date_end)
    if apart > MAX_DAYS_APART:
        return None
    date_s = 1.0 if apart == 0 else 0.5 if apart <= 3 else 0.0
    reasons.append("dates overlap" if apart == 0 else f"dates {apart} day(s) apart")
    best_km = None
    for p in draft["places"]:
        if p.get("lat") is None:
            continue
        for pid, lat, lon in ev.points:
            same = p.get("place_id") and p["place_id"] == pid
            if same:
                km = 0.0
            elif _rough_km(p["lat"], p["lon"], lat, lon) > 100:
                km = _rough_km(p["lat"], p["lon"], lat, lon)  # far either way: no need for the exact figure
            else:
                km = geo.geodesic_km((p["lat"], p["lon"]), (lat, lon))
            if best_km is None or km < best_km[0]:
                best_km = (km, p["name"], pid)
    near = best_km is not None and best_km[0] <= 50
    dist_s = 0.0 if best_km is None else max(0.0, min(1.0, (50 - best_km[0]) / 40))
    if best_km is not None:
        reasons.append(f"{best_km[1]!r} is {best_km[0]:.1f} km from {best_km[2]}")
    type_s = 1.0 if draft["sub_event_type"] == ev.sub_event_type else 0.5 if draft["event_type"] == ev.event_type else 0
    if type_s:
        reasons.append("same sub-event type" if type_s == 1 else "same event type")
    shared = sorted(claim_actors & ev.claimants)
    if shared:
        reasons.append("claimants already on record: " + ", ".join(shared))
    shared_quote = any(_overlaps(q, eq) for q in quotes for eq in ev.quotes)
    if shared_quote:
        reasons.append("a quote already on record")
    if shared_quote and best_km is None:
        dist_s = 1.0  # no coordinate to compare, but the very words are on record about this event
    score = 0.35 * dist_s + 0.25 * date_s + 0.15 * type_s + 0.10 * bool(shared) + 0.15 * shared_quote
    return round(score, 3), reasons, near or shared_quote


def disagreements(draft: dict, ev: KnownEvent) -> list[str]:
    """What this report says differently from the event on record."""
    out = []
    if draft.get("fatalities") is not None and ev.fatalities is not None and draft["fatalities"] != ev.fatalities:
        out.append(f"fatalities: {draft['fatalities']} in this report, {ev.fatalities} on record ({ev.event_id})")
    if draft.get("weapon") and ev.weapon and key(draft["weapon"]) != key(ev.weapon):
        out.append(f"weapon: {draft['weapon']} in this report, {ev.weapon} on record ({ev.event_id})")
    if draft["sub_event_type"] != ev.sub_event_type:
        out.append(f"type: {draft['sub_event_type']} in this report, {ev.sub_event_type} on record ({ev.event_id})")
    return out


def best_match(draft: dict, events: list[KnownEvent]) -> tuple[dict | None, list[str]]:
    """(``{"event_id", "score", "reasons"}`` or None, disagreements with the matched event)."""
    actors = {c["actor_id"] for c in draft["claims"] if c.get("actor_id")}
    quotes = [key(c["quote"]) for c in draft["claims"] if c.get("quote")]
    best = None
    for ev in events:
        r = score_event(draft, ev, actors, quotes)
        if r is None or not r[2] or r[0] < THRESHOLD:
            continue
        if best is None or r[0] > best[0]:
            best = (r[0], r[1], ev)
    if best is None:
        return None, []
    score, reasons, ev = best
    return {"event_id": ev.event_id, "score": score, "reasons": reasons}, disagreements(draft, ev)
