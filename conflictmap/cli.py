"""Command line: ``python -m conflictmap COMMAND ...``. A thin layer over the core."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .load import DataError, default_data_dir, load_dataset
from .select import select_events


def _date(s: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, instead got: {s!r}") from None


def _data_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="data directory holding events.csv, claims.csv, sources.csv and geodata/places.csv "
                        "(default: $CONFLICTMAP_DATA, else the repository root)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m conflictmap",
        description="conflictmap: conflict events and the contested claims about them.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check every table; exit 0 when clean, 1 with a row-level report otherwise",
                       description="Load and validate the data directory. Prints one line per problem "
                                   "(file, row, column, value, reason). Exit status 0 when there are no errors, "
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

    p = sub.add_parser("docs", help="regenerate docs/data-dictionary.md from the schema",
                       description="Write docs/data-dictionary.md from conflictmap/schema.py.")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md",
                   metavar="FILE", help="where to write it (default: docs/data-dictionary.md)")

    p = sub.add_parser("assets", help="install or check the offline map assets (Leaflet, plugins, basemap)",
                       description="install: fetch the pinned npm packages, verify their hashes and unpack them "
                                   "into static/vendor/. check: verify what is installed.")
    p.add_argument("action", choices=["install", "check", "urls"],
                   help="install: fetch, verify, unpack; check: verify installed files; urls: list what is covered")

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
                       description="Fill lat/lon of every place in geodata/places.csv that lacks them, and add a row "
                                   "for every place id events.csv uses that places.csv lacks. Names are looked up in "
                                   "the gazetteer, then GeoNames (offline), then a Nominatim service - only if "
                                   "$CONFLICTMAP_GEOCODER_URL is set or --online is given. Ambiguous and flagged "
                                   "places are reported and left blank. places.csv is written atomically; on a "
                                   "geocoder failure it is left unchanged and the exit status is 1.")
    _data_arg(p)
    p.add_argument("--dry-run", action="store_true", help="look everything up and report, but write nothing")
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
    return parser


def cmd_validate(args) -> int:
    data_dir = args.data or default_data_dir()
    try:
        data = load_dataset(data_dir)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for issue in data.issues:
        print(f"{issue.severity}: {issue}")
    errors = len(data.errors)
    warnings = len(data.issues) - errors
    print(f"{len(data.events)} events, {len(data.claims)} claims, {len(data.sources)} sources, "
          f"{len(data.places)} places loaded from {data_dir}; {errors} error(s), {warnings} warning(s)")
    return 1 if errors or (args.strict and warnings) else 0


def cmd_export(args) -> int:
    from . import export  # here, not at the top: it brings folium, which the other commands do not need

    try:
        data = load_dataset(args.data)
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

    return assets.main([args.action])


def cmd_import(args) -> int:
    from . import importers

    try:
        importers.check_out_dir(args.out, force=args.force)
        data = importers.import_file(args.file)
        importers.write_tables(data, args.out, force=args.force)
    except (DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for issue in data.issues:
        print(f"{issue.severity}: {issue}")
    errors = len(data.errors)
    print(f"{len(data.events)} events, {len(data.claims)} claims, {len(data.sources)} sources, "
          f"{len(data.places)} places written to {args.out}; {errors} error(s), {len(data.issues) - errors} warning(s)")
    return 1 if errors else 0


def cmd_geocode(args) -> int:
    from . import geocode

    countries = tuple(c.strip().upper() for c in args.countries.split(",") if c.strip())
    return geocode.run_geocode_command(args.data or default_data_dir(), dry_run=args.dry_run,
                                       enable_online=args.online, accept_first=args.accept_first,
                                       countries=countries, max_km=args.max_km, timeout=args.timeout)


COMMANDS = {"validate": cmd_validate, "export": cmd_export, "docs": cmd_docs, "assets": cmd_assets,
            "import": cmd_import, "geocode": cmd_geocode}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
