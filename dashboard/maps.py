"""Statuses in -> pydeck Deck out. No Streamlit calls.

Offline and light by design (see shared research tech notes):
- country shapes are fetched once by URL from static serving (static/geo/world_110m.geojson), never sent inside the
  deck spec; each rerun sends only a colour expression (one palette index per shape) and the markers;
- the basemap is a blank local MapLibre style (static/map_style.json), so nothing is fetched from a tile or style CDN;
- every participant with a record gets a marker at its centroid, and microstates get a larger one, because many have
  no polygon at 110m; the markers carry the tooltip (name, status, date);
- the JSON is compact: pydeck's pretty-printing multiplies the payload;
- every marker with a record carries its status symbol (config.STATUS_SYMBOLS, a deck.gl TextLayer whose glyphs are
  drawn from the browser's own fonts into a canvas: nothing is fetched), so colour is never the only channel.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pydeck as pdk

from dashboard.config import ROOT, STATUS_COLORS, STATUS_LABELS, STATUS_ORDER, STATUS_SYMBOLS
from dashboard.fmt import date_text
from dashboard.palette import ink_on

STATIC_URL = "app/static"
GEO_URL = f"{STATIC_URL}/geo/world_110m.geojson"
STYLE_URL = f"{STATIC_URL}/map_style.json"
# Below this polygon area (square degrees at 110m) a country is hard to see or click: it gets a large marker.
SMALL_AREA = 1.5
# The first view. At zoom z the world is 512 * 2**z px wide: 0.9 fills a desktop column (~930 px), and on a phone
# (a ~356 px wide map) it showed only ~150 degrees of longitude. -0.6 draws the world 338 px wide, the whole of it.
# deck.gl's map controller never lets the world be shorter than the map (a taller map is zoomed in again until the
# world fills its height), and the land runs from 83 N to 56 S: a 250 px map centred on 40 N shows 85 N to 61 S.
DESKTOP_VIEW = {"latitude": 25, "longitude": 12, "zoom": 0.9, "min_zoom": 0.3}
PHONE_VIEW = {"latitude": 40, "longitude": 5, "zoom": -0.6, "min_zoom": -0.6}
PHONE_MAP_HEIGHT = 250
# A phone's tooltip sits at the foot of the map, centred (deck.gl's own transform, which puts it at the finger, is
# set aside): at the finger it ran off the map's edge for eastern markers, and a finger covers what is under it.
PHONE_TOOLTIP = {"transform": "none", "left": "50%", "top": "auto", "bottom": "6px", "translate": "-50% 0"}
# A phone's legend wraps into rows this wide (px): narrower than a 390 px screen's map column, at full text size.
PHONE_LEGEND_WIDTH = 330
# A presentation's legend wraps into rows this wide, then is drawn 1.25x (dashboard/assets/present.css): its 15 px
# text reads at 18.75 px and the rows still fit a 1280 px projector's column.
PRESENT_LEGEND_WIDTH = 940
# Marker radius in screen pixels at every zoom: a marker with a record holds its symbol (SYMBOL_PX high);
# microstates with no record keep a small grey dot.
MARKER_PX, BARE_PX, SYMBOL_PX = 10, 6, 13
SYMBOL_FONT = "DejaVu Sans, Arial, sans-serif"


class CompactDeck(pdk.Deck):
    """A Deck whose JSON has no indentation (Streamlit sends `to_json()` as is), computed once per deck."""

    def to_json(self) -> str:
        cached = self.__dict__.get("_atlas_json")
        if cached is None:
            cached = json.dumps(json.loads(super().to_json()), separators=(",", ":"))
            self.__dict__["_atlas_json"] = cached
        return cached


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
        total += abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))) / 2
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


def _date_label(d, prec) -> str:
    return "" if d is None or pd.isna(d) else f" · {date_text(d, prec)}"


def markers(statuses: pd.DataFrame) -> list[dict]:
    """One marker per state with a record, plus every microstate; tooltip fields are plain text."""
    return _markers(statuses)[0]


def _markers(statuses: pd.DataFrame) -> tuple[list[dict], list[str]]:
    """The markers and, in the same order, their status classes."""
    _, area = shape_index()
    df = statuses[statuses["lon"].notna() & statuses["lat"].notna()]
    small = df["participant_id"].map(area).fillna(0.0) < SMALL_AREA
    df = df[(df["status"] != "none") | small]
    # Grey no-record dots first: deck.gl draws (and picks) later data on top, so a dot never hides a record's marker.
    df = df.iloc[np.argsort((df["status"] != "none").to_numpy(), kind="stable")]
    n = df["n_instruments"] if "n_instruments" in df.columns else pd.Series(0, index=df.index)
    base = df["status_label"] if "status_label" in df.columns else df["status"].map(STATUS_LABELS)
    labels = (
        base
        + [f" ({k} instruments)" if k > 1 else "" for k in n]
        + [
            " · UNVERIFIED" if s != "none" and not bool(v) else ""
            for s, v in zip(df["status"], df["verified"], strict=True)
        ]
    )
    dates = [_date_label(d, p) for d, p in zip(df["action_date"], df["date_precision"], strict=True)]
    out = [
        # One-letter keys: the markers are most of a rerun's bytes (every state with a record, each rerun), and a
        # long key is repeated ~200 times. n: name, s: status, d: date, p: position, k: the status's place in
        # STATUS_ORDER (marker_colour turns it into the colour: 5 bytes a marker instead of an RGB triple's 18),
        # r: radius, sent only for a no-record dot (a record's marker is MARKER_PX: see get_radius).
        {
            "id": pid,
            "n": name,
            "s": lab,
            "d": dl,
            "p": [round(float(x), 2), round(float(y), 2)],
            "k": STATUS_ORDER.index(st),
        }
        | ({} if st != "none" else {"r": BARE_PX})
        for pid, name, lab, dl, x, y, st in zip(
            df["participant_id"], df["name"], labels, dates, df["lon"], df["lat"], df["status"], strict=True
        )
    ]
    return out, list(df["status"])


def marker_colour(classes: list[str]) -> str:
    """The markers' fill: a deck.gl expression from each marker's status key `k` to its colour (RGB, opaque), one
    test per status class on the map."""
    present = [st for st in STATUS_ORDER if st in set(classes)]
    if not present:
        return json.dumps(list(STATUS_COLORS["none"]))
    expr = json.dumps(list(STATUS_COLORS[present[-1]]), separators=(",", ":"))
    for st in reversed(present[:-1]):
        expr = f"k=={STATUS_ORDER.index(st)}?{json.dumps(list(STATUS_COLORS[st]), separators=(',', ':'))}:{expr}"
    return expr


def symbols(dots: list[dict], classes: list[str]) -> dict[str, list[list[float]]]:
    """The positions of the markers with a record, per status class that has a symbol: {status: [[lon, lat], …]}.
    One TextLayer per class (a constant symbol and ink), so each symbol costs only its position in a rerun."""
    out: dict[str, list[list[float]]] = {}
    for m, st in zip(dots, classes, strict=True):
        if STATUS_SYMBOLS.get(st):
            out.setdefault(st, []).append(m["p"])
    return out


def symbol_layer(status: str, positions: list[list[float]]) -> pdk.Layer:
    """The symbol of `status` on each of `positions`, in the ink that reads on its colour. Its glyphs are drawn by
    deck.gl from the browser's own fonts into a canvas (the atlas holds just this symbol): nothing is fetched."""
    # Quoted strings: pydeck sends a bare string as an accessor expression, a quoted one as the string itself;
    # "-" is deck.gl's accessor for the datum itself (here the position), "@@='S'" one that returns "S".
    return pdk.Layer(
        "TextLayer",
        id=f"symbol-{status}",
        data=positions,
        get_position="-",
        get_text=f"\"@@='{STATUS_SYMBOLS[status]}'\"",  # an accessor (getText must be one) returning the symbol
        get_size=SYMBOL_PX,  # in pixels, TextLayer's default unit
        get_color=[*ink_on(STATUS_COLORS[status]), 255],
        font_family=f'"{SYMBOL_FONT}"',
        font_weight='"bold"',
        character_set=f'"{STATUS_SYMBOLS[status]}"',
        pickable=False,
    )


