"""The model: a loaded dataset and the problems found in it. Below everything but the schema.

:class:`RowIssue` names one bad cell (file, row as a spreadsheet numbers it, column, value);
:class:`DataError` means a source cannot be used at all; :class:`Dataset` holds the typed tables.
Readers (:mod:`conflictmap.load`, :mod:`conflictmap.importers`) build datasets; nothing here reads or writes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pandas as pd

from . import schema
from .schema import Table

T = TypeVar("T")


@dataclass(frozen=True)
class RowIssue:
    """One problem in one cell (or one whole file, when ``row`` is 0)."""

    file: str
    row: int
    column: str
    value: str
    message: str
    severity: str = "error"  # "error": the row was set aside; "warning": it loaded

    def __str__(self) -> str:
        where = f"{self.file}, row {self.row}" if self.row else self.file
        col = f", column {self.column}" if self.column else ""
        val = f": {self.value!r}" if self.value != "" else ""
        return f"{where}{col}{val}: {self.message}"


class DataError(Exception):
    """The data directory cannot be used at all (e.g. no events.csv)."""


@dataclass
class Dataset:
    """The loaded tables, typed, plus every issue found while loading them.

    ``events`` is sorted by ``date_start`` and carries derived columns:
    ``place_list`` (list of place ids), ``lat``/``lon`` (where the marker goes:
    the place, the midpoint of a ``between`` pair, or the last stop of a
    ``route``), ``coord_precision_m`` (the loosest of its places) and
    ``status`` (see :mod:`conflictmap.claims`).
    """

    events: pd.DataFrame
    claims: pd.DataFrame
    sources: pd.DataFrame
    places: pd.DataFrame
    issues: list[RowIssue] = field(default_factory=list)
    data_dir: Path | None = None
    stories: pd.DataFrame = field(default_factory=lambda: empty_table(schema.STORIES))
    story_steps: pd.DataFrame = field(default_factory=lambda: empty_table(schema.STORY_STEPS))
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def errors(self) -> list[RowIssue]:
        return [i for i in self.issues if i.severity == "error"]

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per dataset, under ``key``: derived values (the filters' facets, the search
        index) are worked out by the modules that own them and kept here, since a dataset never changes."""
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]


def empty_table(table: Table) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=str) for c in table.column_names})
