"""The store: read every table, write one row at a time with revisions and history (layer 4, beside reading).

Two backends behind one interface (:class:`Store`):

- :class:`CsvStore` (:mod:`.csvdir`): the CSV data directory, the default;
- :class:`PostgresStore` (:mod:`.postgres`): a PostgreSQL database, chosen by ``$CONFLICTMAP_DATABASE_URL``.

:func:`open_store` picks one. Neither imports streamlit. ``sqlalchemy`` and ``psycopg`` are imported only
when a database is opened, so the CSV path costs nothing extra.
"""

from __future__ import annotations

import os
from pathlib import Path

from .base import (
    Change,
    EditConflict,
    InvalidRow,
    NotFound,
    Row,
    StaleRevision,
    StillReferenced,
    Store,
    StoreError,
)
from .csvdir import CsvStore

DATABASE_ENV = "CONFLICTMAP_DATABASE_URL"

__all__ = ["DATABASE_ENV", "Change", "CsvStore", "EditConflict", "InvalidRow", "NotFound", "Row", "StaleRevision",
           "StillReferenced", "Store", "StoreError", "database_url", "open_store"]


def database_url() -> str | None:
    """``$CONFLICTMAP_DATABASE_URL`` when set and not blank."""
    url = os.environ.get(DATABASE_ENV, "").strip()
    return url or None


def open_store(where: Path | str | None = None) -> Store:
    """The store for ``where``: a ``postgresql://`` URL, or a data directory.

    With no argument: the database named by ``$CONFLICTMAP_DATABASE_URL`` when it is set, otherwise the
    data directory (``$CONFLICTMAP_DATA``, else the repository root).
    """
    if where is None:
        where = database_url()
    if isinstance(where, str) and where.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        from .postgres import PostgresStore

        return PostgresStore(where)
    if where is None:
        from ..load import default_data_dir

        where = default_data_dir()
    return CsvStore(where)