def initial_view(phone: bool = False) -> pdk.ViewState:
    """Where the map opens: the whole world on a phone, the world from Alaska to Japan in a desktop column."""
    return pdk.ViewState(**(PHONE_VIEW if phone else DESKTOP_VIEW), max_zoom=7)


def world_map(statuses: pd.DataFrame, phone: bool = False) -> CompactDeck:
    """The participation map for one selection (statuses from dashboard.status.select); `phone`: a narrow screen.

    Its colours read on either theme: the basemap style's background is a translucent tint (static/map_style.json),
    so the page's own background (light or dark) shows through as the sea."""
    states = statuses[statuses["kind"] != "organisation"]
    dots_data, classes = _markers(states)
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
        data=dots_data,
        get_position="p",
        get_fill_color=marker_colour(classes),
        get_radius=f"r||{MARKER_PX}",
        # Quoted: unquoted, pydeck sent the accessor expression "@@=pixels", which deck.gl does not read as a unit,
        # so radii were in common units (x1.9 at the initial zoom, x128 at the deepest) and outgrew their symbols.
        radius_units='"pixels"',
        stroked=True,
        get_line_color=[17, 24, 39, 255],
        line_width_min_pixels=1,
        pickable=True,
        auto_highlight=True,
    )
    marks = [symbol_layer(st, pos) for st, pos in symbols(dots_data, classes).items()]
    return CompactDeck(
        layers=[countries, dots, *marks],
        initial_view_state=initial_view(phone),
        map_provider=None,
        map_style=STYLE_URL,
        # Plain text only (no HTML): values from the data can never become markup here.
        tooltip={"text": "{n}\n{s}{d}", **({"style": PHONE_TOOLTIP} if phone else {})},
    )


