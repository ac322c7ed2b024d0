"""Export a selection: GeoJSON, CSV, and atomic file writing.

Every file is written whole or not at all (:func:`atomic_write`): a crash
midway leaves whatever was there before.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd

from .claims import ledger
from .load import Dataset

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def atomic_write(path: Path | str, data: bytes | str, encoding: str = "utf-8") -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _iso(value) -> str | None:
    return None if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def _plain(value):
    """A JSON-friendly Python value (NaN and NA -> None)."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def event_geometry(row, places: pd.DataFrame) -> dict | None:
    coords = places.set_index("place_id")[["lon", "lat"]]
    pts = [[float(coords.at[p, "lon"]), float(coords.at[p, "lat"])] for p in row["place_list"]
           if p in coords.index and pd.notna(coords.at[p, "lat"])]
    if row["place_relation"] in ("between", "route") and len(pts) >= 2:
        return {"type": "LineString", "coordinates": pts}
    if pd.notna(row["lat"]):
        return {"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}
    return None


def to_geojson(data: Dataset, events: pd.DataFrame) -> dict:
    """A FeatureCollection with one Feature per event, its claims in the properties."""
    names = data.places.set_index("place_id")["name_en"].to_dict()
    features = []
    for _, row in events.iterrows():
        claims = [
            {
                "claim_id": c["claim_id"],
                "claimant": c["claimant"],
                "spokesperson": c["spokesperson"] or None,
                "claimant_kind": c["claimant_kind"],
                "stance": c["stance"],
                "quote_ar": c["quote_ar"] or None,
                "quote_en": c["quote_en"] or None,
                "channel": c["channel"] or None,
                "attributed": bool(c["attributed"]),
                "source_id": c["source_id"],
                "claim_date": _iso(c["claim_date"]),
            }
            for _, c in ledger(data.claims, row["event_id"]).iterrows()
        ]
        props = {
            "event_id": row["event_id"],
            "date_start": _iso(row["date_start"]),
            "date_end": _iso(row["date_end"]),
            "date_precision": row["date_precision"],
            "date_inferred": bool(row["date_inferred"]),
            "title_en": row["title_en"],
            "title_ar": row["title_ar"] or None,
            "summary_en": row["summary_en"] or None,
            "summary_ar": row["summary_ar"] or None,
            "event_type": row["event_type"],
            "sub_event_type": row["sub_event_type"],
            "places": [names.get(p, p) for p in row["place_list"]],
            "place_ids": list(row["place_list"]),
            "place_relation": row["place_relation"],
            "geo_precision": _plain(row["geo_precision"]),
            "actor1": row["actor1"] or None,
            "actor2": row["actor2"] or None,
            "fatalities": _plain(row["fatalities"]),
            "source_id": row["source_id"],
            "status": row["status"],
            "notes": row["notes"] or None,
            "claims": claims,
        }
        features.append({"type": "Feature", "id": row["event_id"], "geometry": event_geometry(row, data.places),
                         "properties": props})
    return {"type": "FeatureCollection", "features": features}


def neutralise_formula(value):
    """Prefix text a spreadsheet would run as a formula (=, +, -, @, tab, CR) with a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


EXPORT_COLUMNS = ["event_id", "date_start", "date_end", "date_precision", "date_inferred", "title_en", "title_ar",
                  "summary_en", "summary_ar", "event_type", "sub_event_type", "place_ids", "place_relation",
                  "geo_precision", "location_note", "actor1", "actor2", "fatalities", "source_id", "status",
                  "lat", "lon", "notes"]


def events_table(events: pd.DataFrame) -> pd.DataFrame:
    """The selection as a flat table with ISO dates, the way it is shown and exported."""
    out = events[EXPORT_COLUMNS].copy()
    for c in ("date_start", "date_end"):
        out[c] = out[c].dt.strftime("%Y-%m-%d")
    return out


def to_csv(events: pd.DataFrame) -> str:
    """CSV of the selection, safe to open in a spreadsheet (formulas neutralised)."""
    table = events_table(events)
    for c in table.columns:
        if table[c].dtype == object or pd.api.types.is_string_dtype(table[c]):
            table[c] = table[c].map(neutralise_formula)
    return table.to_csv(index=False, lineterminator="\n")


def to_geojson_text(data: Dataset, events: pd.DataFrame) -> str:
    return json.dumps(to_geojson(data, events), ensure_ascii=False, indent=1)
