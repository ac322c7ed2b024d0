"""TopoJSON -> GeoJSON, for the offline basemap.

Why here and not a library: world-atlas ships its Natural Earth borders as TopoJSON,
the decoding is ~80 lines, and doing it once at install time means no JS decoder at
run time and no extra dependency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _decode_arcs(topology: Mapping[str, Any]) -> list[list[tuple[float, float]]]:
    tr = topology.get("transform")
    arcs: list[list[tuple[float, float]]] = []
    for arc in topology["arcs"]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            x = y = 0
            pts = []
            for p in arc:
                x += p[0]
                y += p[1]
                pts.append((x * sx + tx, y * sy + ty))
        else:
            pts = [(float(p[0]), float(p[1])) for p in arc]
        arcs.append(pts)
    return arcs


def topojson_to_geojson(
    topology: Mapping[str, Any], object_name: str, *, precision: int = 4
) -> dict[str, Any]:
    """Convert one TopoJSON object to a GeoJSON FeatureCollection.

    Why: world-atlas ships TopoJSON and we want no JS decoder at run time. Arcs
    are quantized and delta-encoded when a ``transform`` is present; a negative
    arc index ``i`` means arc ``~i`` reversed. Coordinates are rounded to
    ``precision`` decimals; repeated points that rounding creates are dropped,
    and so are rings left with fewer than 4 positions.
    """
    arcs = _decode_arcs(topology)
    tr = topology.get("transform")

    def pt(p: Sequence[float]) -> list[float]:
        return [round(v, precision) + 0.0 for v in p[:2]]

    def dedupe(points: list[list[float]]) -> list[list[float]]:
        out: list[list[float]] = []
        for p in points:
            if not out or out[-1] != p:
                out.append(p)
        return out

    def line(indices: Sequence[int]) -> list[list[float]]:
        points: list[tuple[float, float]] = []
        for i in indices:
            a = arcs[~i][::-1] if i < 0 else arcs[i]
            if points:
                points.pop()  # an arc starts where the previous one ended
            points.extend(a)
        return dedupe([pt(p) for p in points])

    def ring(indices: Sequence[int]) -> list[list[float]] | None:
        r = line(indices)
        if r and r[0] != r[-1]:
            r.append(r[0])
        return r if len(r) >= 4 else None

    def polygon(rings: Sequence[Sequence[int]]) -> list[list[list[float]]] | None:
        out = [ring(r) for r in rings]
        if not out or out[0] is None:
            return None
        return [r for r in out if r is not None]

    def position(p: Sequence[float]) -> list[float]:
        if tr:
            (sx, sy), (tx, ty) = tr["scale"], tr["translate"]
            return pt((p[0] * sx + tx, p[1] * sy + ty))
        return pt(p)

    def geometry(g: Mapping[str, Any]) -> dict[str, Any] | None:
        kind = g.get("type")
        if kind == "Polygon":
            poly = polygon(g["arcs"])
            return {"type": "Polygon", "coordinates": poly} if poly else None
        if kind == "MultiPolygon":
            polys = [p for p in (polygon(rs) for rs in g["arcs"]) if p]
            return {"type": "MultiPolygon", "coordinates": polys} if polys else None
        if kind == "LineString":
            return {"type": "LineString", "coordinates": line(g["arcs"])}
        if kind == "MultiLineString":
            return {"type": "MultiLineString", "coordinates": [line(a) for a in g["arcs"]]}
        if kind == "Point":
            return {"type": "Point", "coordinates": position(g["coordinates"])}
        if kind == "MultiPoint":
            return {"type": "MultiPoint",
                    "coordinates": [position(c) for c in g["coordinates"]]}
        return None  # null geometry or a type we do not draw

    obj = topology["objects"][object_name]
    geoms = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for g in geoms:
        geom = geometry(g)
        if geom is None:
            continue
        feature: dict[str, Any] = {
            "type": "Feature",
            "properties": {"name": (g.get("properties") or {}).get("name")},
            "geometry": geom,
        }
        if "id" in g:
            feature["id"] = g["id"]
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}
