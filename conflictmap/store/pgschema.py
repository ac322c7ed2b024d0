"""The PostgreSQL schema: tables generated from :mod:`conflictmap.schema`, the history, and migrations.

One SQL column per schema column, typed (``date`` -> DATE, ``int`` -> BIGINT, ``float`` -> NUMERIC so
``34.60`` comes back as ``34.60``, ``bool`` -> BOOLEAN, the rest TEXT; a blank cell is NULL), the schema's
key as primary key, a foreign key for every ``refs`` id column, plus ``position`` (file order) and
``revision``. ``place_ids`` is a ``;``-list kept as text and indexed as an array. Beside them: ``history``,
``csv_format`` (each file's line ends, for a byte-identical dump) and ``schema_version``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from .. import schema
from .base import StoreError

WRITE_LOCK = 0x636D6170  # "cmap": the advisory lock every write transaction takes
SQL_TYPES = {"date": sa.Date, "int": sa.BigInteger, "float": sa.Numeric, "bool": sa.Boolean}

metadata = sa.MetaData()


def _build_table(t: schema.Table) -> sa.Table:
    cols = []
    for c in t.columns:
        args = []
        if c.refs and c.kind == "id":
            args.append(sa.ForeignKey(f"{c.refs}.{schema.TABLES[c.refs].key}"))
        cols.append(sa.Column(c.name, SQL_TYPES.get(c.kind, sa.Text), *args,
                              primary_key=c.name in t.key_columns, nullable=not c.required))
    cols.append(sa.Column("position", sa.BigInteger, nullable=False))
    cols.append(sa.Column("revision", sa.Integer, nullable=False, server_default="0"))
    return sa.Table(t.name, metadata, *cols)


TABLES: dict[str, sa.Table] = {name: _build_table(t) for name, t in schema.TABLES.items()}
sa.Index("events_date_start", TABLES["events"].c.date_start)
sa.Index("events_date_end", TABLES["events"].c.date_end)
sa.Index("events_place_ids", sa.text("string_to_array(place_ids, ';')"), postgresql_using="gin",
         _table=TABLES["events"])
sa.Index("claims_event_id", TABLES["claims"].c.event_id)
sa.Index("claims_claim_date", TABLES["claims"].c.claim_date)
sa.Index("story_steps_event_id", TABLES["story_steps"].c.event_id)

HISTORY = sa.Table(
    "history", metadata,
    sa.Column("change_id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("who", sa.Text, nullable=False),
    sa.Column("table_name", sa.Text, nullable=False),
    sa.Column("row_id", sa.Text, nullable=False),
    sa.Column("op", sa.Text, nullable=False),
    sa.Column("old", JSONB),
    sa.Column("new", JSONB),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
    sa.Column("revision", sa.Integer, nullable=False, server_default="0"),
    sa.Column("reverts", sa.BigInteger),
    sa.Column("event_id", sa.Text),  # the event a change is about (a claim's event): History of an event
    sa.Index("history_row", "table_name", "row_id"),
    sa.Index("history_event", "event_id"),
    sa.Index("history_at", "at"),
)
CSV_FORMAT = sa.Table(
    "csv_format", metadata,
    sa.Column("table_name", sa.Text, primary_key=True),
    sa.Column("newline", sa.Text, nullable=False),
    sa.Column("bom", sa.Boolean, nullable=False, server_default=sa.false()),
)
SCHEMA_VERSION = sa.Table(
    "schema_version", sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
)


# --- migrations ---------------------------------------------------------------------------------
# Append only: (version, what it does, function of a connection). A column added to schema.py needs a
# migration here that adds it to existing databases; open_postgres refuses a database that lacks one.

def _m1_create(conn: sa.Connection) -> None:
    metadata.create_all(conn)


def _m2_reader_notes_and_archive(conn: sa.Connection) -> None:
    # IF NOT EXISTS: a database created by _m1 from today's schema.py has these columns already.
    for table, column, sql_type in (("events", "notes_public", "TEXT"),
                                    ("sources", "sha256", "TEXT"), ("sources", "added_by", "TEXT"),
                                    ("sources", "added_at", "TEXT"), ("claims", "quote_start", "BIGINT"),
                                    ("claims", "quote_end", "BIGINT")):
        conn.execute(sa.text(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {sql_type}'))


MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "tables from conflictmap/schema.py, history, csv_format", _m1_create),
    (2, "events.notes_public; archived articles: sources.sha256/added_by/added_at, claims.quote_start/quote_end",
     _m2_reader_notes_and_archive),
]


def migrate(engine: sa.Engine) -> int:
    """Apply pending migrations, each in the same transaction as its version row; returns the version."""
    with engine.begin() as conn:
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK)))
        SCHEMA_VERSION.create(conn, checkfirst=True)
        current = conn.execute(sa.select(sa.func.coalesce(sa.func.max(SCHEMA_VERSION.c.version), 0))).scalar_one()
        for version, description, step in MIGRATIONS:
            if version > current:
                step(conn)
                conn.execute(SCHEMA_VERSION.insert().values(version=version, description=description))
                current = version
        inspector = sa.inspect(conn)
        for name, t in schema.TABLES.items():
            have = {c["name"] for c in inspector.get_columns(name)}
            missing = [c for c in t.column_names if c not in have]
            if missing:
                raise StoreError(f"database table {name} lacks column(s) {', '.join(missing)}: "
                                 "conflictmap/store/pgschema.py needs a migration for them")
    return current


def engine_url(url: str) -> str:
    """``postgresql://...`` -> SQLAlchemy's name for the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise StoreError(f"not a PostgreSQL URL: {url.split('@')[-1]!r} (expected postgresql://...)")
