"""One map view laid out once for every picture of it: the projected shapes, the text that fits, the scene (title,
map, legend, notes, source line) that dashboard/mapimage.py draws as SVG, PNG or GIF frames. No Streamlit."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, ImageFilter

from dashboard import maps
from dashboard.config import ATLAS_NAME, ROOT, STATUS_COLORS, STATUS_SYMBOLS
from dashboard.fmt import date_text
from dashboard.maptext import _width, wrap
from dashboard.palette import ink_on

Color = tuple[int, int, int]
INK: Color = (17, 24, 39)
GREY: Color = (75, 85, 99)
LINE: Color = (107, 114, 128)
WHITE: Color = (255, 255, 255)
PNG_WIDTH = 1600
GIF_WIDTH = 960
SUPERSAMPLE = 2  # the PNG's map is drawn at twice the size and reduced: smooth coastlines and borders

_BG, _BORDER = 254, 255  # palette indices of the index image besides the countries (0..n-1)


@dataclass(frozen=True)
class MapData:
    """What one picture shows. `statuses` is dashboard.status.select()'s frame for the selection on `view_date`."""

    name: str  # the instrument's short name, or "All binding instruments"
    view_date: date
    version: str
    data_as_of: date
    url: str
    statuses: pd.DataFrame
    coverage: str | None = None


# --- shapes and projection -------------------------------------------------------------------------------------


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """Natural Earth I projection (unit sphere): lon/lat in degrees -> x, y."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


@lru_cache(maxsize=1)
def _features() -> tuple[tuple[str, str, tuple[tuple[tuple[float, float], ...], ...], float], ...]:
    """(iso3, name, projected rings, area) per country of the static file, the largest first (drawn first, so an
    enclave such as Lesotho is drawn over the country around it)."""
    fc = json.loads((ROOT / "static" / "geo" / "world_110m.geojson").read_text())
    out = []
    for f in fc["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        rings = tuple(tuple(natural_earth(x, y) for x, y in ring) for poly in polys for ring in poly[:1])
        out.append((f["properties"]["iso3"], f["properties"].get("name", ""), rings, maps._area(g)))
    out.sort(key=lambda r: -r[3])
    return tuple(out)


@lru_cache(maxsize=1)
def _centroids() -> dict[str, list[float]]:
    """iso3 -> [lon, lat]: the markers' points (static/geo/centroids.json)."""
    return json.loads((ROOT / "static" / "geo" / "centroids.json").read_text())


@lru_cache(maxsize=1)
def _bounds() -> tuple[float, float, float, float]:
    pts = [p for *_, rings, _a in _features() for ring in rings for p in ring]
    # and every centroid (a microstate's dot near the antimeridian lies outside every polygon)
    pts += [natural_earth(lon, lat) for iso, (lon, lat) in _centroids().items() if iso != "ATA"]
    return min(p[0] for p in pts), min(p[1] for p in pts), max(p[0] for p in pts), max(p[1] for p in pts)


def map_height(width: int) -> int:
    x0, y0, x1, y1 = _bounds()
    return round(width * (y1 - y0) / (x1 - x0))


def _to_px(x: float, y: float, width: int) -> tuple[float, float]:
    x0, _, x1, y1 = _bounds()
    s = width / (x1 - x0)
    return (x - x0) * s, (y1 - y) * s


