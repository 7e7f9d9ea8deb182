"""Statuses in -> pydeck Deck out. No Streamlit calls.

Offline and light by design (see shared research tech notes):
- country shapes are fetched once by URL from static serving (static/geo/world_110m.geojson), never sent inside the
  deck spec; each rerun sends only a colour expression (one palette index per shape) and the markers;
- the basemap is a blank local MapLibre style (static/map_style.json), so nothing is fetched from a tile or style CDN;
- every participant with a record gets a marker at its centroid, and microstates get a larger one, because many have
  no polygon at 110m; the markers carry the tooltip (name, status, date);
- the JSON is compact: pydeck's pretty-printing multiplies the payload.
"""

from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import pydeck as pdk

from dashboard.config import ROOT, STATUS_COLORS, STATUS_LABELS, STATUS_ORDER

STATIC_URL = "app/static"
GEO_URL = f"{STATIC_URL}/geo/world_110m.geojson"
STYLE_URL = f"{STATIC_URL}/map_style.json"
# Below this polygon area (square degrees at 110m) a country is hard to see or click: it gets a large marker.
SMALL_AREA = 1.5


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation (Streamlit sends `to_json()` as is)."""

    def to_json(self) -> str:  # noqa: D102
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"))


@lru_cache(maxsize=1)
def shape_index() -> tuple[dict[str, int], dict[str, float]]:
    """ISO3 -> position of its polygon in the static file, and ISO3 -> rough polygon area."""
    fc = json.loads((ROOT / "static" / "geo" / "world_110m.geojson").read_text())
    idx, area = {}, {}
    for f in fc["features"]:
        iso = f["properties"]["iso3"]
        idx[iso] = f["properties"]["i"]
        area[iso] = _area(f["geometry"])
    return idx, area


def _area(geom: dict) -> float:
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    total = 0.0
    for poly in polys:
        ring = poly[0]
        total += abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))) / 2
    return total


def _rgba(status: str, alpha: int = 235) -> list[int]:
    return [*STATUS_COLORS[status], alpha]


def fill_expression(statuses: pd.DataFrame) -> str:
    """A deck.gl accessor expression colouring each shape by its status, without resending any geometry.

    deck.gl's JSON expressions support comparisons, || and the ternary operator, but not computed indexing
    (palette[code] draws nothing: measured), so it is one test per shape with a status: about 20 bytes each.
    """
    idx, _ = shape_index()
    by_status: dict[str, list[int]] = {}
    for r in statuses.itertuples():
        i = idx.get(r.participant_id)
        if i is not None and r.status != "none":
            by_status.setdefault(r.status, []).append(i)
    expr = json.dumps(_rgba("none", 255), separators=(",", ":"))
    for st in reversed(STATUS_ORDER):
        if st in by_status:
            test = "||".join(f"properties.i=={i}" for i in sorted(by_status[st]))
            expr = f"({test})?{json.dumps(_rgba(st), separators=(',', ':'))}:{expr}"
    return expr


def _date_label(r) -> str:
    d = getattr(r, "action_date", None)
    if d is None or pd.isna(d):
        return ""
    prec = getattr(r, "date_precision", "day")
    if prec == "on_or_before":
        return f" · on or before {d:%d %b %Y}"
    if prec == "month":
        return f" · {d:%b %Y}"
    if prec == "year":
        return f" · {d:%Y}"
    return f" · {d:%d %b %Y}"


def markers(statuses: pd.DataFrame) -> list[dict]:
    """One marker per state with a record, plus every microstate; tooltip fields are plain text."""
    _, area = shape_index()
    out = []
    for r in statuses.itertuples():
        if pd.isna(r.lon) or pd.isna(r.lat):
            continue
        small = area.get(r.participant_id, 0.0) < SMALL_AREA
        if r.status == "none" and not small:
            continue
        unverified = r.status != "none" and not bool(r.verified)
        extra = f" ({r.n_instruments} instruments)" if getattr(r, "n_instruments", 0) > 1 else ""
        out.append({
            "id": r.participant_id,
            "name": r.name,
            "status_label": STATUS_LABELS[r.status] + extra + (" · UNVERIFIED" if unverified else ""),
            "date_label": _date_label(r),
            "position": [round(float(r.lon), 3), round(float(r.lat), 3)],
            "color": _rgba(r.status, 255),
            "radius": (7 if r.status != "none" else 4) if small else 4,
        })
    return out


def world_map(statuses: pd.DataFrame, height_zoom: float = 0.9) -> CompactDeck:
    """The participation map for one selection (statuses from dashboard.status.participant_statuses)."""
    states = statuses[statuses["kind"] != "organisation"]
    countries = pdk.Layer(
        "GeoJsonLayer",
        id="countries",
        data=GEO_URL,
        get_fill_color=fill_expression(states),
        get_line_color=[255, 255, 255, 255],
        line_width_min_pixels=0.6,
        stroked=True,
        filled=True,
        pickable=True,
        auto_highlight=True,
        highlight_color=[17, 24, 39, 90],
    )
    dots = pdk.Layer(
        "ScatterplotLayer",
        id="markers",
        data=markers(states),
        get_position="position",
        get_fill_color="color",
        get_radius="radius",
        radius_units="pixels",
        stroked=True,
        get_line_color=[17, 24, 39, 255],
        line_width_min_pixels=1,
        pickable=True,
        auto_highlight=True,
    )
    return CompactDeck(
        layers=[countries, dots],
        initial_view_state=pdk.ViewState(latitude=25, longitude=12, zoom=height_zoom, min_zoom=0.3, max_zoom=7),
        map_provider=None,
        map_style=STYLE_URL,
        # Plain text only (no HTML): values from the data can never become markup here.
        tooltip={"text": "{name}\n{status_label}{date_label}"},
    )


def legend(statuses: pd.DataFrame) -> pd.DataFrame:
    """Counts per status class, in legend order (only the classes present, plus 'No record')."""
    counts = statuses[statuses["kind"] != "organisation"]["status"].value_counts()
    rows = [{"status": STATUS_LABELS[s], "count": int(counts.get(s, 0)),
             "colour": "#%02x%02x%02x" % STATUS_COLORS[s]} for s in STATUS_ORDER if counts.get(s, 0) or s == "none"]
    return pd.DataFrame(rows)
