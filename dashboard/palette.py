"""Colour arithmetic the maps and charts share: which ink (near-black or white) reads best on a fill."""

from __future__ import annotations

INK = (17, 24, 39)  # the app's text colour (#111827)
WHITE = (255, 255, 255)


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0..255 per channel)."""

    def lin(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2 contrast ratio of two colours (1..21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(fill: tuple[int, int, int]) -> tuple[int, int, int]:
    """INK or WHITE, whichever contrasts more with `fill` (a symbol drawn on a marker, a swatch or a cell)."""
    return INK if contrast(INK, fill) >= contrast(WHITE, fill) else WHITE


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """ "#0072B2" -> (0, 114, 178)."""
    h = colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
