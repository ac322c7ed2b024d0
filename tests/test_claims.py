import pandas as pd
import pytest

from conflictmap.claims import derive_status, ledger


def frame(*claims):
    rows = [dict(event_id="e", claimant=c, stance=s, attributed=a, origin=o, claim_date=pd.Timestamp(d))
            for c, s, a, o, d in claims]
    return pd.DataFrame(rows, columns=["event_id", "claimant", "stance", "attributed", "origin", "claim_date"])


def status(*claims, as_of=None):
    return derive_status(pd.Series(["e"]), frame(*claims), as_of=as_of).iloc[0]


D = "2018-06-04"


@pytest.mark.parametrize("claims, expected", [
    ([("SOHR", "asserts", False, "", D), ("SDF", "denies", False, "", D), ("Coalition", "acknowledges", False, "", D)],
     "contested"),
    ([("Assad", "asserts", True, "", D), ("Russian forces", "denies", False, "", D)], "contested"),
    ([("SOHR", "asserts", False, "", D), ("Kremlin", "asserts", False, "", D)], "corroborated"),
    ([("SOHR", "asserts", False, "", D)], "single_source"),
    # Two outlets relaying the same monitor are one source, not two.
    ([("AFP", "asserts", False, "SOHR", D), ("Reuters", "asserts", False, "SOHR", D)], "single_source"),
    ([("SOHR", "asserts", False, "", D), ("AFP", "asserts", False, "SOHR", D)], "single_source"),
    ([("SDF", "denies", False, "", D)], "denied"),
    ([("Coalition", "acknowledges", False, "", D)], "unverified"),
    ([("Assad", "asserts", True, "", D)], "unverified"),
    ([("Assad", "asserts", True, "", D), ("Coalition", "acknowledges", False, "", D)], "unverified"),
    ([("Assad", "asserts", True, "", D), ("SOHR", "asserts", False, "", D)], "single_source"),
    # "No comment" is never a denial, and no evidence either way.
    ([("SOHR", "asserts", False, "", D), ("SDF", "no_comment", False, "", D)], "single_source"),
    ([("SDF", "no_comment", False, "", D)], "no_claims"),
    ([("SDF", "no_comment", False, "", D), ("Coalition", "acknowledges", False, "", D)], "unverified"),
    # Claiming responsibility is asserting: with a denial it is contested, with another assertion corroborated.
    ([("ISIS", "claims_responsibility", False, "", D)], "single_source"),
    ([("ISIS", "claims_responsibility", False, "", D), ("SDF", "denies", False, "", D)], "contested"),
    ([("ISIS", "claims_responsibility", False, "", D), ("SOHR", "asserts", False, "", D)], "corroborated"),
])
def test_status_rules(claims, expected):
    assert status(*claims) == expected


def test_event_without_claims():
    assert status() == "no_claims"


def test_as_of_replays_the_record():
    claims = [("SOHR", "asserts", False, "", "2018-06-04"), ("SDF", "denies", False, "", "2018-06-05")]
    assert status(*claims, as_of=pd.Timestamp("2018-06-04")) == "single_source"
    assert status(*claims, as_of=pd.Timestamp("2018-06-05")) == "contested"


def test_ledger_orders_by_date_then_assertions_first():
    df = frame(("SDF", "denies", False, "", D), ("SOHR", "asserts", False, "", D),
               ("X", "asserts", False, "", "2018-06-01"))
    assert ledger(df, "e")["claimant"].tolist() == ["X", "SOHR", "SDF"]


def test_no_comment_is_kept_in_the_ledger_after_the_assertions():
    df = frame(("SDF", "no_comment", False, "", D), ("SOHR", "asserts", False, "", D), ("Y", "denies", False, "", D))
    assert ledger(df, "e")["stance"].tolist() == ["asserts", "no_comment", "denies"]
