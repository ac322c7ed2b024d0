"""The data dictionary, generated from :mod:`conflictmap.schema` so it cannot drift."""

from __future__ import annotations

from . import schema
from .claims import ATTRIBUTED_RULE, STATUS_HELP


def data_dictionary() -> str:
    """Markdown describing every table and column, plus the derived status."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `conflictmap/schema.py` by `python -m conflictmap docs`; do not edit by hand",
        "(a test fails when this file is out of date).",
        "",
        "All tables are UTF-8 CSV with a header row. Dates are ISO `YYYY-MM-DD`; booleans are",
        "`true`/`false`; list columns are `;`-separated. Rows are numbered as a spreadsheet numbers",
        "them (the header is row 1) in every error report.",
        "",
    ]
    for table in schema.TABLES.values():
        keys = " + ".join(f"`{k}`" for k in table.key_columns)
        optional = " Optional file." if table.optional else ""
        out += [f"## `{table.path}`", "", table.description, "", f"Key: {keys}.{optional}", "",
                "| column | type | required | meaning |", "|---|---|---|---|"]
        for c in table.columns:
            kind = c.kind
            if c.refs:
                kind += f" → {c.refs}"
            meaning = c.description
            if c.choices and len(c.choices) <= 8:
                meaning += " One of: " + ", ".join(f"`{v}`" for v in c.choices) + "."
            elif c.choices:
                meaning += " See the ACLED table below."
            out.append(f"| `{c.name}` | {kind} | {'yes' if c.required else ''} | {meaning} |")
        out.append("")
    out += ["## ACLED event types", "", "| event_type | sub_event_type |", "|---|---|"]
    for t, subs in schema.ACLED_TAXONOMY.items():
        out.append(f"| {t} | {'; '.join(subs)} |")
    out += ["", "## Derived: event status", "",
            "Never stored; computed from the claims by `conflictmap/claims.py` (first rule that applies wins):", ""]
    for s, h in STATUS_HELP.items():
        out.append(f"- `{s}`: {h}.")
    out += ["", ATTRIBUTED_RULE, ""]
    return "\n".join(out)
