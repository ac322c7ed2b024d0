"""Command line: ``python -m conflictmap COMMAND ...``. A thin layer over the core."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from . import export
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

    p = sub.add_parser("export", help="write the (filtered) events as GeoJSON or CSV",
                       description="Export events overlapping the date window as a GeoJSON FeatureCollection "
                                   "(claims included) or a CSV (spreadsheet formulas neutralised). "
                                   "The file is written atomically.")
    p.add_argument("format", choices=["geojson", "csv"], help="output format")
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
    try:
        data = load_dataset(args.data)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    events = select_events(data, date_range=(args.date_from, args.date_to), event_types=args.types,
                           statuses=args.statuses, text=args.text)
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

    export.atomic_write(args.out, data_dictionary())
    print(f"wrote {args.out}")
    return 0


def cmd_assets(args) -> int:
    from . import assets

    return assets.main([args.action])


COMMANDS = {"validate": cmd_validate, "export": cmd_export, "docs": cmd_docs, "assets": cmd_assets}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
