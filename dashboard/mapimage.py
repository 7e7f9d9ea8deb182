"""One map view as a picture: SVG (our own XML text), PNG and an animated GIF time-lapse (Pillow). No Streamlit.

Why our own renderer: pydeck cannot export, and server-side browsers (Chromium, Kaleido with Chrome) or system
cairo are not there on a fresh machine or on Streamlit Community Cloud. Pillow is (Streamlit itself requires it).

- One layout for every format (`compose` -> `Scene`): title, view date, map, legend with counts (maps.legend: the
  same classes and counts as the page), organisations, the named-list line, the source line. The SVG and PNG
  renderers draw the same scene, so they say the same thing.
- The country shapes are the app's own (static/geo/world_110m.geojson) in the Natural Earth I projection
  (Šavrič et al. 2011, polynomial form). They are projected once per map width (`_shapes`), and rasterised once per
  width into an index image (one palette index per country, `_index_image`): a PNG or a GIF frame only sets the
  palette (recolours) and pastes. Microstates are dots, as in the deck.
- The GIF goes through Pillow's own GIF writer with one fixed palette for every frame (status colours and grey
  ramps for the anti-aliased text: no per-frame colour search, no dithering noise). Not imageio: its GIF plugin
  writes through Pillow anyway, so it would add a dependency and no capability.
- Every value from the data is text: XML-escaped in the SVG (and stripped of characters XML 1.0 forbids), drawn as
  glyphs in the PNG, in DejaVu Sans (shipped in dashboard/assets/fonts: "Côte d'Ivoire", ✓ and ✕ as on the page).
- Status is never told by colour alone: every state with a record carries its status symbol, and so does its
  legend swatch (mapscene.Mark; the same symbols as the page's markers).
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw

from dashboard.config import STATUS_COLORS
from dashboard.mapscene import (
    _BG,
    _BORDER,
    GIF_WIDTH,
    GREY,
    INK,
    LINE,
    PNG_WIDTH,
    SUPERSAMPLE,
    WHITE,
    MapData,
    Rect,
    Scene,
    _hex,
    _index_image,
    _shapes,
    _svg_paths,
    compose,
)
from dashboard.maptext import FONT_FAMILY, drawable, font, xml_text

# --- SVG -------------------------------------------------------------------------------------------------------


def svg(data: MapData, width: int = PNG_WIDTH) -> str:
    """The view as a standalone SVG document (text elements for every word; data XML-escaped)."""
    sc = compose(data, width)
    none = _hex(STATUS_COLORS["none"])
    fam = f'font-family="{FONT_FAMILY}"'
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="{sc.width}" '
        f'height="{sc.height}" viewBox="0 0 {sc.width} {sc.height}" role="img">',
        f"<title>{xml_text(sc.title)}</title>",
        f'<rect width="{sc.width}" height="{sc.height}" fill="#ffffff"/>',
        f'<g transform="translate({sc.map_x},{sc.map_y})" stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">',
    ]
    for iso, d in _svg_paths(sc.map_width):
        fill = _hex(sc.fills[iso]) if iso in sc.fills else none
        tip = f"<title>{xml_text(sc.titles[iso])}</title>" if iso in sc.titles else ""
        out.append(f'<path d="{d}" fill="{fill}">{tip}</path>')
    for dot in sc.dots:
        out.append(
            f'<circle cx="{dot.x:.1f}" cy="{dot.y:.1f}" r="{dot.r:.1f}" fill="{_hex(dot.fill)}" '
            f'stroke="#111827" stroke-width="1"><title>{xml_text(dot.label)}</title></circle>'
        )
    if sc.marks:  # the symbols repeat what each shape's title says: hidden from screen readers
        out.append(f'<g {fam} text-anchor="middle" dominant-baseline="central" stroke="none" aria-hidden="true">')
        out += [
            f'<text x="{m.x:.1f}" y="{m.y:.1f}" font-size="{m.size}" fill="{_hex(m.ink)}">{xml_text(m.symbol)}</text>'
            for m in sc.marks
        ]
        out.append("</g>")
    out.append("</g>")
    for it in sc.items:
        if isinstance(it, Rect):
            stroke = f' stroke="{_hex(it.stroke)}" stroke-width="0.8"' if it.stroke else ""
            out.append(
                f'<rect x="{it.x:.0f}" y="{it.y:.0f}" width="{it.w:.0f}" height="{it.h:.0f}" '
                f'fill="{_hex(it.fill)}"{stroke}/>'
            )
        else:
            weight = ' font-weight="bold"' if it.bold else ""
            anchor = (
                ' text-anchor="middle" dominant-baseline="central"'
                if it.anchor == "center"
                else (f' text-anchor="{it.anchor}"')
            )
            out.append(
                f'<text x="{it.x:.0f}" y="{it.y:.0f}" {fam} font-size="{it.size}" fill="{_hex(it.fill)}"'
                f"{anchor}{weight}>{xml_text(it.text)}</text>"
            )
    out.append("</svg>\n")
    return "\n".join(out)


# --- raster ----------------------------------------------------------------------------------------------------


def _map_layer(sc: Scene, scale: int) -> Image.Image:
    """The map of the scene, recoloured from the cached index image, dots on top; at `scale` x its size."""
    idx = _index_image(sc.map_width, scale)
    none = STATUS_COLORS["none"]
    pal = [none] * 256
    for i, (iso, _, _) in enumerate(_shapes(sc.map_width)):
        pal[i] = sc.fills.get(iso, none)
    pal[_BG], pal[_BORDER] = WHITE, WHITE
    img = idx.copy()
    img.putpalette([c for rgb in pal for c in rgb])
    img = img.convert("RGB")
    draw = ImageDraw.Draw(img)
    for d in sc.dots:
        x, y, r = d.x * scale, d.y * scale, d.r * scale
        draw.ellipse((x - r, y - r, x + r, y + r), fill=d.fill, outline=INK, width=scale)
    for m in sc.marks:
        glyph, (dx, dy) = _glyph(m.symbol, m.size * scale)
        img.paste(m.ink, (round(m.x * scale) + dx, round(m.y * scale) + dy), glyph)
    return img.reduce(scale) if scale > 1 else img


@lru_cache(maxsize=64)
def _glyph(symbol: str, size: int) -> tuple[Image.Image, tuple[int, int]]:
    """A status symbol's anti-aliased mask at `size` px and its offset from the point it is centred on: drawn once,
    then pasted (a time-lapse frame has up to ~190 of them)."""
    f = font(size)
    x0, y0, x1, y1 = f.getbbox(symbol, anchor="mm")
    mask = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(mask).text((-x0, -y0), symbol, font=f, fill=255, anchor="mm")
    return mask, (x0, y0)


def raster(sc: Scene, scale: int = SUPERSAMPLE) -> Image.Image:
    img = Image.new("RGB", (sc.width, sc.height), WHITE)
    img.paste(_map_layer(sc, scale), (sc.map_x, sc.map_y))
    draw = ImageDraw.Draw(img)
    for it in sc.items:
        if isinstance(it, Rect):
            draw.rectangle((it.x, it.y, it.x + it.w, it.y + it.h), fill=it.fill, outline=it.stroke)
        else:
            draw.text(
                (it.x, it.y),
                drawable(it.text),
                font=font(it.size),
                fill=it.fill,
                anchor={"end": "rs", "center": "mm"}.get(it.anchor, "ls"),
                stroke_width=1 if it.bold and it.size >= 24 else 0,
                stroke_fill=it.fill,
            )
    return img


def png(data: MapData, width: int = PNG_WIDTH) -> bytes:
    """The view as a PNG `width` px wide."""
    buf = io.BytesIO()
    raster(compose(data, width)).save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def _gif_palette() -> Image.Image:
    """A fixed palette for every frame: the status colours, white, and a ramp from ink to white for the
    anti-aliased text (no per-frame quantisation search, no dithering noise)."""
    cols = [WHITE, INK, GREY, LINE, *STATUS_COLORS.values()]
    for i in range(1, 24):
        t = i / 24
        cols.append(tuple(round(a + (255 - a) * t) for a in INK))
        cols.append(tuple(round(a + (255 - a) * t) for a in GREY))
    for c in STATUS_COLORS.values():  # a swatch or dot edge against white / ink
        cols.append(tuple(round((a + 255) / 2) for a in c))
        cols.append(tuple(round((a + b) / 2) for a, b in zip(c, INK, strict=True)))
    cols = list(dict.fromkeys(cols))[:256]
    pal = Image.new("P", (1, 1))
    pal.putpalette([v for c in cols for v in c] + [0] * 3 * (256 - len(cols)))
    return pal


def gif(frames: list[MapData], width: int = GIF_WIDTH, ms: int = 700, hold_ms: int = 2500) -> bytes:
    """A time-lapse: one frame per MapData (oldest first), each with title, date (large), legend and source; the
    last frame held. Every frame is laid out at the height of the tallest, so nothing jumps."""
    scenes = [compose(f, width, big_date=True) for f in frames]
    height = max(s.height for s in scenes)
    pal = _gif_palette()
    images = []
    for sc in scenes:
        sc.height = height
        images.append(raster(sc, scale=1).quantize(palette=pal, dither=Image.Dither.NONE))
    buf = io.BytesIO()
    durations = [ms] * (len(images) - 1) + [hold_ms]
    images[0].save(
        buf, "GIF", save_all=True, append_images=images[1:], duration=durations, loop=0, optimize=False, disposal=1
    )
    return buf.getvalue()