def legend(statuses: pd.DataFrame) -> pd.DataFrame:
    """Counts per status class, in legend order (only the classes present, plus 'No record', which reads as the
    statuses say it: "Not named (list partial)" where the named list is partial)."""
    states = statuses[statuses["kind"] != "organisation"]
    counts = states["status"].value_counts()
    none = states.loc[states["status"] == "none", "status_label"]
    labels = STATUS_LABELS | ({"none": none.iloc[0]} if len(none) and "status_label" in states.columns else {})
    rows = [
        {
            "status": labels[s],
            "count": int(counts.get(s, 0)),
            "colour": "#{:02x}{:02x}{:02x}".format(*STATUS_COLORS[s]),
            "symbol": STATUS_SYMBOLS[s],
            "ink": "#{:02x}{:02x}{:02x}".format(*ink_on(STATUS_COLORS[s])),
        }
        for s in STATUS_ORDER
        if counts.get(s, 0) or s == "none"
    ]
    return pd.DataFrame(rows)


LEGEND_FONT = 'font-family="sans-serif" font-size="15" fill="#111827"'
LEGEND_PAD = 8


def _wrap(text: str, width: int) -> list[str]:
    """Words of `text` in lines of at most `width` characters (a word longer than that keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def legend_svg(legend_df: pd.DataFrame, note: str | None = None, max_width: int | None = None) -> str:
    """The map's legend as a small SVG (our own labels and counts only): swatch with the markers' symbol, label,
    number of states.

    Drawn without Plotly on purpose: the map page then loads no Plotly bundle, which on a 2-core machine competes
    with deck.gl for the first paint. It sits on its own white card, so its dark text reads on a dark page too.
    `max_width` (px, the card included): the entries wrap into rows, and the note into lines (a phone's legend).
    """
    from xml.sax.saxutils import escape

    p = LEGEND_PAD
    inner = max_width - 2 * p if max_width else None
    items, x, y, widest = [], 0, 0, 0
    for r in legend_df.itertuples():
        label = escape(f"{r.status} ({r.count})")
        w = 24 + int(8.2 * len(label))
        if inner and x and x + w > inner:  # the next row
            x, y = 0, y + 28
        items.append(
            f'<rect x="{x}" y="{y + 6}" width="18" height="18" fill="{r.colour}" stroke="#6B7280" stroke-width="0.6"/>'
            + (
                f'<text x="{x + 9}" y="{y + 20}" text-anchor="middle" font-family="sans-serif" font-size="13" '
                f'font-weight="bold" fill="{r.ink}">{escape(r.symbol)}</text>'
                if getattr(r, "symbol", "")
                else ""
            )
            + f'<text x="{x + 24}" y="{y + 20}" {LEGEND_FONT}>{label}</text>'
        )
        widest = max(widest, x + w)
        x += w + 22
    height = y + 30
    if note:  # more lines: how complete the named list is ("12 of about 58 signatories named (list partial)")
        lines = _wrap(note, int((inner - 10) / 8.2)) if inner else [note]
        for line in lines:
            items.append(f'<text x="0" y="{height + 18}" {LEGEND_FONT}>{escape(line)}</text>')
            widest, height = max(widest, int(8.2 * len(line)) + 10), height + 26
    w, h = widest + 2 * p, height + 2 * p
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img">'
        f'<rect width="{w}" height="{h}" rx="6" fill="#FFFFFF"/><g transform="translate({p},{p})">'
        + "".join(items)
        + "</g></svg>"
    )
