"""Opening data: :func:`load_dataset` reads any supported source into a :class:`~conflictmap.model.Dataset`.

A data *directory* holds the tables defined in :mod:`conflictmap.schema` as CSV files; a *file* is an
ACLED export or a UCDP GED file, converted by :mod:`conflictmap.importers`. Either way every problem
becomes a :class:`~conflictmap.model.RowIssue` naming the file, the row (as a spreadsheet numbers it: the
header is row 1, the first data row is row 2), the column and the offending value; a row with an error
is set aside and every other row loads (:mod:`conflictmap.validate`). Nothing here writes to disk.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

from . import schema
from .files import read_table_text
from .importers import import_file
from .model import DataError, Dataset, RowIssue, empty_table
from .schema import Table
from .validate import assemble, validate_table

__all__ = ["DataError", "Dataset", "RowIssue", "default_data_dir", "load_dataset"]

REPO_ROOT = Path(__file__).resolve().parent.parent


# --- reading --------------------------------------------------------------------

def read_csv_table(path: Path, table: Table, label: str, issues: list[RowIssue]) -> pd.DataFrame | None:
    if not path.exists():
        issues.append(RowIssue(label, 0, "", "", f"file not found at {path}"))
        return None
    text, encoding = read_table_text(path)
    if encoding != "utf-8":
        issues.append(RowIssue(label, 0, "", "", f"not valid UTF-8; read as {encoding}", "warning"))
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                         skipinitialspace=False, quoting=csv.QUOTE_MINIMAL)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        issues.append(RowIssue(label, 0, "", "", f"cannot be parsed as CSV: {exc}"))
        return None
    df.columns = [c.strip() for c in df.columns]
    missing = [c.name for c in table.columns if c.required and c.name not in df.columns]
    if missing:
        issues.append(RowIssue(label, 1, ", ".join(missing), "", "required column(s) missing from the header"))
        return None
    unknown = [c for c in df.columns if c not in table.column_names]
    for c in unknown:
        issues.append(RowIssue(label, 1, c, "", "unknown column, ignored", "warning"))
    for c in table.columns:
        if c.name not in df.columns:
            df[c.name] = ""
    df = df[table.column_names].copy()
    for c in df.columns:
        df[c] = df[c].str.strip()
    df.index = pd.RangeIndex(2, len(df) + 2)  # spreadsheet row numbers
    return df


# --- the dataset ---------------------------------------------------------------------

def default_data_dir() -> Path:
    """``$CONFLICTMAP_DATA`` if set, else the repository root (the bundled seed data)."""
    env = os.environ.get("CONFLICTMAP_DATA")
    return Path(env).expanduser() if env else REPO_ROOT


def load_dataset(data_dir: Path | str | None = None) -> Dataset:
    """Load and validate every table under ``data_dir``.

    When ``data_dir`` (or ``$CONFLICTMAP_DATA``) is a *file*, it is imported as
    an ACLED export or a UCDP GED file instead, through a Parquet cache (see
    :mod:`conflictmap.importers`).

    Raises :class:`DataError` only when events.csv itself is unusable; every
    other problem is reported in ``Dataset.issues`` and the good rows load.
    """
    data_dir = Path(data_dir) if data_dir is not None else default_data_dir()
    if data_dir.is_file():
        return import_file(data_dir)
    issues: list[RowIssue] = []
    frames: dict[str, pd.DataFrame] = {}
    for table in schema.TABLES.values():
        if table.optional and not (data_dir / table.path).exists():
            raw = empty_table(table)
        else:
            raw = read_csv_table(data_dir / table.path, table, table.path, issues)
        if raw is None:
            if table.name == "events":
                raise DataError("; ".join(str(i) for i in issues if i.file == table.path))
            raw = empty_table(table)
        frames[table.name] = validate_table(raw, table, table.path, issues)
    return assemble(frames["events"], frames["claims"], frames["sources"], frames["places"],
                    issues, data_dir, stories=frames["stories"], story_steps=frames["story_steps"])


