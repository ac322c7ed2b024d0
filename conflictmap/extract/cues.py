"""The cue lexicon (``cues.csv``): words that signal a stance, a hedge, or what happened.

``category`` is one of

* ``stance`` - the verb or phrase that introduces a claim; ``value`` is the stance
  (asserts, denies, acknowledges, no_comment, claims_responsibility). «لم يصدر على الفور أي
  تعليق» is ``no_comment``, never a denial;
* ``hedge`` - the statement is only attributed (منسوب، يُعتقد، زعم): sets ``attributed``;
* ``event`` - a word suggesting the ACLED ``event_type|sub_event_type`` in ``value``; ``weight``
  ranks cues (3 specific, 1 generic: a generic word never splits one statement into two events);
  ``weapon`` names the means (roadside bomb, car bomb …) so two reports can disagree on it;
* ``support`` - what follows is support for the action (بدعم من), not another event;
* ``concurrent`` - what follows is a concurrent event with its own subject (رافقها).

A stance cue's weight orders cues found together: the most specific phrase (a no-comment or
responsibility formula, "aware of reports") decides the stance over a plain "said".
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..files import read_table_text
from .lexicon import PhraseMatcher

CUES_FILE = Path(__file__).with_name("cues.csv")
CATEGORIES = ("stance", "hedge", "event", "support", "concurrent")
TRAILERS = frozenset({"بحسب", "حسب", "وفق ما", "وفقا ل", "according to"})
"""Attribution that follows what it attributes: «انفجرت عبوة، وفق ما أفاد المرصد» - the claim comes first."""


CONTINUATIONS = frozenset({"أضاف", "أضافت", "مضيفا", "تابع", "تابعت", "added"})
"""«وأضافت المعارضة …»: the same claimant's same statement goes on, so it keeps that statement's date."""


@dataclass(frozen=True)
class Cue:
    cue: str
    category: str
    value: str
    weight: int
    weapon: str = ""

    @property
    def event_type(self) -> str:
        return self.value.split("|")[0] if self.category == "event" else ""

    @property
    def sub_event_type(self) -> str:
        return self.value.split("|")[1] if self.category == "event" and "|" in self.value else ""

    @property
    def trailer(self) -> bool:
        return self.cue in TRAILERS

    @property
    def continuation(self) -> bool:
        return self.cue in CONTINUATIONS


def read_cues(path: Path | str = CUES_FILE) -> list[Cue]:
    text, _ = read_table_text(Path(path))
    out = []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        cat = (row.get("category") or "").strip()
        if cat not in CATEGORIES:
            raise ValueError(f"{path}, row {n}: category {cat!r} is not one of {', '.join(CATEGORIES)}")
        out.append(Cue(row["cue"].strip(), cat, (row.get("value") or "").strip(), int(row.get("weight") or 1),
                       (row.get("weapon") or "").strip()))
    return out


class CueLexicon:
    """One matcher per category (a word may be both a stance and a hedge, like زعم)."""

    def __init__(self, cues: list[Cue]) -> None:
        self.cues = cues
        self.matchers = {cat: PhraseMatcher([(c.cue, c) for c in cues if c.category == cat]) for cat in CATEGORIES}

    @classmethod
    def load(cls, path: Path | str = CUES_FILE) -> CueLexicon:
        return cls(read_cues(path))
