"""Dark mode and a phone in real headless Chromium (issue 12, items 7 and 8), on the fixture release, offline.

* `color_scheme="dark"`: the page is dark, the map legend's text keeps >= 4.5:1 against what is behind it, the
  map's sea is dark, every chart text reads against its chart's own light card; with light, all of it is light;
  the ⋮ menu switches the theme.
* A 390x844 phone (is_mobile, has_touch, a phone's user agent): the map shows the Americas and Asia at once, the
  legend wraps inside the screen at full size, the page says "Tap", a tap on a marker shows its tooltip (and stays
  on the map), a tap on a country opens its profile.

Screenshots go to ATLAS_SHOTS (/tmp/atlas-shots by default): theme-dark-map, theme-light-map, theme-dark-charts,
theme-light-charts, phone-legend, phone-map, phone-tap.
"""

from __future__ import annotations

import json
import math
import shutil
import warnings
import xml.etree.ElementTree as ET

import pytest

from tests.browser_utils import ROOT, new_context, shot, wait_idle, wait_ready
from tests.test_browser import NONE_GREY, SIGNED, colour_counts, wait_page_charts, wait_url

playwright_sync = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("Debian chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)

pytestmark = [pytest.mark.system, pytest.mark.browser]

SVG = "{http://www.w3.org/2000/svg}"
PHONE_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile "
    "Safari/537.36"
)
PHONE = dict(
    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, user_agent=PHONE_UA, device_scale_factor=1
)
MAP = "/World_map?instrument=cets-225"
CANVAS = '[data-testid="stDeckGlJsonChart"] canvas'
TIP_SHOWN = (
    "() => { const t = document.querySelector('.deck-tooltip'); return t && getComputedStyle(t).display !== 'none'; }"
)


# ------------------------------------------------------------------------------------------------------- helpers


