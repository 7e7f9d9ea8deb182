"""Dark mode and phones (issue 12, items 7 and 8), without a browser: the two themes, colours that read on both, the
phone's first map view, the wrapping legend, the "tap" wording and the key columns first.

What a browser then sees (the dark page, the legend's contrast, the whole world at 390 px, a tap's tooltip) is
tests/test_browser_theme_mobile.py's."""

from __future__ import annotations

import math
import tomllib
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts, device, maps
from dashboard.views import mapview

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
PHONE_MAP_WIDTH = 356  # px: the map column of a 390 px wide phone (measured: Streamlit's 17 px padding each side)
PHONES = [
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0",
]
TABLETS = [
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
    "Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
]
DESKTOPS = [
    None,
    "",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605",
]


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def legend_frame(n: int = 6) -> pd.DataFrame:
    rows = [
        ("Ratified / approved", 12, "#0072b2"),
        ("Signed", 20, "#56b4e9"),
        ("Endorsed / joined", 28, "#009e73"),
        ("Declined", 2, "#d55e00"),
        ("Withdrew", 1, "#cc79a7"),
        ("No record", 167, "#d7dbe0"),
    ][:n]
    return pd.DataFrame(rows, columns=["status", "count", "colour"])


def svg_box(svg: str) -> tuple[float, float]:
    root = ET.fromstring(svg)
    return float(root.get("width")), float(root.get("height"))


# ------------------------------------------------------------------------------------------------------ the themes


def test_config_has_a_light_and_a_dark_theme_both_high_contrast():
    """Two themes (so the app follows prefers-color-scheme and the menu offers System / Light / Dark); nothing
    forces the light one; the light one is the classroom theme it was; the dark one is as high in contrast."""
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    assert "base" not in theme, "theme.base forces one theme for everyone"
    light, dark = theme["light"], theme["dark"]
    assert (light["backgroundColor"], light["textColor"], light["primaryColor"]) == ("#FFFFFF", "#111827", "#0B5CAD")
    for name, t in (("light", light), ("dark", dark)):
        assert contrast(t["textColor"], t["backgroundColor"]) >= 7, name
        assert contrast(t["textColor"], t["secondaryBackgroundColor"]) >= 7, name
        assert contrast(t["primaryColor"], t["backgroundColor"]) >= 4.5, name  # links, focus rings
    assert luminance(dark["backgroundColor"]) < 0.05 < luminance(light["backgroundColor"])
    assert theme["baseFontSize"] == 17  # shared by both


def test_sidebar_says_where_the_theme_switch_is():
    from dashboard import ui

    assert "⋮ menu" in ui.THEME_HINT and "Dark" in ui.THEME_HINT and "Light" in ui.THEME_HINT


def _figures() -> list:
    inst = pd.DataFrame(
        {
            "adopted_on": [date(2023, 11, 1), date(2024, 5, 17), date(2024, 6, 13)],
            "legally_binding": [False, True, True],
            "short_name": ["Bletchley", "CETS 225", "EU AI Act"],
            "kind": ["declaration", "treaty", "regulation"],
        }
    )
    fig = charts.instruments_over_time(inst)
    credited, _ = charts.export_ready(
        fig, None, date(2026, 6, 30), "v", date(2026, 6, 30), "http://localhost:8501/x", "atlas-x"
    )
    return [fig, charts.instruments_by_kind(inst), credited, charts.status_legend(legend_frame())]


def test_charts_are_light_cards_with_dark_text_on_either_theme():
    """Streamlit's Plotly theme colours whatever a figure leaves unset for the reader's theme: on the dark theme the
    hard-coded dark text sat on a transparent paper over the dark page, and the chart's own picture (the modebar
    camera) must stay light for print. So each chart sets its paper and every text colour itself: white paper,
    and every text at least 7:1 on it (ticks and axis titles too, which Streamlit's light theme greys to 3.7:1)."""
    for fig in _figures():
        lay = fig.layout
        assert lay.paper_bgcolor == "#FFFFFF" and lay.plot_bgcolor == "#FFFFFF", (lay.paper_bgcolor, lay.plot_bgcolor)
        colours = [lay.font.color, lay.legend.font.color, *(a.font.color for a in lay.annotations)]
        if lay.xaxis.visible is not False:
            colours += [lay.title.font.color, lay.xaxis.tickfont.color, lay.yaxis.tickfont.color]
            colours += [lay.xaxis.title.font.color, lay.yaxis.title.font.color]
            assert lay.xaxis.gridcolor and lay.yaxis.gridcolor
        if lay.title.subtitle.text:
            colours.append(lay.title.subtitle.font.color)
        assert all(c and contrast(c, "#FFFFFF") >= 7 for c in colours), colours
        assert all(tr.marker.color is not None for tr in fig.data)  # the data keep their colours


# ---------------------------------------------------------------------------------------------------- the legend


