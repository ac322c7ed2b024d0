"""Command line: ``python -m conflictmap COMMAND ...``. A thin layer over the core."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import textwrap
from pathlib import Path

from .csvparse import take_early
from .files import atomic_write
from .load import DataError, default_data_dir, load_dataset
from .select import select_events
from .store.base import StoreError


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, instead got: {s!r}") from None


def _data_arg(p: argparse.ArgumentParser, *, database: bool = True) -> None:
    where = "the database named by $CONFLICTMAP_DATABASE_URL when set, else " if database else ""
    p.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="data directory holding events.csv, claims.csv, sources.csv and geodata/places.csv "
                        f"(default: {where}$CONFLICTMAP_DATA, else the repository root)")


def _database_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--database", default=None, metavar="URL",
                   help="PostgreSQL URL, postgresql://user:password@host/dbname (default: $CONFLICTMAP_DATABASE_URL)")


def _load(data_dir: Path | None):
    """The dataset: from --data when given, else the database when $CONFLICTMAP_DATABASE_URL is set, else the
    default data directory."""
    from .store import database_url

    if data_dir is None and database_url():
        from .store import open_store

        with open_store() as store:
            return store.read()
    return load_dataset(data_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m conflictmap",
        description="conflictmap: conflict events and the contested claims about them.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check every table; exit 0 when clean, 1 with a row-level report otherwise",
                       description="Load and validate the data directory. Prints one line per problem "
                                   "(file, row, column, value, reason), and a warning for a claim whose quote_ar is "
                                   "not verbatim in its source's archived text (sources/<sha256>.txt in the data "
                                   "directory, else the seed archive). Exit status 0 when there are no errors, "
                                   "1 when rows were rejected, 2 when the data cannot be read at all.")
    _data_arg(p)
    p.add_argument("--strict", action="store_true", help="treat warnings as errors too")

    p = sub.add_parser("export", help="write the (filtered) events as GeoJSON, CSV or a standalone HTML map",
                       description="Export events overlapping the date window as a GeoJSON FeatureCollection "
                                   "(claims included), a CSV (spreadsheet formulas neutralised), or a single "
                                   "self-contained HTML map that works offline (time slider, claim ledgers in "
                                   "popups, legend, sources; needs `assets install`). The file is written "
                                   "atomically.")
    p.add_argument("format", choices=["geojson", "csv", "html"], help="output format")
    p.add_argument("--out", type=Path, required=True, metavar="FILE", help="file to write ('-' for stdout)")
    _data_arg(p)
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="last day, YYYY-MM-DD")
    p.add_argument("--type", dest="types", action="append", default=[], metavar="EVENT_TYPE",
                   help="keep this ACLED event type (repeatable)")
    p.add_argument("--status", dest="statuses", action="append", default=[], metavar="STATUS",
                   help="keep this status, e.g. contested (repeatable)")
    p.add_argument("--text", default="", help="free-text search, Arabic or English")

    p = sub.add_parser("db", help="PostgreSQL: load CSV tables into the database, or dump it back to CSV files",
                       description="The database named by --database or $CONFLICTMAP_DATABASE_URL (tables, "
                                   "migrations and history: conflictmap/store/postgres.py). Every command of this "
                                   "tool reads the database instead of the CSV files while that variable is set.")
    dbsub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION",
                             help="load: CSV directory -> database; dump: database -> CSV directory")
    q = dbsub.add_parser("load", help="validate a CSV data directory and load it in one transaction, all or nothing",
                         description="Validate DIR as `validate` does and print the same row-level report. With "
                                     "no errors, load every table in one transaction; with any error, load "
                                     "nothing. Refused when the database already holds rows, unless --replace. "
                                     "Exit status 0 when loaded, 1 when rows were rejected (nothing loaded), 2 "
                                     "when the data or the database cannot be used.")
    q.add_argument("--data", type=Path, required=True, metavar="DIR", help="the CSV data directory to load")
    q.add_argument("--replace", action="store_true",
                   help="replace the rows the database holds (the history is kept, with a note of the load)")
    _database_arg(q)
    q = dbsub.add_parser("dump", help="write the database back to CSV files in the repository's format",
                         description="Write events.csv, claims.csv, sources.csv, geodata/places.csv (and the "
                                     "stories tables when present) into DIR, in the same column order, quoting "
                                     "and line ends as the files that were loaded, plus history.jsonl. Each file "
                                     "is replaced atomically; other files in DIR are left alone.")
    q.add_argument("--out", type=Path, required=True, metavar="DIR", help="data directory to write the tables into")
    _database_arg(q)

    p = sub.add_parser("history", help="list recorded changes: when, by whom, old and new values",
                       description="Every create, update, delete and revert made through the store, oldest first "
                                   "(the CSV directory's history.jsonl, or the database's history table).")
    _data_arg(p)
    p.add_argument("--event", metavar="ID", help="only this event's changes and its claims'")
    p.add_argument("--since", type=_date, metavar="DATE", help="only changes made on or after this day (UTC)")
    p.add_argument("--json", action="store_true", help="print a JSON array with whole old and new rows")

    p = sub.add_parser("revert", help="undo one change by recording a new change",
                       description="Undo change CHANGE_ID (see `history`): a create is undone by a delete, a delete "
                                   "by re-creating the row, an update by restoring the old values. The history "
                                   "keeps both. Refused, with the details, when the row changed again since: "
                                   "revert the later changes first. Exit status 0 when done, 1 when refused.")
    p.add_argument("change_id", type=int, metavar="CHANGE_ID", help="the change to undo")
    _data_arg(p)
    p.add_argument("--who", default="local", help="who the history records as reverting (default: local)")
    p.add_argument("--reason", default="", help="why, recorded in the history")

    p = sub.add_parser("docs", help="regenerate docs/data-dictionary.md from the schema",
                       description="Write docs/data-dictionary.md from conflictmap/schema.py.")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md",
                   metavar="FILE", help="where to write it (default: docs/data-dictionary.md)")

    p = sub.add_parser("assets", help="install or check the offline map assets (Leaflet, time slider, basemap)",
                       description="install: fetch the npm packages pinned in conflictmap/assets/lock.toml, verify "
                                   "their hashes and unpack them into static/vendor/. check: verify what is "
                                   "installed. urls: list folium's asset URLs and which have a local copy.")
    acts = p.add_subparsers(dest="action", required=True, metavar="ACTION",
                            help="install: fetch, verify, unpack; check: verify installed files; urls: list what is "
                                 "covered")
    a_install = acts.add_parser("install", help="fetch, verify and install the assets")
    a_install.add_argument("--npm", default="npm", help="npm executable (default: npm)")
    a_check = acts.add_parser("check", help="verify the installed files' hashes")
    acts.add_parser("urls", help="list folium URLs covered and not covered")
    for a in (a_install, a_check):
        a.add_argument("--dest", type=Path, default=None, metavar="DIR",
                       help="install folder (default: static/vendor in the repository)")

    p = sub.add_parser("import", help="convert an ACLED export or a UCDP GED CSV into conflictmap's tables",
                       description="Read FILE (its format is recognised from the header; see "
                                   "docs/import-mapping.md), print one line per row that could not be used "
                                   "(file, row, column, value, reason), and write events.csv, claims.csv, "
                                   "sources.csv and geodata/places.csv into DIR. DIR must be new or empty unless "
                                   "--force. Exit status 0 when every row converted, 1 when rows were set aside, "
                                   "2 when nothing was written.")
    p.add_argument("file", type=Path, metavar="FILE", help="the ACLED export or UCDP GED CSV to convert")
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="data directory to write the tables into")
    p.add_argument("--force", action="store_true", help="replace the tables in DIR even if it is not empty")

    p = sub.add_parser("geocode", help="fill missing place coordinates: gazetteer, then GeoNames offline, then online",
                       description="Fill lat/lon of every place that lacks them, and add a place for every place id "
                                   "an event uses that the places table lacks. Names are looked up in the "
                                   "gazetteer, then GeoNames (offline), then a Nominatim service - only if "
                                   "$CONFLICTMAP_GEOCODER_URL is set or --online is given. Ambiguous and flagged "
                                   "places are reported and left blank. Each filled place is saved through the "
                                   "store (the data directory, or the database when $CONFLICTMAP_DATABASE_URL is "
                                   "set) as one change in `history`, which `revert` can undo; the history records "
                                   "--who and --reason. A place edited by someone else while the lookup ran is "
                                   "refused and reported, never overwritten. Online answers are cached in "
                                   "geodata/geocode-cache.json in the data directory (--data, else "
                                   "$CONFLICTMAP_DATA, else the repository root), also with the database. "
                                   "Exit status: 0 done, 1 a geocoder "
                                   "failed (nothing written) or a place was refused (the others are saved), "
                                   "2 the store could not be opened.")
    _data_arg(p)
    p.add_argument("--who", default=None, help="who the history records (default: cli:<your user name>)")
    p.add_argument("--reason", default="", help="why, recorded in the history of every place filled")
    p.add_argument("--dry-run", action="store_true",
                   help="look everything up and report, but write nothing (no change, no cache)")
    online = p.add_mutually_exclusive_group()
    online.add_argument("--online", dest="online", action="store_const", const=True, default=None,
                        help="allow the online step; without $CONFLICTMAP_GEOCODER_URL this is the public Nominatim")
    online.add_argument("--offline", dest="online", action="store_const", const=False,
                        help="never go online, even if $CONFLICTMAP_GEOCODER_URL is set")
    p.add_argument("--accept-first", action="store_true",
                   help="for an ambiguous place, take the first of the equally good candidates instead of leaving it")
    p.add_argument("--countries", default="SY", metavar="CC[,CC]",
                   help="ISO country codes the places are expected in (GeoNames and online results), default SY")
    p.add_argument("--max-km", type=float, default=None, metavar="KM",
                   help="flag candidates farther than this from the expected governorate's centre "
                        "(default: a radius per governorate)")
    p.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long to wait for the online geocoder's answer (default 10)")
    p = sub.add_parser(
        "extract", help="read an article (.txt or .html) into draft events with claims, as drafts.json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
                    "Read FILE, an article in Arabic or English (.txt, UTF-8 or Windows Arabic; or .html, reduced "
                    "to its text), and write draft events: places (gazetteer, then GeoNames offline), dates "
                    "resolved against --published, claimants with their stance (asserts, denies, acknowledges, "
                    "no_comment, claims_responsibility), verbatim quotes with character offsets into the article "
                    "text, and for each draft the existing event it most likely belongs to (or null: a new "
                    "event), with reasons and disagreements. Works offline. Nothing is added to the ledger: "
                    "drafts are for review.", 78),
        epilog="example:\n  python -m conflictmap extract report.txt --published 2018-06-05 "
               "--outlet 'Asharq Al-Awsat' --out drafts.json\n\n" + textwrap.fill(
                   "In drafts.json every claim's quote is exactly text[start:end] of the article text whose "
                   "SHA-256 is article.sha256 (for HTML, the extracted text; article.source_sha256 is the page's "
                   "own hash). Review the drafts (edit drafts.json, or use the app's page \"Add from an "
                   "article\"), then add them with `python -m conflictmap apply drafts.json`.", 78))
    p.add_argument("file", type=Path, metavar="FILE", help="the article: .txt or .html")
    p.add_argument("--published", type=_date, required=True, metavar="YYYY-MM-DD",
                   help="publication date; 'yesterday' and weekdays are resolved against it")
    p.add_argument("--precision", choices=["day", "month", "year"], default="day",
                   help="how precisely the publication date is known (default day)")
    p.add_argument("--outlet", default="", metavar="NAME",
                   help="publisher; the article's own narration is claimed in its name")
    p.add_argument("--url", default="", metavar="URL", help="where the article can be read")
    p.add_argument("--language", choices=["ar", "en"], default=None, help="default: detected from the text")
    _data_arg(p)
    p.add_argument("--actors", type=Path, default=None, metavar="CSV",
                   help="extra actors (same columns as conflictmap/extract/actors.csv); rows with an existing "
                        "actor_id replace the bundled ones")
    p.add_argument("--out", type=Path, required=True, metavar="FILE",
                   help="drafts.json to write (atomically; '-' for stdout)")
    p = sub.add_parser(
        "apply", help="add reviewed drafts (drafts.json from `extract`) to the ledger, with their history",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
            "Archive the article of DRAFTS (its text, unchanged, as sources/<sha256>.txt under the data "
            "directory), add it as a source (with its SHA-256, who added it and when), and add the drafts "
            "through the store: a draft whose match names an event adds its claims to that event; a draft "
            "with match null becomes a new event with its claims. Background drafts (facts the article only "
            "recalls) are skipped unless named in --only. A place without a place_id becomes a new place "
            "(coord_source 'extract: ...', with its precision). Every claim keeps its quote's character "
            "offsets into the archived text; a quote edited in review must still be verbatim in the text. "
            "Ids are proposed from names and dates. Every row is validated before anything is written; if "
            "the store still refuses one, the rows already written by this run are reverted, so a run adds "
            "everything or nothing. The history records who (cli:<your user name>, or --who) and --reason.",
            78),
        epilog="examples:\n  python -m conflictmap apply drafts.json --dry-run\n"
               "  python -m conflictmap apply drafts.json --only d1,d3 --reason 'AFP wire, checked'\n\n"
               "exit status: 0 added (or dry run clean), 1 refused (nothing written unless the message says "
               "so), 2 unreadable input")
    p.add_argument("drafts", type=Path, metavar="DRAFTS", help="drafts.json written by `extract` (and reviewed)")
    _data_arg(p)
    p.add_argument("--only", default=None, metavar="D1,D2",
                   help="add only these drafts (comma-separated draft ids); a background draft is added only "
                        "when named here")
    p.add_argument("--reason", default="", help="why, recorded in the history of every row added")
    p.add_argument("--who", default=None, help="who the history records (default: cli:<your user name>)")
    p.add_argument("--archive", type=Path, default=None, metavar="DIR",
                   help="directory to archive the article text under (DIR/sources/<sha256>.txt); default: the "
                        "data directory (--data, else $CONFLICTMAP_DATA, else the repository root), also with "
                        "PostgreSQL")
    p.add_argument("--dry-run", action="store_true", help="check and list what would be added; write nothing")
    return parser


def cmd_validate(args) -> int:
    from .store import database_url

    data_dir = args.data or ("the database" if database_url() else default_data_dir())
    try:
        data = _load(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from .editing import check_ledger_quotes

    # Quotes against the sources' archived texts (<data>/sources/<sha256>.txt, else the seed archive): a
    # warning, since a quote the archive does not hold may still be right (the article was re-published).
    quotes = check_ledger_quotes(data.claims, data.sources, data.data_dir or args.data or default_data_dir())
    for issue in [*data.issues, *quotes]:
        print(f"{issue.severity}: {issue}")
    errors = len(data.errors)
    warnings = len(data.issues) + len(quotes) - errors
    print(f"{len(data.events)} events, {len(data.claims)} claims, {len(data.sources)} sources, "
          f"{len(data.places)} places loaded from {data_dir}; {errors} error(s), {warnings} warning(s)")
    return 1 if errors or (args.strict and warnings) else 0


def cmd_export(args) -> int:
    from . import export  # here, not at the top: it brings folium, which the other commands do not need

    try:
        data = _load(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    events = select_events(data, date_range=(args.date_from, args.date_to), event_types=args.types,
                           statuses=args.statuses, text=args.text)
    if args.format == "html":
        try:
            text = export.to_standalone_html(data, events)
        except export.ExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    else:
        text = export.to_geojson_text(data, events) if args.format == "geojson" else export.to_csv(events)
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        export.atomic_write(args.out, text)
        print(f"wrote {len(events)} events to {args.out}", file=sys.stderr)
    if data.errors:
        print(f"note: {len(data.errors)} row(s) were rejected at load; run `python -m conflictmap validate`",
              file=sys.stderr)
    return 0


def cmd_docs(args) -> int:
    from .docs import data_dictionary
    from .files import atomic_write

    atomic_write(args.out, data_dictionary())
    print(f"wrote {args.out}")
    return 0


def cmd_assets(args) -> int:
    from . import assets

    dest = getattr(args, "dest", None) or assets.DEFAULT_STATIC_DIR
    if args.action == "install":
        try:
            assets.install_assets(dest, npm=args.npm, progress=print)
        except assets.AssetError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.action == "check":
        problems = assets.verify_install(dest)
        if problems:
            print(f"map assets in {dest} are not intact ({len(problems)} problems):", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
            print("fix: python -m conflictmap assets install", file=sys.stderr)
            return 1
        print(f"ok: {len(assets.expected_files())} files verified in {dest}")
        return 0
    local = assets.current_lock().url_map()
    for url, classes in sorted(assets.all_folium_asset_urls().items()):
        where = local.get(url, "not installed (no map here loads it)")
        print(f"{url}\n    used by {', '.join(classes)} -> {where}")
    return 0


skip_teardown = False
"""Set by a command that leaves nothing open behind it (``import``): ``__main__`` then ends the process at once."""


def cmd_import(args) -> int:
    from . import importers

    try:
        importers.check_out_dir(args.out, force=args.force)
        # An export (read without the app's Parquet cache and derived columns), or a directory of our own tables.
        path = Path(args.file)
        if path.is_file():
            importers.tune_memory_for_one_import()  # this process imports one file and exits
            # The parse __main__ began before pandas was imported (csvparse.start_early), if it is of this file.
            data = importers.import_for_writing(path, early=take_early(path))
        else:
            data = load_dataset(path)
        importers.write_tables(data, args.out, force=args.force)
    except (DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for issue in data.issues:
        print(f"{issue.severity}: {issue}")
    errors = len(data.errors)
    print(f"{len(data.events)} events, {len(data.claims)} claims, {len(data.sources)} sources, "
          f"{len(data.places)} places written to {args.out}; {errors} error(s), {len(data.issues) - errors} warning(s)")
    global skip_teardown
    skip_teardown = True  # the tables are written and closed: nothing left for the teardown to do (__main__)
    return 1 if errors else 0


def _geocode_progress(stream):
    """A progress bar on a terminal, one line per place otherwise (logs, CI); no dependency."""
    tty = hasattr(stream, "isatty") and stream.isatty()

    def show(done: int, total: int, task) -> None:
        what = task.outcome + (f" ({task.resolution.step})" if task.resolution and task.resolution.step else "")
        if tty:
            bar = "#" * round(20 * done / total)
            stream.write(f"\r[{bar:<20}] {done}/{total} {task.place_id[:30]:<30} {what:<28}")
            if done == total:
                stream.write("\n")
        else:
            stream.write(f"geocode [{done}/{total}] {task.place_id}: {what}\n")
        stream.flush()

    return show


def cmd_geocode(args) -> int:
    """0 when the run completed, 1 when a geocoder failed (nothing written) or the store refused a place,
    2 when the store could not be opened."""
    import getpass

    from . import geocode

    data_dir = args.data or default_data_dir()  # the cache lives here, also with PostgreSQL
    countries = tuple(c.strip().upper() for c in args.countries.split(",") if c.strip())
    who = args.who or f"cli:{getpass.getuser()}"
    reason = "geocoded by python -m conflictmap geocode" + (f": {args.reason}" if args.reason else "")
    out, err = sys.stdout, sys.stderr
    cache_path = Path(data_dir) / "geodata" / geocode.CACHE_FILENAME
    try:
        store = _open(args)
    except (StoreError, DataError) as exc:
        err.write(f"error: {exc}\n")
        return 2
    with store:
        try:
            online, note = geocode.online_geocoder_from_env(data_dir, enable=args.online, countries=countries,
                                                            timeout=args.timeout, read_only_cache=args.dry_run)
            report = geocode.geocode_dataset(store, dry_run=args.dry_run, online=online, online_note=note,
                                             accept_first=args.accept_first, countries=countries,
                                             max_km=args.max_km, progress=_geocode_progress(err), who=who,
                                             reason=reason)
        except geocode.GeocodeError as exc:
            kept = (f"; answers received so far are kept in {cache_path}" if cache_path.exists() and not args.dry_run
                    else "")
            fresh_line = "\n" if err.isatty() else ""  # after a progress bar
            err.write(f"{fresh_line}error: {exc}. The places table was not changed{kept}.\n")
            return 1
    out.write("\n".join(report.summary_lines()) + "\n")
    if args.dry_run:
        out.write(f"dry run: {len(report.filled)} place(s) would be filled; nothing written.\n")
        return 0
    if report.written:
        ids = ", ".join(f"{c.row_id} #{c.change_id}" for c in report.changes)
        out.write(f"saved {len(report.changes)} place(s) through the store, one change each by {who} ({ids}); "
                  f"see `python -m conflictmap history`, undo one with `python -m conflictmap revert ID`.\n")
    for r in report.refused:
        out.write(f"refused: {r.place_id}: {r.message}\n")
    if report.refused:
        out.write(f"{len(report.refused)} place(s) refused, nothing overwritten (the others are saved); run "
                  f"geocode again to look them up afresh.\n")
        return 1
    if report.tasks and not report.written:
        out.write("no place changed: nothing could be filled.\n")
    return 0


def cmd_extract(args) -> int:
    import json

    from .extract import Extractor
    from .extract.article import ArticleError, read_article

    try:
        article = read_article(args.file, args.published, precision=args.precision, outlet=args.outlet,
                               url=args.url, language=args.language)
        extractor = Extractor(args.data or default_data_dir(), actors_file=args.actors)
    except (ArticleError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    drafts = extractor.extract(article)
    text = json.dumps(drafts, ensure_ascii=False, indent=1) + "\n"
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        try:
            atomic_write(args.out, text)
        except OSError as exc:
            print(f"error: cannot write {args.out}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    events = drafts["events"]
    n_claims = sum(len(e["claims"]) for e in events)
    matched = sum(1 for e in events if e["match"])
    print(f"{len(events)} draft event(s), {n_claims} claim(s); {matched} matched to existing events, "
          f"{len(events) - matched} new; language {drafts['article']['language']}"
          + ("" if str(args.out) == "-" else f"; wrote {args.out}"), file=sys.stderr)
    return 0


def cmd_apply(args) -> int:
    import getpass
    import json

    from .extract.apply import ApplyError, apply_drafts

    try:
        doc = json.loads(args.drafts.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: {args.drafts}: cannot read drafts: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    only = [x.strip() for x in args.only.split(",") if x.strip()] if args.only else None
    who = args.who or f"cli:{getpass.getuser()}"
    try:
        with _open(args) as store:
            result = apply_drafts(doc, store, archive_dir=args.archive or args.data or default_data_dir(), who=who,
                                  reason=args.reason, only=only, dry_run=args.dry_run)
    except (ApplyError, StoreError) as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    for line in result.report():
        print(("would add: " if args.dry_run and not line.startswith("skipped") else "") + line)
    n = {t: len(result.ids(t)) for t in ("sources", "places", "events", "claims")}
    print(("dry run, nothing written: " if args.dry_run else "added: ")
          + f"{n['events']} event(s), {n['claims']} claim(s), {n['places']} place(s), {n['sources']} source(s)"
          + ("" if args.dry_run else f"; history: {len(result.changes)} change(s) by {who}"))
    return 0


def _open(args):
    from .store import open_store

    return open_store(args.data) if getattr(args, "data", None) is not None else open_store()


def _open_database(args):
    from .store import database_url
    from .store.postgres import PostgresStore

    url = args.database or database_url()
    if not url:
        raise StoreError("no database: set CONFLICTMAP_DATABASE_URL=postgresql://user:password@host/dbname "
                         "or pass --database")
    return PostgresStore(url)


def cmd_db(args) -> int:
    import sqlalchemy.exc

    try:
        with _open_database(args) as store:
            if args.db_command == "dump":
                written = store.dump_dir(args.out)
                print(f"wrote {len(written)} file(s) to {args.out}")
                return 0
            data = store.load_dir(args.data, replace=args.replace)
    except (StoreError, DataError, OSError, sqlalchemy.exc.SQLAlchemyError) as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    for issue in data.issues:
        print(f"{issue.severity}: {issue}")
    errors = len(data.errors)
    if errors:
        print(f"{errors} error(s): nothing was loaded; fix the rows above (or run `validate`) and load again")
        return 1
    print(f"{len(data.events)} events, {len(data.claims)} claims, {len(data.sources)} sources, "
          f"{len(data.places)} places loaded from {args.data}; {len(data.issues)} warning(s)")
    return 0


def cmd_history(args) -> int:
    import json

    try:
        with _open(args) as store:
            changes = store.history(event_id=args.event, since=args.since)
    except (StoreError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=1))
    else:
        for c in changes:
            print(c.describe())
        if not changes:
            print("no changes recorded" + (f" for event {args.event}" if args.event else ""))
    return 0


def cmd_revert(args) -> int:
    try:
        with _open(args) as store:
            change = store.revert(args.change_id, who=args.who, reason=args.reason)
    except StoreError as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 1
    print(change.describe())
    return 0


COMMANDS = {"validate": cmd_validate, "export": cmd_export, "docs": cmd_docs, "assets": cmd_assets,
            "import": cmd_import, "geocode": cmd_geocode, "extract": cmd_extract, "db": cmd_db,
            "history": cmd_history, "revert": cmd_revert, "apply": cmd_apply}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