def rgb(css: str) -> tuple[int, int, int]:
    """'rgb(17, 24, 39)' or '#111827' -> (17, 24, 39)."""
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def luminance(c: tuple[int, int, int]) -> float:
    lin = [(v / 255) / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4 for v in c]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a, b) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def app_background(page) -> tuple[int, int, int]:
    return rgb(
        page.evaluate("() => getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
    )


def legend_svg(page) -> tuple[str, dict]:
    """The legend picture's SVG text (fetched from its own src, as the browser drew it) and its box on screen."""
    img = page.locator('[data-testid="stImage"] img').first
    img.wait_for(state="visible")
    page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=\"stImage\"] img');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    svg = page.evaluate("async () => (await fetch(document.querySelector('[data-testid=\"stImage\"] img').src)).text()")
    box = img.bounding_box() | page.evaluate(
        "() => { const i = document.querySelector('[data-testid=\"stImage\"] img'); return {natural: i.naturalWidth}; }"
    )
    return svg, box


def legend_contrasts(svg: str, page_bg: tuple[int, int, int]) -> list[tuple[str, float]]:
    """(text, contrast against what is behind it) for every text of the legend: its own card where it draws one
    over its whole box, else the page."""
    root = ET.fromstring(svg)
    w, h = float(root.get("width")), float(root.get("height"))
    behind = page_bg
    card = root.find(f"{SVG}rect")
    if (
        card is not None
        and card.get("x", "0") == "0"
        and card.get("y", "0") == "0"
        and float(card.get("width", 0)) >= w
        and float(card.get("height", 0)) >= h
    ):
        behind = rgb(card.get("fill"))
    return [("".join(t.itertext()), contrast(rgb(t.get("fill", "#000000")), behind)) for t in root.iter(f"{SVG}text")]


def wait_map_drawn(page, want: dict[str, tuple[int, int, int]], name: str, least: int = 2000):
    """Poll the canvas until the country shapes have arrived (`want` colours counted); returns (png, counts)."""
    canvas = page.locator(CANVAS).first
    canvas.wait_for(state="visible", timeout=120_000)
    counts, png = {}, None
    for _ in range(60):
        page.wait_for_timeout(1500)
        png = shot(page, name, canvas)
        counts = colour_counts(png, want, tol=16)
        if all(counts[k] > least for k in want):
            break
    return png, counts


def project(lon: float, lat: float, width: float, height: float, view: dict) -> tuple[float, float]:
    """Web Mercator, as deck.gl draws the initial view: screen position inside the canvas."""
    scale = 512 * 2 ** view["zoom"]

    def merc(lo, la):
        return (
            (lo + 180) / 360 * scale,
            (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * scale,
        )

    cx, cy = merc(view["longitude"], view["latitude"])
    x, y = merc(lon, lat)
    return width / 2 + x - cx, height / 2 + y - cy


def slowed_tap(page, x: float, y: float) -> None:
    """A tap that deck.gl counts as a click: it does so only if pointerdown -> pointerup take < 250 ms of Date.now(),
    and with software WebGL the pick on pointerdown alone takes longer here. The page's clock runs 10x slower for
    one tap (as tests/test_browser.py does for a mouse click)."""
    page.evaluate("""() => { const real = Date.now.bind(Date), t0 = real(); window.__atlasRealNow = real;
                             Date.now = () => t0 + (real() - t0) / 10; }""")
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(1500)
    page.evaluate("() => { if (window.__atlasRealNow) Date.now = window.__atlasRealNow; }")


# --------------------------------------------------------------------------------------------------------- themes


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_page_follows_the_colour_scheme_and_the_legend_stays_readable(browser, atlas, scheme):
    ctx, net = new_context(browser, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(atlas.url + MAP, wait_until="domcontentloaded")
    wait_ready(page)
    bg = app_background(page)
    if scheme == "dark":
        assert luminance(bg) < 0.05, f"the page is not dark with prefers-color-scheme: dark: stApp background {bg}"
    else:
        assert luminance(bg) > 0.9, f"the page is not light with prefers-color-scheme: light: {bg}"
    svg, _ = legend_svg(page)
    worst = min(legend_contrasts(svg, bg), key=lambda t: t[1])
    assert worst[1] >= 4.5, f"legend text {worst[0]!r} has contrast {worst[1]:.2f}:1 against what is behind it"
    # The map's sea is the page's own colour (the basemap style is a translucent tint): dark on dark, light on light.
    png, counts = wait_map_drawn(page, {"signed": SIGNED, "none": NONE_GREY}, f"theme-{scheme}-canvas")
    assert counts["signed"] > 2000 and counts["none"] > 2000, f"map shapes not drawn: {counts} ({png})"
    from PIL import Image

    im = Image.open(png).convert("RGB")
    box = page.locator(CANVAS).first.bounding_box()
    sx, sy = project(-35.0, 30.0, box["width"], box["height"], {"longitude": 12, "latitude": 25, "zoom": 0.9})
    sea = im.getpixel((int(sx), int(sy)))  # mid-Atlantic
    if scheme == "dark":
        assert luminance(sea) < 0.05, f"the map's sea is bright on the dark page: {sea} ({png})"
    else:
        assert luminance(sea) > 0.8, f"the map's sea is dark on the light page: {sea} ({png})"
    shot(page, f"theme-{scheme}-map")
    assert net.foreign == [], f"blocked non-local requests: {net.blocked}"
    ctx.close()


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_charts_text_reads_on_either_theme(browser, atlas, scheme):
    """Every chart text (titles, ticks, axis titles, legend, the source line) against what is behind it: the
    chart's own paper where it paints one, else the page."""
    ctx, _ = new_context(browser, color_scheme=scheme)
    page = ctx.new_page()
    page.goto(atlas.url + "/Binding_vs_voluntary", wait_until="domcontentloaded")
    wait_ready(page)
    wait_page_charts(page, 4, 0)
    bg = app_background(page)
    texts = page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg text')]
        .filter(t => t.textContent.trim())
        .map(t => [t.textContent, getComputedStyle(t).fill,
                   getComputedStyle(t.closest('.main-svg').parentElement.querySelector('.main-svg')).backgroundColor])""")
    assert len(texts) > 10, texts

    def behind(paper: str) -> tuple[int, int, int]:
        return bg if paper in ("transparent", "rgba(0, 0, 0, 0)") else rgb(paper)

    worst = min(((t, contrast(rgb(f), behind(p))) for t, f, p in texts), key=lambda x: x[1])
    shot(page, f"theme-{scheme}-charts")
    assert worst[1] >= 4.5, f"chart text {worst[0]!r} has contrast {worst[1]:.2f}:1 against what is behind it"
    ctx.close()


def test_the_menu_switches_to_dark(browser, atlas):
    """The switch is Streamlit's own ⋮ menu (kept by toolbarMode = "viewer"): Light / Dark / System."""
    ctx, _ = new_context(browser, color_scheme="light")
    page = ctx.new_page()
    page.goto(atlas.url + MAP, wait_until="domcontentloaded")
    wait_ready(page)
    assert luminance(app_background(page)) > 0.9
    assert "⋮ menu" in page.locator('[data-testid="stSidebar"]').inner_text()
    page.locator('[data-testid="stMainMenu"]').click()
    switcher = page.locator('[data-testid="stThemeSwitcher"]')
    assert switcher.get_by_role("menuitemradio").all_inner_texts() == ["System", "Light", "Dark"] or [
        t.split()[-1] for t in switcher.get_by_role("menuitemradio").all_inner_texts()
    ] == ["System", "Light", "Dark"]
    switcher.get_by_role("menuitemradio", name="Dark", exact=True).click()
    page.wait_for_function(
        "() => { const c = getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor;"
        " return c !== 'rgb(255, 255, 255)'; }"
    )
    assert luminance(app_background(page)) < 0.05
    ctx.close()


# ---------------------------------------------------------------------------------------------------------- phone


def test_phone_sees_the_whole_world_a_wrapped_legend_and_tap(browser, atlas):
    ctx, net = new_context(browser, **PHONE)
    page = ctx.new_page()
    page.goto(atlas.url + MAP, wait_until="domcontentloaded")
    wait_ready(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "Tap a marker for the status and date; tap a country to open its profile" in text, text[-800:]
    assert "Hover a marker" not in text

    # The legend of every binding instrument (its most classes): inside the screen, in rows, at its full size.
    page.goto(atlas.url + "/World_map?instrument=binding", wait_until="domcontentloaded")
    wait_ready(page)
    svg, box = legend_svg(page)
    n = len(ET.fromstring(svg).findall(f"{SVG}g/{SVG}rect"))
    assert n >= 3, f"expected a legend of at least 3 classes on all binding instruments: {n}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"legend box {box} is wider than the 390 px screen"
    assert box["width"] >= 0.95 * box["natural"], f"the legend is shrunk to fit: {box} (its text would be tiny)"
    shot(page, "phone-legend")
    page.goto(atlas.url + MAP, wait_until="domcontentloaded")
    wait_ready(page)

    # The map: signatory blue in the Americas (west of the first fifth) and in Japan (east of the last fifth).
    png, _ = wait_map_drawn(page, {"signed": SIGNED, "none": NONE_GREY}, "phone-canvas", least=1000)
    from PIL import Image

    im = Image.open(png).convert("RGB")
    w = im.width

    def blue_in(x0: int, x1: int) -> int:
        return sum(
            1
            for x in range(x0, x1)
            for y in range(0, im.height, 2)
            if all(abs(a - b) <= 16 for a, b in zip(im.getpixel((x, y)), SIGNED, strict=True))
        )

    west, east = blue_in(0, int(0.2 * w)), blue_in(int(0.8 * w), w)
    shot(page, "phone-map")
    assert west > 100, f"no signatory (US, Canada) in the west of the phone's map: {west} blue px ({png})"
    assert east > 5, f"no signatory (Japan) in the east of the phone's map: {east} blue px ({png})"

    from dashboard.maps import PHONE_VIEW  # the phone's first view, to find Japan's marker on screen

    # A tap on Japan's marker shows what a hover shows, and stays on the map (deck.gl's tap: pointer events).
    canvas = page.locator(CANVAS).first
    cbox = canvas.bounding_box()
    centroids = json.loads((ROOT / "static" / "geo" / "centroids.json").read_text())
    jx, jy = project(*centroids["JPN"], cbox["width"], cbox["height"], PHONE_VIEW)
    page.touchscreen.tap(cbox["x"] + jx, cbox["y"] + jy)
    page.wait_for_function(TIP_SHOWN, timeout=15_000)
    tip = page.evaluate("() => document.querySelector('.deck-tooltip').innerText")
    assert tip.splitlines()[:1] == ["Japan"] and "Signed" in tip, tip
    tbox = page.locator(".deck-tooltip").bounding_box()
    shot(page, "phone-tap")
    mbox = page.locator('[data-testid="stDeckGlJsonChart"]').first.bounding_box()
    assert mbox["x"] <= tbox["x"] and tbox["x"] + tbox["width"] <= mbox["x"] + mbox["width"], (
        f"the tooltip {tbox} runs off the map {mbox}"
    )
    # Even a tap deck.gl counts as a click (a selection and a rerun) keeps the reader on the map, tooltip shown.
    slowed_tap(page, cbox["x"] + jx, cbox["y"] + jy)
    wait_idle(page)
    assert "country=" not in page.url, f"a tap on a marker opened a profile: {page.url}"
    assert page.evaluate(TIP_SHOWN), "the tooltip went away after the tap's rerun"

    # A tap on a country opens its profile (Brazil, inside its shape).
    bx, by = project(-52.0, -10.0, cbox["width"], cbox["height"], PHONE_VIEW)
    page.touchscreen.tap(cbox["x"] + bx, cbox["y"] + by)
    if not wait_url(page, "country=", 4):
        warnings.warn("country tap needed a slowed page clock (software WebGL picking > 250 ms)", stacklevel=1)
        slowed_tap(page, cbox["x"] + bx, cbox["y"] + by)
    assert wait_url(page, "country=BRA", 60), f"a tap on Brazil did not open its profile: {page.url}"
    assert net.foreign == [], f"blocked non-local requests: {net.blocked}"
    ctx.close()
