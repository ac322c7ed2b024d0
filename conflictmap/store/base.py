"""The store's interface, its change record and its errors; shared by both backends.

A *row* is what a user edits: the cell texts of one row of a table, keyed by column name, exactly as
they would stand in the CSV file (``"2018-06-03"``, ``"true"``, ``"a;b"``). Both backends read the
tables back through the loader's own validation, so a stored row and a loaded row mean the same thing.

Every row carries a *revision*. A write names the revision it was based on; when the row moved on in
the meantime the write is refused with :class:`EditConflict`, which carries everything the editor needs
to merge by hand. Every accepted write is a :class:`Change` in the history, and a revert is one more
change, never a rewrite of the past.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from .. import schema
from ..model import Dataset, RowIssue

OPS = ("create", "update", "delete")
EDITABLE = tuple(schema.TABLES)  # sources, places, events, claims, stories, story_steps
KEY_SEPARATOR = "/"  # story_steps is keyed by (story_id, step): its row id reads "ain-issa/2"


class StoreError(Exception):
    """A write was refused; the message says why in words a user can act on."""


class NotFound(StoreError):
    """No such table, row or change."""


class InvalidRow(StoreError):
    """The row fails the same validation as loading; ``issues`` name the column and value."""

    def __init__(self, table: str, row_id: str, issues: list[RowIssue]):
        self.table, self.row_id, self.issues = table, row_id, issues
        lines = "; ".join(f"{i.column}: {i.value!r}: {i.message}" if i.column else i.message for i in issues)
        super().__init__(f"{table} {row_id!r} not saved: {lines}")


class StillReferenced(StoreError):
    """A delete would leave other rows pointing at nothing; ``referrers`` lists (table, row id)."""

    def __init__(self, table: str, row_id: str, referrers: list[tuple[str, str]]):
        self.table, self.row_id, self.referrers = table, row_id, referrers
        shown = ", ".join(f"{t} {r}" for t, r in referrers[:10])
        more = f" and {len(referrers) - 10} more" if len(referrers) > 10 else ""
        super().__init__(f"{table} {row_id!r} not deleted: still used by {shown}{more}; "
                         "delete or re-point those first")


class EditConflict(StoreError):
    """A save against a stale revision (or a create over an existing id) was refused.

    ``yours`` is what the editor tried to save, ``current`` what is stored now (None: the row is gone),
    ``last_change`` the change that moved the row on (who, when, reason), and ``differences`` the
    columns where the two disagree, side by side: ``[(column, yours, current), ...]``.
    """

    def __init__(self, table: str, row_id: str, *, your_revision: int | None, current_revision: int | None,
                 yours: dict[str, str] | None, current: dict[str, str] | None, last_change: Change | None,
                 what: str = ""):
        self.table, self.row_id = table, row_id
        self.your_revision, self.current_revision = your_revision, current_revision
        self.yours, self.current, self.last_change = yours, current, last_change
        cols = schema.TABLES[table].column_names
        a, b = yours or {}, current or {}
        self.differences = [(c, a.get(c, ""), b.get(c, "")) for c in cols if a.get(c, "") != b.get(c, "")]
        if not what:
            if current is None:
                what = "was deleted"
            elif your_revision is None:
                what = "already exists"
            else:
                what = f"was changed (you edited revision {your_revision}, it is now at {current_revision})"
        by = ""
        if last_change is not None:
            by = f" by {last_change.who} at {last_change.at}"
            if last_change.reason:
                by += f" ({last_change.reason})"
        diff = "; ".join(f"{c}: yours {y!r}, current {v!r}" for c, y, v in self.differences[:8])
        super().__init__(f"{table} {row_id!r} {what}{by}; nothing was saved."
                         + (f" Differences: {diff}" if diff else ""))


StaleRevision = EditConflict


@dataclass(frozen=True)
class Change:
    """One recorded write. ``old``/``new`` are whole rows (None before a create / after a delete);
    ``revision`` is the row's revision after the change; ``reverts`` the change this one undid."""

    change_id: int
    at: str  # ISO 8601, UTC
    who: str
    table: str
    row_id: str
    op: str
    old: dict[str, str] | None
    new: dict[str, str] | None
    reason: str = ""
    revision: int = 0
    reverts: int | None = None

    @property
    def event_id(self) -> str | None:
        """The event this change is about: the event itself, or a claim's event."""
        if self.table == "events":
            return self.row_id
        if self.table == "claims":
            return (self.new or self.old or {}).get("event_id") or None
        return None

    def as_dict(self) -> dict:
        return {"change_id": self.change_id, "at": self.at, "who": self.who, "table": self.table,
                "row_id": self.row_id, "op": self.op, "old": self.old, "new": self.new, "reason": self.reason,
                "revision": self.revision, "reverts": self.reverts}

    @classmethod
    def from_dict(cls, d: dict) -> Change:
        return cls(**{k: d.get(k) for k in ("change_id", "at", "who", "table", "row_id", "op", "old", "new")},
                   reason=d.get("reason") or "", revision=d.get("revision") or 0, reverts=d.get("reverts"))

    def describe(self) -> str:
        """One line for a history listing."""
        head = f"#{self.change_id} {self.at} {self.who}: {self.op}"
        if self.op in OPS:
            head += f" {self.table} {self.row_id}"
        if self.reverts:
            head += f" (reverts #{self.reverts})"
        if self.op == "update" and self.old and self.new:
            cols = [c for c in self.new if self.old.get(c, "") != self.new.get(c, "")]
            head += " - " + ", ".join(f"{c}: {self.old.get(c, '')!r} -> {self.new[c]!r}" for c in cols)
        if self.reason:
            head += f" [{self.reason}]"
        return head


