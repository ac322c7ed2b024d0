"""The PostgreSQL backend: SQLAlchemy Core over psycopg 3, for a team or a host whose disk does not last.

The tables are generated from :mod:`conflictmap.schema`: one SQL column per schema column, typed (``date``
-> DATE, ``int`` -> BIGINT, ``float`` -> NUMERIC so ``34.60`` comes back as ``34.60``, ``bool`` ->
BOOLEAN, the rest TEXT; a blank cell is NULL), the schema's key as primary key, a foreign key for
every ``refs`` id column (claims.event_id -> events ...; ``place_ids`` is a ``;``-list, kept as text,
checked in code and indexed as an array), plus ``position`` (the file order, so a dump gives the
files back in their order) and ``revision``. Beside them: ``history`` (every change, JSONB old/new),
``csv_format`` (each file's line ends, so a dump is byte-identical) and ``schema_version``.

Every write is one transaction that takes a transaction-scoped advisory lock (writes are rare; this
keeps change ids in commit order, so a reader that asks for "changes after #n" never misses one), checks
the row with ``UPDATE ... WHERE key = :id AND revision = :rev``, and records the change.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import IntegrityError

from .. import schema
from ..load import DataError, Dataset, RowIssue, _read_csv, assemble, load_dataset, validate_table
from ..text import fold_digits
from .base import (
    KEY_SEPARATOR,
    Change,
    EditConflict,
    HistoryQuery,
    InvalidRow,
    NotFound,
    Row,
    StillReferenced,
    Store,
    StoreError,
    normalise_values,
    now_utc,
    table_def,
)
from .rules import REFERRERS, check_row, split_list

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


def _m2_article_archive(conn: sa.Connection) -> None:
    # IF NOT EXISTS: a database created by _m1 from today's schema.py has these columns already.
    for table, column, sql_type in (("sources", "sha256", "TEXT"), ("sources", "added_by", "TEXT"),
                                    ("sources", "added_at", "TEXT"), ("claims", "quote_start", "BIGINT"),
                                    ("claims", "quote_end", "BIGINT")):
        conn.execute(sa.text(f'ALTER TABLE "{table}" ADD COLUMN IF NOT EXISTS "{column}" {sql_type}'))


MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "tables from conflictmap/schema.py, history, csv_format", _m1_create),
    (2, "archived articles: sources.sha256/added_by/added_at, claims.quote_start/quote_end", _m2_article_archive),
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
                                 "conflictmap/store/postgres.py needs a migration for them")
    return current


def engine_url(url: str) -> str:
    """``postgresql://...`` -> SQLAlchemy's name for the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    raise StoreError(f"not a PostgreSQL URL: {url.split('@')[-1]!r} (expected postgresql://...)")


# --- cell texts <-> SQL values --------------------------------------------------------------------

def _sql_value(col: schema.Column, text: str):
    """A validated cell text as the Python value for its SQL column (None for blank)."""
    if text == "":
        return None
    if col.kind == "date":
        return dt.date.fromisoformat(fold_digits(text))
    if col.kind == "int":
        return int(Decimal(fold_digits(text).replace(",", "")))
    if col.kind == "float":
        try:
            return Decimal(fold_digits(text).replace(",", ""))
        except InvalidOperation:
            return None
    if col.kind == "bool":
        return text.lower() in schema.TRUE_VALUES
    if col.kind == "list":
        return schema.LIST_SEPARATOR.join(split_list(text))
    return text


def _copy_text(col: schema.Column, raw: pd.Series) -> list[str | None]:
    """A raw column as the text COPY takes it: dates in ISO, numbers without grouping, lists trimmed."""
    if col.kind not in ("date", "int", "float", "bool", "list"):
        return [v if v != "" else None for v in raw.tolist()]
    return [None if v == "" else _cell_text(col, _sql_value(col, v)) for v in raw.tolist()]


def _cell_text(col: schema.Column, value) -> str:
    if value is None:
        return ""
    if col.kind == "bool":
        return "true" if value else "false"
    if col.kind == "date":
        return value.isoformat()
    return str(value)