@lru_cache(maxsize=8)
def _shapes(width: int) -> tuple[tuple[str, str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """Every country's rings in pixels of a map `width` wide (origin at the map's top left). Cached: a time-lapse
    projects once, then only recolours."""
    return tuple(
        (iso, name, tuple(tuple(_to_px(x, y, width) for x, y in ring) for ring in rings))
        for iso, name, rings, _ in _features()
    )


@lru_cache(maxsize=8)
def _index_image(width: int, scale: int) -> Image.Image:
    """The map rasterised once: pixel = index of the country in _features() (border and background indices apart).
    Recolouring a view is then a palette change, not a redraw."""
    shapes = _shapes(width)
    assert len(shapes) < _BG
    img = Image.new("P", (width * scale, map_height(width) * scale), _BG)
    draw = ImageDraw.Draw(img)
    for i, (_, _, rings) in enumerate(shapes):
        for ring in rings:
            draw.polygon([(x * scale, y * scale) for x, y in ring], fill=i, outline=_BORDER)
    return img


@lru_cache(maxsize=8)
def _svg_paths(width: int) -> tuple[tuple[str, str], ...]:
    """(iso3, SVG path data) per country for a map `width` wide, largest first."""
    out = []
    for iso, _, rings in _shapes(width):
        d = "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in rings)
        out.append((iso, d))
    return tuple(out)


@lru_cache(maxsize=8)
def _label_points(width: int, clearance: int) -> dict[str, tuple[float, float]]:
    """Where a country's status symbol goes on a map `width` wide: the pixel of its own shape nearest to its
    centroid that lies at least `clearance` px inside it (or as far inside as it allows). A centroid alone can fall
    outside the shape or on a border (Norway's lies on the Swedish border)."""
    arr = np.asarray(_index_image(width, 1))
    cents = _centroids()
    out = {}
    for i, (iso, _, rings) in enumerate(_shapes(width)):
        if iso not in cents:
            continue
        pts = [p for ring in rings for p in ring]  # the shape's box, with a pixel's margin: look only there
        x0, y0 = max(0, int(min(p[0] for p in pts)) - 1), max(0, int(min(p[1] for p in pts)) - 1)
        x1, y1 = int(max(p[0] for p in pts)) + 2, int(max(p[1] for p in pts)) + 2
        own = arr[y0:y1, x0:x1] == i
        if not own.any():
            continue
        inside = Image.fromarray(own.astype(np.uint8) * 255)
        for _ in range(clearance):  # erode: keep the pixels `clearance` px from the shape's edge, while any remain
            thinner = inside.filter(ImageFilter.MinFilter(3))
            if not thinner.getbbox():
                break
            inside = thinner
        ys, xs = np.nonzero(np.asarray(inside))
        cx, cy = _to_px(*natural_earth(*cents[iso]), width)
        k = int(np.argmin((xs + x0 - cx) ** 2 + (ys + y0 - cy) ** 2))
        out[iso] = (float(xs[k] + x0), float(ys[k] + y0))
    return out


def _small() -> dict[str, bool]:
    _, area = maps.shape_index()
    return {iso: a < maps.SMALL_AREA for iso, a in area.items()}


# --- the scene -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: int
    fill: Color = INK
    bold: bool = False
    anchor: str = "start"  # start | end | center (centred on x, and on y rather than the baseline)


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: Color
    stroke: Color | None = LINE


@dataclass(frozen=True)
class Mark:
    """A state's status symbol (config.STATUS_SYMBOLS) at its marker point, in map pixels, in the ink that reads on
    its colour: as on the page's map, a picture never tells a status by colour alone (grey print, colour blindness)."""

    x: float
    y: float
    symbol: str
    ink: Color
    size: int


@dataclass(frozen=True)
class Dot:
    x: float  # in map pixels (origin at the map's top left)
    y: float
    r: float
    fill: Color
    label: str


@dataclass
class Scene:
    width: int
    height: int
    map_x: int
    map_y: int
    map_width: int
    fills: dict[str, Color]  # iso3 -> colour of its shape
    titles: dict[str, str]  # iso3 -> "Norway: Signed · 05 Sep 2024" (the SVG's tooltips)
    dots: list[Dot]
    items: list[Text | Rect] = field(default_factory=list)
    title: str = ""
    marks: list[Mark] = field(default_factory=list)

    def pixel(self, lon: float, lat: float) -> tuple[int, int]:
        """Where (lon, lat) lands in the picture."""
        x, y = _to_px(*natural_earth(lon, lat), self.map_width)
        return round(self.map_x + x), round(self.map_y + y)


def _hex(c: Color) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c)


def _date_label(r) -> str:
    return "" if r.action_date is None or pd.isna(r.action_date) else f" · {date_text(r.action_date, r.date_precision)}"


def compose(data: MapData, width: int = PNG_WIDTH, big_date: bool = False) -> Scene:
    """Lay one view out: header, map, legend, notes and source, `width` px wide. `big_date`: the view date large at
    the header's right (a time-lapse frame)."""
    pad = round(width / 40)
    inner = width - 2 * pad
    k = width / PNG_WIDTH
    s_title, s_sub, s_legend, s_note, s_date = (max(12, round(v * k)) for v in (38, 24, 22, 19, 64))
    items: list[Text | Rect] = []
    y = pad
    date_w = _width(f"{data.view_date:%d %b %Y}", s_date) + pad if big_date else 0
    title = f"{data.name}: World map of participation"
    for line in wrap(title, s_title, inner - date_w):
        y += round(s_title * 1.2)
        items.append(Text(pad, y, line, s_title, bold=True))
    y += round(s_sub * 1.4)
    items.append(Text(pad, y, f"Status on {data.view_date:%d %B %Y} · dataset {data.version}", s_sub, GREY))
    if big_date:
        items.append(Text(width - pad, y, f"{data.view_date:%d %b %Y}", s_date, INK, bold=True, anchor="end"))
    y += round(s_sub * 0.8)

    st = data.statuses
    states = st[st["kind"] != "organisation"]
    small = _small()
    s_mark = max(9, round(16 * k))
    fills, titles, dots, marks = {}, {}, [], []
    for r in states.itertuples():
        colour = STATUS_COLORS.get(r.status, STATUS_COLORS["none"])
        label = f"{r.name}: {r.status_label}{_date_label(r)}"
        fills[r.participant_id] = colour
        titles[r.participant_id] = label
        if pd.isna(r.lon) or pd.isna(r.lat):
            continue
        symbol = STATUS_SYMBOLS.get(r.status, "")
        dot = small.get(r.participant_id, True)
        if not (dot or symbol):
            continue
        x, yy = _to_px(*natural_earth(float(r.lon), float(r.lat)), inner)
        if not dot:
            x, yy = _label_points(inner, round(0.5 * s_mark)).get(r.participant_id, (x, yy))
        # a dot with a record holds its symbol; one with none is a small grey dot
        rad = (max(7.5 * k, 0.62 * s_mark) if symbol else 3.75 * k) if dot else 0.62 * s_mark
        # kept inside the map (Tuvalu, east of every polygon, would be cut at the edge)
        x, yy = min(max(x, rad + 1), inner - rad - 1), min(max(yy, rad + 1), map_height(inner) - rad - 1)
        if dot:
            dots.append(Dot(x, yy, rad, colour, label))
        if symbol:
            marks.append(Mark(x, yy, symbol, ink_on(colour), s_mark))
    map_y = y
    y += map_height(inner) + round(s_legend * 0.6)

    # Legend: swatch, label (count), flowing onto as many rows as needed; then the dot's meaning.
    sw = round(s_legend * 1.0)
    x = pad
    legend = maps.legend(st)
    entries = [
        (f"{r.status} ({r.count})", tuple(int(r.colour[i : i + 2], 16) for i in (1, 3, 5)), r.symbol)
        for r in legend.itertuples()
    ]
    y += round(s_legend * 1.3)
    for text, colour, symbol in entries:
        w = sw + 8 + _width(text, s_legend) + 26
        if x > pad and x + w > width - pad:
            x, y = pad, y + round(s_legend * 1.6)
        items.append(Rect(x, y - sw + 2, sw, sw, colour))
        if symbol:  # the swatch carries the symbol the map's states carry
            items.append(Text(x + sw / 2, y - sw / 2 + 2, symbol, round(sw * 0.8), ink_on(colour), anchor="center"))
        items.append(Text(x + sw + 8, y, text, s_legend))
        x += w
    notes = ["The letter or mark on each state repeats its status (see the legend)."] if marks else []
    notes.append("States too small to draw at this scale are dots.")
    orgs = st[(st["kind"] == "organisation") & (st["status"] != "none")]
    if len(orgs):
        notes.append(
            "Organisations (not drawn on the map): "
            + "; ".join(f"{r.name}: {r.status_label}{_date_label(r)}" for r in orgs.itertuples())
            + "."
        )
    if data.coverage:
        notes.append(f"Named list: {data.coverage.rstrip('.')}.")
    y += round(s_note * 0.6)
    for note in notes:
        for line in wrap(note, s_note, inner):
            y += round(s_note * 1.35)
            items.append(Text(pad, y, line, s_note, GREY))
    source = f"Source: {ATLAS_NAME}, dataset {data.version}, data as of {data.data_as_of:%d %B %Y}; {data.url}"
    y += round(s_note * 0.5)
    for line in wrap(source, s_note, inner):
        y += round(s_note * 1.35)
        items.append(Text(pad, y, line, s_note, INK))
    return Scene(width, y + pad, pad, map_y, inner, fills, titles, dots, items, title, marks)
