"""Claimants, spokespeople and channels, from a table kept as data (``actors.csv``).

Each row is an organisation, a person (``kind`` = ``person``, with the organisation they speak for
in ``parent`` and their role in ``role_en``) or a news outlet (``kind`` = ``media``, with the channel
it stands for in ``channel_en``, e.g. "to AFP"). ``aliases`` lists every name the actor goes by, in
Arabic and English, including the names others use for it. A user file with the same columns adds
rows or, with an existing ``actor_id``, replaces them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from ..files import read_table_text
from .lexicon import PhraseMatcher

ACTORS_FILE = Path(__file__).with_name("actors.csv")
COLUMNS = ("actor_id", "name_en", "name_ar", "kind", "parent", "role_en", "channel_en", "aliases")


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name_en: str
    name_ar: str
    kind: str
    parent: str = ""
    role_en: str = ""
    channel_en: str = ""
    aliases: tuple[str, ...] = ()


def read_actors(path: Path | str) -> dict[str, Actor]:
    """Actors from one CSV file; raises ValueError naming the file and row of a bad row."""
    text, _ = read_table_text(Path(path))
    out: dict[str, Actor] = {}
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("actor_id", "name_en", "kind", "aliases") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    for n, row in enumerate(reader, start=2):
        aid = (row.get("actor_id") or "").strip()
        if not aid or not (row.get("name_en") or "").strip():
            raise ValueError(f"{path}, row {n}: actor_id and name_en are required")
        aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(";") if a.strip())
        out[aid] = Actor(aid, row["name_en"].strip(), (row.get("name_ar") or "").strip(),
                         (row.get("kind") or "").strip(), (row.get("parent") or "").strip(),
                         (row.get("role_en") or "").strip(), (row.get("channel_en") or "").strip(),
                         aliases + tuple(x for x in (row["name_en"].strip(), (row.get("name_ar") or "").strip()) if x))
    return out


class ActorTable:
    """The actors, and a matcher that finds their names in an article."""

    def __init__(self, actors: dict[str, Actor]) -> None:
        self.actors = actors
        self.matcher = PhraseMatcher([(alias, a.actor_id) for a in actors.values() for alias in a.aliases])

    @classmethod
    def load(cls, user_file: Path | str | None = None) -> ActorTable:
        """The bundled table, extended (or overridden row by row) by ``user_file``."""
        actors = read_actors(ACTORS_FILE)
        if user_file:
            actors.update(read_actors(user_file))
        return cls(actors)

    def claimant_of(self, actor_id: str) -> tuple[Actor, str]:
        """(the organisation that speaks, the spokesperson's role or '') for an actor found in the text."""
        a = self.actors[actor_id]
        if a.kind == "person":
            parent = self.actors.get(a.parent)
            return (parent or a), a.role_en or a.name_en
        return a, ""

    def resolve_name(self, name: str) -> Actor | None:
        """The actor a whole name refers to (for reading the ledger's claimant columns), or None."""
        from .fold import fold, tokens

        toks = tokens(fold(name))
        if not toks:
            return None
        found = self.matcher.find(toks)
        if not found:
            return None
        best = max(found, key=lambda m: m.last - m.first)
        return self.claimant_of(best.entry)[0]
