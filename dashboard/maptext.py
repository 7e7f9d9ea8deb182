"""The words of a map picture: the raster font, what it can draw, text widths and line wrapping, and data as XML
text for the SVG. No Streamlit (dashboard/mapscene.py lays the picture out, dashboard/mapimage.py draws it)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw, ImageFont

from dashboard.config import ROOT

# The raster formats' font: DejaVu Sans, shipped with the app (dashboard/assets/fonts, Bitstream Vera licence), so a
# picture made on any server (Community Cloud has no system fonts to rely on) writes "Côte d'Ivoire" and the status
# symbols ✓ ✕ as the page does. Pillow's bundled font (Aileron) is the fallback: it has neither.
FONT_FILE = ROOT / "dashboard" / "assets" / "fonts" / "DejaVuSans.ttf"
FONT_FAMILY = "'DejaVu Sans', 'Helvetica Neue', Arial, sans-serif"  # the SVG's, for the viewer's fonts
_BAD_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@lru_cache(maxsize=32)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans at `size` px (FONT_FILE); without that file, Pillow's bundled font (Pillow >= 10.1 with
    FreeType, as in Pillow's wheels; else its fixed bitmap font)."""
    try:
        return ImageFont.truetype(str(FONT_FILE), size)
    except OSError:
        return ImageFont.load_default(size=size)


@lru_cache(maxsize=4096)
def _has_glyph(ch: str, size: int = 20) -> bool:
    f = font(size)

    def mask(c: str) -> bytes:
        im = Image.new("L", (2 * size, 2 * size))
        ImageDraw.Draw(im).text((2, 2), c, font=f, fill=255)
        return im.tobytes()

    return ch.isspace() or mask(ch) != mask("\U0010fff0")


def drawable(text: str) -> str:
    """`text` in glyphs the raster font has: a letter it lacks loses its accent if that gives one it has, dashes and
    quotes are simplified, anything else missing -> '?'. For the raster formats only."""
    text = text.replace("—", "-").replace("–", "-").replace("‘", "'").replace("’", "'")
    out = []
    for ch in text:
        if _has_glyph(ch):
            out.append(ch)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(base if base and all(_has_glyph(c) for c in base) else "?")
    return "".join(out)


def xml_text(text: object) -> str:
    """Data as XML character data: escaped, and without the control characters XML 1.0 does not allow."""
    return escape(_BAD_XML.sub("\ufffd", str(text)))


def xml_attr(text: object) -> str:
    return quoteattr(_BAD_XML.sub("\ufffd", str(text)))


@lru_cache(maxsize=8192)
def _width(text: str, size: int) -> float:
    return font(size).getlength(drawable(text))


@lru_cache(maxsize=1024)
def wrap(text: str, size: int, width: float) -> tuple[str, ...]:
    """Lines of `text` no wider than `width` at `size` px (a word longer than a line, e.g. a URL, is cut).
    Cached: the frames of a time-lapse repeat most of their lines."""
    lines, cur = [], ""
    for word in text.split(" "):
        cand = f"{cur} {word}" if cur else word
        if _width(cand, size) <= width:
            cur = cand
            continue
        if cur:
            lines.append(cur)
        cur = word
        while _width(cur, size) > width and len(cur) > 1:  # cut an over-long word
            n = len(cur)
            while n > 1 and _width(cur[:n], size) > width:
                n -= 1
            lines.append(cur[:n])
            cur = cur[n:]
    if cur:
        lines.append(cur)
    return tuple(lines) or ("",)
