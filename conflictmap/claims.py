"""Claims logic: an event's status is derived from the claims made about it.

The rules, in order (the first that applies wins). Throughout, an *attributed*
claim is one whose authenticity is not established (``attributed`` is true).
An attributed claim, assertion or denial, is never enough on its own: it can
make an event ``contested`` only against an unattributed claim of the other
stance, and it never makes an event ``denied``, ``single_source`` or
``corroborated``.

Stances: ``claims_responsibility`` (a claimant says it carried the event out)
counts as an *assertion* by that claimant everywhere below. ``no_comment`` (the
claimant declined or did not comment, e.g. «لم يصدر على الفور أي تعليق») is
never a denial and is no evidence either way: it is ignored when deriving the
status (an event with only no-comment claims has ``no_claims``), but it is kept
and shown in the event's ledger.

1. ``contested``     - someone asserts and someone denies, and at least one of
                       the two sides is unattributed.
2. ``denied``        - someone denies, unattributed, and nobody asserts.
3. ``corroborated``  - two or more *independent* claimants assert, unattributed,
                       and nobody denies. Claimants are independent when their
                       ``origin`` differs (``origin`` defaults to the claimant):
                       two outlets both relaying SOHR count once.
4. ``single_source`` - exactly one independent claimant asserts, unattributed.
5. ``unverified``    - anything else on record: only acknowledgements ("aware
                       of reports"), only attributed statements (asserting or
                       denying), or an attributed denial beside nothing firmer.
6. ``no_claims``     - nothing is on record about the event.

``as_of`` replays what was on record on a given day: claims made after it are
ignored, so an event can move from ``single_source`` to ``contested`` over time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

STATUS_LABELS = {
    "contested": "Contested",
    "corroborated": "Corroborated",
    "single_source": "Single source",
    "denied": "Denied",
    "unverified": "Unverified",
    "no_claims": "No claims",
}
STATUS_COLOURS = {  # colour-blind-safe (Okabe-Ito)
    "contested": "#D55E00",
    "corroborated": "#009E73",
    "single_source": "#0072B2",
    "denied": "#CC79A7",
    "unverified": "#E69F00",
    "no_claims": "#7f7f7f",
}
STATUS_HELP = {  # in rule order: derive_status applies the first that matches
    "contested": "someone asserts it and someone denies it, at least one side unattributed",
    "denied": "someone denies it, unattributed, and nobody asserts it",
    "corroborated": "two or more independent claimants assert it, unattributed; nobody denies it",
    "single_source": "one claimant asserts it, unattributed; nobody denies it",
    "unverified": "only 'aware of reports' or attributed statements (an attributed claim is never enough on its own)",
    "no_claims": "no claim is on record",
}
ATTRIBUTED_RULE = ("A claim with `attributed` = true (authenticity not established), asserting or denying, is never "
                   "enough on its own: it makes an event `contested` only against an unattributed claim of the other "
                   "stance, and otherwise leaves it `unverified`. Claimants count as independent when their `origin` "
                   "(default: the claimant itself) differs.")
STANCE_LABELS = {"asserts": "Asserts", "denies": "Denies", "acknowledges": "Aware of reports",
                 "no_comment": "No comment", "claims_responsibility": "Claims responsibility"}
ASSERTING_STANCES = ("asserts", "claims_responsibility")
"""Stances that count as an assertion when deriving status (see the module docstring)."""


def derive_status(event_ids: pd.Series, claims: pd.DataFrame, as_of: pd.Timestamp | None = None) -> pd.Series:
    """The status of each event in ``event_ids`` (same index), from ``claims``.

    Vectorised (a few group-bys, no Python call per event): it runs on every
    load, and an ACLED export has hundreds of thousands of events.
    """
    if as_of is not None:
        claims = claims[claims["claim_date"] <= as_of]
    claims = claims[claims["stance"] != "no_comment"]  # no evidence either way: as if not on record
    if claims.empty:
        return pd.Series("no_claims", index=event_ids.index, dtype=str)
    stance = claims["stance"]
    firm = ~claims["attributed"].astype(bool)
    asserts, denies = stance.isin(ASSERTING_STANCES), stance == "denies"
    flags = pd.DataFrame({"event_id": claims["event_id"], "a": asserts, "d": denies,
                          "fa": asserts & firm, "fd": denies & firm})
    per_event = flags.groupby("event_id", sort=False)[["a", "d", "fa", "fd"]].any()
    firm_asserts = claims[asserts & firm]
    origin = firm_asserts["origin"].where(firm_asserts["origin"].fillna("") != "", firm_asserts["claimant"])
    origin = origin.map({u: u.casefold() for u in origin.unique()})  # casefold each distinct name once
    n_firm = origin.groupby(firm_asserts["event_id"]).nunique()
    per_event["n"] = n_firm.reindex(per_event.index).fillna(0)
    a, d, fa, fd, n = (per_event[k] for k in ("a", "d", "fa", "fd", "n"))
    contested = (a & fd) | (fa & d)
    status = pd.Series(
        np.select([contested, fd & ~a, ~d & (n >= 2), ~d & (n == 1)],
                  ["contested", "denied", "corroborated", "single_source"], default="unverified"),
        index=per_event.index)
    return event_ids.map(status).fillna("no_claims").astype(str)


def in_ledger_order(claims: pd.DataFrame, *, by_event: bool = False) -> pd.DataFrame:
    """Claims oldest first, denials after assertions on the same day (grouped by event first if ``by_event``)."""
    order = {"asserts": 0, "claims_responsibility": 0, "acknowledges": 1, "no_comment": 2, "denies": 3}
    keys = ["event_id", "claim_date", "_o"] if by_event else ["claim_date", "_o"]
    return claims.assign(_o=claims["stance"].map(order)).sort_values(keys, kind="stable").drop(columns="_o")


def ledger(claims: pd.DataFrame, event_id: str) -> pd.DataFrame:
    """Every claim about one event, in ledger order (:func:`in_ledger_order`)."""
    return in_ledger_order(claims[claims["event_id"] == event_id])


def claims_text_by_event(claims: pd.DataFrame) -> dict[str, str]:
    """Event id -> all searchable claim text (claimants, spokespeople, quotes)."""
    if claims.empty:
        return {}
    cols = ["claimant", "claimant_ar", "spokesperson", "quote_ar", "quote_en", "channel"]
    text = claims[cols].fillna("").astype(str).agg(" ".join, axis=1)
    return text.groupby(claims["event_id"]).agg(" ".join).to_dict()


def stance_matrix(claims: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Claimant x event table of stances ("asserts", "denies; asserts" ...), events in date order."""
    if claims.empty:
        return pd.DataFrame()
    m = claims.groupby(["claimant", "event_id"])["stance"].agg(lambda s: "; ".join(dict.fromkeys(s)))
    table = m.unstack("event_id").fillna("")
    ordered = [e for e in events["event_id"] if e in table.columns]
    return table[ordered]