@dataclass(frozen=True)
class Row:
    """A stored row and its revision."""

    values: dict[str, str]
    revision: int
    position: int = 0  # spreadsheet row number in the CSV file, or the order in the database


@dataclass
class HistoryQuery:
    table: str | None = None
    row_id: str | None = None
    event_id: str | None = None
    since: dt.datetime | None = None
    after: int | None = None  # change ids strictly greater than this
    change_id: int | None = None
    extra: dict = field(default_factory=dict)


def now_utc() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def table_def(name: str) -> schema.Table:
    if name not in schema.TABLES:
        raise NotFound(f"no table {name!r}; the tables are {', '.join(schema.TABLES)}")
    return schema.TABLES[name]


def row_key(table: schema.Table, values: dict[str, str]) -> str:
    return KEY_SEPARATOR.join(str(values.get(k, "")).strip() for k in table.key_columns)


def cell_text(value) -> str:
    """A Python value as CSV cell text: None -> '', booleans -> true/false, the rest str(), stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def normalise_values(table: schema.Table, values: dict, base: dict[str, str] | None = None) -> dict[str, str]:
    """``base`` overlaid with ``values`` as cell texts; unknown columns are an error."""
    unknown = [k for k in values if k not in table.column_names]
    if unknown:
        raise InvalidRow(table.name, row_key(table, {**(base or {}), **values}),
                         [RowIssue(table.path, 0, c, "", "unknown column") for c in unknown])
    out = {c: (base or {}).get(c, "") for c in table.column_names}
    for k, v in values.items():
        text = cell_text(v)
        if text != out[k].strip():  # an unchanged cell keeps its exact text (spaces the loader ignores)
            out[k] = text
    return out


def matches(change: Change, q: HistoryQuery) -> bool:
    if q.change_id is not None and change.change_id != q.change_id:
        return False
    if q.after is not None and change.change_id <= q.after:
        return False
    if q.table is not None and change.table != q.table:
        return False
    if q.row_id is not None and change.row_id != q.row_id:
        return False
    if q.event_id is not None and change.event_id != q.event_id:
        return False
    if q.since is not None:
        at = dt.datetime.fromisoformat(change.at.replace("Z", "+00:00"))
        if at < q.since:
            return False
    return True


class Store(ABC):
    """Read every table as the loader gives it; write one row at a time, with history.

    Writes: :meth:`create`, :meth:`update`, :meth:`delete` (each validated as loading validates, and
    checked against the row's revision), :meth:`revert`. Reads: :meth:`read` (a :class:`Dataset`),
    :meth:`get` (one row and its revision), :meth:`rows` (a table's cell texts in file order),
    :meth:`history`. ``who`` is recorded as given (``"local"`` for the person at the machine).
    """

    kind = "store"

    # --- reading ---------------------------------------------------------------------------
    @abstractmethod
    def read(self) -> Dataset:
        """Every table, validated and assembled exactly as :func:`conflictmap.load.load_dataset` does."""

    def read_versioned(self) -> tuple[Dataset, int]:
        """The dataset and the last change id it includes (for :meth:`refresh`)."""
        version = self.last_change_id()
        return self.read(), version

    def refresh(self, data: Dataset, version: int) -> tuple[Dataset, int]:
        """``data`` (read at ``version``) brought up to date without re-reading every table."""
        from .refresh import apply_changes

        changes = self.history(after=version)
        if not changes:
            return data, version
        latest = max(c.change_id for c in changes)
        return apply_changes(self, data, changes), latest

    @abstractmethod
    def rows(self, table: str) -> list[dict[str, str]]:
        """The table's rows as cell texts, in stored order."""

    @abstractmethod
    def get(self, table: str, row_id: str) -> Row | None:
        """One row and its revision, or None."""

    @abstractmethod
    def existing_ids(self, table: str, ids: set[str]) -> set[str]:
        """Which of ``ids`` are keys of rows in ``table``."""

    @abstractmethod
    def referrers(self, table: str, row_id: str) -> list[tuple[str, str]]:
        """Rows that point at this one: (table, row id)."""

    # --- history ---------------------------------------------------------------------------
    @abstractmethod
    def _history(self, q: HistoryQuery) -> list[Change]:
        ...

    def history(self, *, table: str | None = None, row_id: str | None = None, event_id: str | None = None,
                since: dt.datetime | dt.date | None = None, after: int | None = None) -> list[Change]:
        """Recorded changes, oldest first. ``event_id``: the event's own changes and its claims'."""
        if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        return self._history(HistoryQuery(table=table, row_id=row_id, event_id=event_id, since=since, after=after))

    def change(self, change_id: int) -> Change:
        found = self._history(HistoryQuery(change_id=int(change_id)))
        if not found:
            raise NotFound(f"no change #{change_id} in the history")
        return found[0]

    @abstractmethod
    def last_change_id(self) -> int:
        """The newest change id, 0 when nothing was recorded."""

    # --- writing ---------------------------------------------------------------------------
    @abstractmethod
    def _write(self, table: schema.Table, row_id: str, op: str, new: dict[str, str] | None,
               expected: int | None, who: str, reason: str, reverts: Change | None = None) -> Change:
        """Under the backend's lock or transaction: check the revision, validate, write, record."""

    def create(self, table: str, values: dict, *, who: str = "local", reason: str = "") -> Change:
        """Add a row; refused with :class:`EditConflict` if its id is taken."""
        t = table_def(table)
        new = normalise_values(t, values)
        return self._write(t, row_key(t, new), "create", new, None, who, reason)

    def update(self, table: str, row_id: str, values: dict, revision: int, *, who: str = "local",
               reason: str = "") -> Change:
        """Change the given columns of a row last seen at ``revision``. The key cannot change."""
        t = table_def(table)
        keys = {k: cell_text(values[k]) for k in t.key_columns if k in values}
        if keys and KEY_SEPARATOR.join(keys.get(k, "") for k in t.key_columns) != row_id and len(keys) == len(
                t.key_columns):
            raise StoreError(f"{table} {row_id!r}: the id cannot be changed by an edit; create a new row instead")
        return self._write(t, row_id, "update", dict(values), revision, who, reason)

    def delete(self, table: str, row_id: str, revision: int, *, who: str = "local", reason: str = "") -> Change:
        """Remove a row last seen at ``revision``; refused while other rows refer to it."""
        return self._write(table_def(table), row_id, "delete", None, revision, who, reason)

    def revert(self, change_id: int, *, who: str = "local", reason: str = "") -> Change:
        """Undo one change as a new change. Refused when the row changed again since (revert those first)."""
        ch = self.change(change_id)
        if ch.op not in OPS:
            raise StoreError(f"change #{change_id} ({ch.op}) cannot be reverted")
        t = table_def(ch.table)
        reason = reason or f"revert #{ch.change_id}"
        if ch.op == "create":
            return self._write(t, ch.row_id, "delete", None, ch.revision, who, reason, reverts=ch)
        if ch.op == "delete":
            return self._write(t, ch.row_id, "create", dict(ch.old or {}), None, who, reason, reverts=ch)
        return self._write(t, ch.row_id, "update", dict(ch.old or {}), ch.revision, who, reason, reverts=ch)

    def _stale_revert(self, t: schema.Table, ch: Change, current: Row | None) -> EditConflict:
        later = [c for c in self._history(HistoryQuery(table=t.name, row_id=ch.row_id, after=ch.change_id))]
        return EditConflict(t.name, ch.row_id, your_revision=ch.revision,
                            current_revision=current.revision if current else None,
                            yours=ch.old, current=current.values if current else None,
                            last_change=later[-1] if later else None,
                            what=f"changed again after #{ch.change_id} (revert the later changes first)")

    def close(self) -> None:  # noqa: B027 - only the database backend holds anything to release
        """Release connections (the database backend)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