class PostgresStore(Store):
    """The tables in a PostgreSQL database (``postgresql://user:password@host/dbname``)."""

    kind = "postgresql"

    def __init__(self, url: str, *, create: bool = True):
        self.url = url
        self.engine = sa.create_engine(engine_url(url), pool_pre_ping=True,
                                       connect_args={"options": "-c DateStyle=ISO,YMD -c TimeZone=UTC"})
        self._local = threading.local()
        if create:
            self.version = migrate(self.engine)

    def __repr__(self) -> str:
        return f"PostgresStore({self.engine.url.render_as_string(hide_password=True)!r})"

    def close(self) -> None:
        self.engine.dispose()

    # --- reading ---------------------------------------------------------------------------
    def _conn(self):
        """The write transaction's connection when inside one (checks then see its own state)."""
        return getattr(self._local, "conn", None)

    def raw_frames(self) -> dict[str, pd.DataFrame]:
        """Every table as cell texts in stored order, via COPY (the fast path out of PostgreSQL)."""
        out = {}
        with self.engine.connect() as conn:
            dbapi = conn.connection.driver_connection
            with dbapi.cursor() as cur:
                for name, t in schema.TABLES.items():
                    cols = ", ".join(f'"{c}"::text AS "{c}"' for c in t.column_names)
                    keys = ", ".join(f'"{k}"' for k in t.key_columns)
                    # Names come from schema.py, never from input.
                    sql = (f'COPY (SELECT {cols} FROM "{name}" ORDER BY position, {keys}) '  # noqa: S608
                           "TO STDOUT WITH (FORMAT csv, HEADER)")
                    with cur.copy(sql) as copy:
                        data = b"".join(bytes(block) for block in copy)
                    df = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_filter=False)
                    df.index = pd.RangeIndex(2, len(df) + 2)
                    out[name] = df
        return out

    def read(self) -> Dataset:
        issues = []
        frames = {name: validate_table(df, schema.TABLES[name], schema.TABLES[name].path, issues)
                  for name, df in self.raw_frames().items()}
        if frames["events"].empty and frames["sources"].empty:
            raise DataError("the database holds no events yet: load some with `python -m conflictmap db load`")
        return assemble(frames["events"], frames["claims"], frames["sources"], frames["places"], issues, None,
                        stories=frames["stories"], story_steps=frames["story_steps"])

    def rows(self, table: str) -> list[dict[str, str]]:
        table_def(table)
        return self.raw_frames()[table].to_dict("records")

    def _key_clause(self, t: schema.Table, row_id: str):
        tbl = TABLES[t.name]
        parts = row_id.split(KEY_SEPARATOR) if len(t.key_columns) > 1 else [row_id]
        if len(parts) != len(t.key_columns):
            raise NotFound(f"{t.name} row ids look like {KEY_SEPARATOR.join(t.key_columns)}, not {row_id!r}")
        clauses = []
        for k, v in zip(t.key_columns, parts, strict=True):
            col = t.column(k)
            try:
                clauses.append(tbl.c[k] == _sql_value(col, v))
            except (ValueError, ArithmeticError):
                raise NotFound(f"{t.name} has no row {row_id!r}") from None
        return sa.and_(*clauses)

    def _fetch(self, conn, t: schema.Table, row_id: str, lock: bool = False) -> Row | None:
        q = sa.select(TABLES[t.name]).where(self._key_clause(t, row_id))
        if lock:
            q = q.with_for_update()
        r = conn.execute(q).mappings().first()
        if r is None:
            return None
        return Row({c.name: _cell_text(c, r[c.name]) for c in t.columns}, r["revision"], r["position"])

    def get(self, table: str, row_id: str) -> Row | None:
        t = table_def(table)
        with self.engine.connect() as conn:
            return self._fetch(conn, t, row_id)

    def existing_ids(self, table: str, ids: set[str]) -> set[str]:
        t = table_def(table)
        if not ids:
            return set()
        if len(t.key_columns) > 1:
            return {i for i in ids if self._fetch(self._conn() or self.engine.connect(), t, i)}
        key = TABLES[t.name].c[t.key]

        def run(conn):
            return {r[0] for r in conn.execute(sa.select(key).where(key.in_(sorted(ids))))}

        if self._conn() is not None:
            return run(self._conn())
        with self.engine.connect() as conn:
            return run(conn)

    def referrers(self, table: str, row_id: str) -> list[tuple[str, str]]:
        out = []

        def run(conn):
            for ref_table, column, is_list in REFERRERS[table]:
                t = schema.TABLES[ref_table]
                tbl = TABLES[ref_table]
                col = tbl.c[column]
                if is_list:  # written exactly as the index expression, so the GIN index serves it
                    cond = sa.text(f"string_to_array(\"{column}\", ';') @> ARRAY[:item]::text[]").bindparams(
                        item=row_id)
                else:
                    cond = col == row_id
                for r in conn.execute(sa.select(*[tbl.c[k] for k in t.key_columns]).where(cond)):
                    out.append((ref_table, KEY_SEPARATOR.join(str(v) for v in r)))

        if self._conn() is not None:
            run(self._conn())
        else:
            with self.engine.connect() as conn:
                run(conn)
        return out

    # --- history ---------------------------------------------------------------------------
    @staticmethod
    def _change(r) -> Change:
        at = r["at"].astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
        return Change(change_id=r["change_id"], at=at, who=r["who"], table=r["table_name"], row_id=r["row_id"],
                      op=r["op"], old=r["old"], new=r["new"], reason=r["reason"] or "", revision=r["revision"],
                      reverts=r["reverts"])

    def _history(self, q: HistoryQuery) -> list[Change]:
        h = HISTORY.c
        conds = []
        if q.change_id is not None:
            conds.append(h.change_id == q.change_id)
        if q.after is not None:
            conds.append(h.change_id > q.after)
        if q.table is not None:
            conds.append(h.table_name == q.table)
        if q.row_id is not None:
            conds.append(h.row_id == q.row_id)
        if q.event_id is not None:
            conds.append(h.event_id == q.event_id)
        if q.since is not None:
            conds.append(h.at >= q.since)
        conn = self._conn()
        stmt = sa.select(HISTORY).where(*conds).order_by(h.change_id)
        if conn is not None:
            return [self._change(r) for r in conn.execute(stmt).mappings()]
        with self.engine.connect() as c:
            return [self._change(r) for r in c.execute(stmt).mappings()]

    def last_change_id(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.coalesce(sa.func.max(HISTORY.c.change_id), 0))).scalar_one()

    def _record(self, conn, change: Change) -> Change:
        at = dt.datetime.fromisoformat(change.at.replace("Z", "+00:00"))
        cid = conn.execute(HISTORY.insert().values(
            at=at, who=change.who, table_name=change.table, row_id=change.row_id, op=change.op, old=change.old,
            new=change.new, reason=change.reason, revision=change.revision, reverts=change.reverts,
            event_id=change.event_id).returning(HISTORY.c.change_id)).scalar_one()
        return Change(**{**change.__dict__, "change_id": cid})

    # --- writing ---------------------------------------------------------------------------
    def _write(self, table, row_id, op, new, expected, who, reason, reverts=None) -> Change:
        t = table
        tbl = TABLES[t.name]
        with self.engine.begin() as conn:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK)))
            self._local.conn = conn
            try:
                return self._write_in(conn, t, tbl, row_id, op, new, expected, who, reason, reverts)
            finally:
                self._local.conn = None

    def _write_in(self, conn, t, tbl, row_id, op, new, expected, who, reason, reverts) -> Change:
        current = self._fetch(conn, t, row_id, lock=True)

        def conflict(what: str = "") -> EditConflict:
            mine = self._history(HistoryQuery(table=t.name, row_id=row_id))
            yours = normalise_values(t, new, current.values if current else None) if new is not None else None
            return EditConflict(t.name, row_id, your_revision=expected,
                                current_revision=current.revision if current else None, yours=yours,
                                current=current.values if current else None,
                                last_change=mine[-1] if mine else None, what=what)

        if reverts is not None:
            later = self._history(HistoryQuery(table=t.name, row_id=row_id, after=reverts.change_id))
            loads = self._history(HistoryQuery(table="*", after=reverts.change_id))
            if loads:
                raise StoreError(f"change #{reverts.change_id} was made before the tables were replaced by "
                                 f"#{loads[-1].change_id} ({loads[-1].reason}); it cannot be reverted")
            if later:
                raise self._stale_revert(t, reverts, current)
            expected = current.revision if current is not None else None
        if op == "create":
            if current is not None:
                raise conflict()
            new = normalise_values(t, new)
        else:
            if current is None:
                if not self._history(HistoryQuery(table=t.name, row_id=row_id)):
                    raise NotFound(f"{t.name} has no row {row_id!r}")
                raise conflict()
            if current.revision != expected:
                raise conflict()
            if op == "update":
                new = normalise_values(t, new, current.values)
        if op == "delete":
            refs = self.referrers(t.name, row_id)
            if refs:
                raise StillReferenced(t.name, row_id, refs)
            res = conn.execute(tbl.delete().where(self._key_clause(t, row_id), tbl.c.revision == expected))
            revision = expected + 1
        else:
            if op == "create":
                position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(tbl.c.position), 0) + 1)).scalar_one()
            else:
                position = current.position
            errors = check_row(self, t, new, position + 1)
            if errors:
                raise InvalidRow(t.name, row_id, errors)
            values = {c.name: _sql_value(c, new[c.name]) for c in t.columns}
            try:
                with conn.begin_nested():
                    if op == "create":
                        revision = 1
                        res = conn.execute(tbl.insert().values(**values, position=position, revision=revision))
                    else:
                        revision = expected + 1
                        res = conn.execute(tbl.update().where(self._key_clause(t, row_id), tbl.c.revision == expected)
                                           .values(**values, revision=revision))
            except IntegrityError as exc:
                if getattr(exc.orig, "sqlstate", "") == "23505":  # unique: created meanwhile
                    current = self._fetch(conn, t, row_id)
                    raise conflict() from None
                first = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
                raise InvalidRow(t.name, row_id, [RowIssue(t.path, 0, "", "", first)]) from exc
        if op != "create" and res.rowcount != 1:  # an INSERT either succeeded or raised
            current = self._fetch(conn, t, row_id)
            raise conflict()
        change = Change(change_id=0, at=now_utc(), who=who, table=t.name, row_id=row_id, op=op,
                        old=current.values if current else None, new=new, reason=reason, revision=revision,
                        reverts=reverts.change_id if reverts is not None else None)
        return self._record(conn, change)

    # --- whole tables: db load and db dump ---------------------------------------------------
    def count(self, table: str) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(TABLES[table])).scalar_one()

    def load_dir(self, data_dir: Path | str, *, replace: bool = False, who: str = "local") -> Dataset:
        """Validate a CSV directory and load it in one transaction, all or nothing.

        Returns the validated :class:`Dataset` (its ``issues`` are the row-level report). Nothing is
        written when it has errors, or when the database already holds rows and ``replace`` is false.
        """
        data_dir = Path(data_dir)
        data = load_dataset(data_dir)
        if data.errors:
            return data
        raws, formats = {}, {}
        for name, t in schema.TABLES.items():
            path = data_dir / t.path
            if not path.exists():
                continue
            raws[name] = _read_csv(path, t, t.path, [])
            head = path.read_bytes()[:65536]
            formats[name] = ("\r\n" if b"\r\n" in head else "\n", head.startswith(b"\xef\xbb\xbf"))
        with self.engine.begin() as conn:
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(WRITE_LOCK)))
            held = {name: conn.execute(sa.select(sa.func.count()).select_from(TABLES[name])).scalar_one()
                    for name in schema.TABLES}
            if any(held.values()):
                if not replace:
                    n = ", ".join(f"{v} {k}" for k, v in held.items() if v)
                    raise StoreError(f"the database already holds rows ({n}); use --replace to replace them")
                names = ", ".join(f'"{n}"' for n in schema.TABLES)
                conn.execute(sa.text(f"TRUNCATE {names}"))
            dbapi = conn.connection.driver_connection
            with dbapi.cursor() as cur:
                for name, raw in raws.items():
                    t = schema.TABLES[name]
                    cols = [*t.column_names, "position"]
                    columns = [_copy_text(c, raw[c.name]) for c in t.columns]
                    columns.append([str(i) for i in range(1, len(raw) + 1)])
                    quoted = ", ".join(f'"{c}"' for c in cols)
                    with cur.copy(f'COPY "{name}" ({quoted}) FROM STDIN') as copy:
                        for row in zip(*columns, strict=True):
                            copy.write_row(row)
            conn.execute(CSV_FORMAT.delete())
            if formats:
                conn.execute(CSV_FORMAT.insert(), [{"table_name": k, "newline": nl, "bom": bom}
                                                   for k, (nl, bom) in formats.items()])
            counts = ", ".join(f"{len(r)} {n}" for n, r in raws.items())
            reason = f"db load from {data_dir} ({counts})" + (", replacing" if replace else "")
            self._record(conn, Change(0, now_utc(), who, "*", "*", "load", None, None, reason=reason))
        return data

    def dump_dir(self, out_dir: Path | str) -> list[Path]:
        """Write every table back to CSV files (the repository's format: its column order, quoting and
        line ends), plus ``history.jsonl``. Each file is written atomically."""
        from ..files import atomic_write
        from .csvdir import HISTORY_FILE, TableFile

        out = Path(out_dir)
        frames = self.raw_frames()
        with self.engine.connect() as conn:
            formats = {r.table_name: (r.newline, r.bom) for r in conn.execute(sa.select(CSV_FORMAT))}
        written = []
        for name, t in schema.TABLES.items():
            df = frames[name]
            if t.optional and df.empty and name not in formats:
                continue
            newline, bom = formats.get(name, ("\n", False))
            f = TableFile(out / t.path, list(t.column_names), df[t.column_names].values.tolist(), newline, bom)
            f.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(f.path, f.text())
            written.append(f.path)
        lines = [json.dumps(c.as_dict(), ensure_ascii=False) + "\n" for c in self.history() if c.op != "load"]
        if lines:
            atomic_write(out / HISTORY_FILE, "".join(lines))
            written.append(out / HISTORY_FILE)
        return written