def test_legend_sits_on_its_own_white_card_with_dark_text():
    """Its dark text reads on either theme: the card behind it is drawn in the SVG itself, over its whole box."""
    svg = maps.legend_svg(legend_frame(), "12 of about 58 signatories named (list partial)")
    root = ET.fromstring(svg)
    w, h = svg_box(svg)
    card = root.find(f"{SVG}rect")
    assert card is not None and card.get("fill") == "#FFFFFF"
    assert float(card.get("width")) == w and float(card.get("height")) == h and card.get("x", "0") == "0"
    fills = {t.get("fill") for t in root.iter(f"{SVG}text")}
    assert fills and all(contrast(f, "#FFFFFF") >= 7 for f in fills), fills


def test_phone_legend_wraps_into_rows_no_wider_than_asked():
    note = "12 of about 58 signatories named (list partial): absence from the map is not a refusal"
    wide = maps.legend_svg(legend_frame(), note)
    narrow = maps.legend_svg(legend_frame(), note, max_width=maps.PHONE_LEGEND_WIDTH)
    assert svg_box(wide)[0] > PHONE_MAP_WIDTH, "the desktop legend is one long line"
    w, h = svg_box(narrow)
    assert w <= maps.PHONE_LEGEND_WIDTH <= PHONE_MAP_WIDTH
    assert h > svg_box(wide)[1], "the entries went into more rows"
    root = ET.fromstring(narrow)
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert " ".join(texts[6:]) == note, "the note is all there, wrapped into lines"
    assert {f"{s} ({c})" for s, c, _ in legend_frame().itertuples(index=False)} <= set(texts)
    # every label starts and ends inside the card (8.2 px a character at 15 px, as the layout reckons)
    pad = maps.LEGEND_PAD
    for t in root.iter(f"{SVG}text"):
        assert pad + float(t.get("x")) + 8.2 * len("".join(t.itertext())) <= w, "".join(t.itertext())


# -------------------------------------------------------------------------------------------------- the phone map


def test_phone_map_opens_on_the_whole_world():
    """At zoom z deck.gl draws the world 512 * 2**z px wide: a phone's map column must hold all 360 degrees, and
    the map must be no taller than the world (deck.gl's controller zooms in until the world fills the height)."""
    phone, desk = maps.initial_view(phone=True), maps.initial_view(phone=False)
    world = 512 * 2**phone.zoom
    assert 300 <= world <= PHONE_MAP_WIDTH, world
    assert phone.min_zoom <= phone.zoom
    assert world >= maps.PHONE_MAP_HEIGHT
    assert mapview.MAP_HEIGHT["phone"] == maps.PHONE_MAP_HEIGHT
    # the desktop view is as it was: 0.9 fills a ~930 px column from Alaska to Japan
    assert (desk.latitude, desk.longitude, desk.zoom, desk.min_zoom) == (25, 12, 0.9, 0.3)
    # both ends of the world are inside the phone's map column
    for lon in (-179.0, 179.0):
        x = PHONE_MAP_WIDTH / 2 + (lon - phone.longitude) / 360 * world
        assert 0 <= x <= PHONE_MAP_WIDTH, (lon, x)
    # and so are the northernmost and southernmost land (Greenland, Cape Horn), top to bottom

    def y(lat: float) -> float:
        def merc(la: float) -> float:
            return (1 - math.log(math.tan(math.pi / 4 + math.radians(la) / 2)) / math.pi) / 2 * world

        return maps.PHONE_MAP_HEIGHT / 2 + merc(lat) - merc(phone.latitude)

    assert 0 <= y(83.5) < y(-56.0) <= maps.PHONE_MAP_HEIGHT, (y(83.5), y(-56.0))


def test_phone_map_shows_its_tooltip_at_the_foot_of_the_map():
    statuses = pd.DataFrame(
        {
            "participant_id": ["NOR"],
            "name": ["Norway"],
            "kind": ["state"],
            "status": ["signed"],
            "status_label": ["Signed"],
            "verified": [True],
            "action_date": [date(2024, 9, 5)],
            "date_precision": ["day"],
            "lon": [9.0],
            "lat": [61.5],
        }
    )
    phone = maps.world_map(statuses, phone=True)
    desk = maps.world_map(statuses)
    assert phone._tooltip["style"]["transform"] == "none" and phone._tooltip["style"]["left"] == "50%"
    assert "style" not in desk._tooltip
    assert phone._tooltip["text"] == desk._tooltip["text"]


@pytest.mark.parametrize("agent", PHONES)
def test_a_phone_is_a_phone(agent):
    assert device.screen(agent) == "phone"


@pytest.mark.parametrize("agent", TABLETS)
def test_a_tablet_is_a_tablet(agent):
    assert device.screen(agent) == "tablet"


@pytest.mark.parametrize("agent", DESKTOPS)
def test_a_desktop_or_no_header_is_a_desktop(agent):
    assert device.screen(agent) == "desktop"


def test_touch_screens_are_told_to_tap():
    assert mapview.HOW_TO[True].startswith("Tap a marker for the status and date; tap a country to open its profile")
    assert "hover" not in mapview.HOW_TO[True].lower() and "click" not in mapview.HOW_TO[True].lower()
    assert mapview.HOW_TO[False].startswith("Hover a marker")


def test_map_table_shows_name_status_date_source_first():
    assert mapview.TABLE_COLUMNS[:4] == ["name", "status_label", "action_date", "source_url"]
