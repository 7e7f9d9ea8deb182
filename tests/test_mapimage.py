"""The map's downloads, drawn on the server without a browser: SVG, PNG and the time-lapse GIF (issue 12)."""

from __future__ import annotations

import csv
import io
import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageSequence

from dashboard import facts, mapimage, maps
from dashboard.build import build
from dashboard.config import STATUS_COLORS, STATUS_SYMBOLS
from dashboard.db import resolve_release
from dashboard.views import mapexport, profiles

pytestmark = pytest.mark.app  # draws from a fixture release

SVG = "{http://www.w3.org/2000/svg}"
OPENING_DAY = date(2024, 9, 5)  # CETS 225 opened for signature: Norway, the UK, the US… signed
URL = "http://localhost:8501/World_map?as_of=2024-09-05&instrument=cets-225"
NORWAY, BRAZIL = (25.0, 70.0), (-50.0, -10.0)  # inside each shape, away from its borders and its status symbol


def _fill_at(scene, lonlat) -> tuple[int, int]:
    """The pixel of (lon, lat), checked to lie clear of every status symbol: a fill sample, not a glyph."""
    x, y = scene.pixel(*lonlat)
    for m in scene.marks:
        mx, my = scene.map_x + m.x, scene.map_y + m.y
        assert abs(mx - x) > m.size or abs(my - y) > m.size, f"{lonlat} lies under a status symbol"
    return x, y


@pytest.fixture
def rel(fixture_db):
    return resolve_release()


def _data(rel, selection="cets-225", as_of=OPENING_DAY) -> mapimage.MapData:
    return mapexport.map_data(rel, selection, as_of, URL)


def _texts(svg: str, hidden: bool = False) -> list[str]:
    """The SVG's text elements in document order: what a screen reader reads (`hidden`: only the map's status
    symbols, which sit in an aria-hidden group because each shape's title already says the status)."""
    root = ET.fromstring(svg.encode("utf-8"))  # parses: well-formed XML

    def walk(el, in_hidden: bool):
        in_hidden = in_hidden or el.get("aria-hidden") == "true"
        if el.tag == f"{SVG}text" and in_hidden == hidden:
            yield "".join(el.itertext())
        for child in el:
            yield from walk(child, in_hidden)

    return list(walk(root, False))


def test_svg_parses_and_carries_title_legend_date_version_and_source_as_text(rel):
    texts = _texts(mapimage.svg(_data(rel)))
    assert texts[0] == "CoE AI Convention (CETS 225): World map of participation"
    assert "Status on 05 September 2024 · dataset fixture-1" in texts
    assert "Signed (9)" in texts  # the legend's classes and counts are the page's (maps.legend): 9 states signed
    assert any(t.startswith("No record (") for t in texts)
    assert "Organisations (not drawn on the map): European Union: Signed · 05 Sep 2024." in texts
    assert "Named list: 10 named." in texts  # MapView.coverage, as the page says it
    source = " ".join(t for t in texts if t.startswith("Source:") or t.startswith("http") or "World_map" in t)
    assert source.startswith("Source: AI Governance Atlas, dataset fixture-1, data as of 30 June 2026;")
    assert "instrument=cets-225" in source


def test_svg_named_list_line_of_a_selection_ends_with_one_full_stop(rel):
    texts = " ".join(_texts(mapimage.svg(_data(rel, "voluntary", date(2026, 6, 30)))))
    assert "Named list: Named lists are partial for" in texts and "refusal.." not in texts and "refusal." in texts


def test_svg_legend_is_the_map_pages_legend(rel):

    legend = maps.legend(facts.statuses(rel, "binding", OPENING_DAY))
    texts = _texts(mapimage.svg(_data(rel, "binding")))
    assert [f"{r.status} ({r.count})" for r in legend.itertuples()] == [
        t for t in texts if t.endswith(")") and any(t.startswith(r) for r in legend["status"])
    ]


def test_png_opens_at_its_size_with_norway_signed_and_brazil_no_record(rel):
    data = _data(rel)
    img = Image.open(io.BytesIO(mapimage.png(data)))
    scene = mapimage.compose(data)
    assert img.format == "PNG" and img.size == (mapimage.PNG_WIDTH, scene.height) and scene.height > 800
    rgb = img.convert("RGB")
    assert rgb.getpixel(_fill_at(scene, NORWAY)) == STATUS_COLORS["signed"]
    assert rgb.getpixel(_fill_at(scene, BRAZIL)) == STATUS_COLORS["none"]
    # a year earlier nobody had signed: Norway is "No record"
    before = _data(rel, as_of=date(2023, 9, 5))
    rgb = Image.open(io.BytesIO(mapimage.png(before))).convert("RGB")
    assert rgb.getpixel(_fill_at(mapimage.compose(before), NORWAY)) == STATUS_COLORS["none"]


def test_png_draws_the_title_in_ink(rel):
    img = Image.open(io.BytesIO(mapimage.png(_data(rel)))).convert("RGB")
    band = img.crop((0, 0, img.width, 60))
    assert (17, 24, 39) in {c for _, c in band.getcolors(1 << 16)}, "the title is drawn at the top"


def test_gif_has_one_frame_per_change_each_with_its_own_date(rel):
    frames = facts.timelapse(rel, "cets-225", date(2026, 6, 30))
    dates = [d for d, _, _ in frames]
    assert dates[0] == date(2024, 5, 17)  # adopted: the first date of the instrument
    assert dates[-1] == date(2026, 6, 30) and OPENING_DAY in dates
    assert len(dates) == len(set(dates)) > 2
    gif = Image.open(io.BytesIO(mapexport.gif(rel, "cets-225", date(2026, 6, 30), URL)))
    assert gif.format == "GIF" and gif.n_frames == len(dates)
    images = [f.convert("RGB") for f in ImageSequence.Iterator(gif)]
    for a, b in itertools.pairwise(images):
        assert ImageChops.difference(a, b).getbbox() is not None, "every frame differs from the one before"
    # the date is drawn large at the top right of every frame, and it changes from frame to frame
    corner = [im.crop((im.width // 2, 0, im.width, 80)).tobytes() for im in images]
    assert len(set(corner)) == len(corner)
    # Norway: no record before the opening day, signed from it
    sc = mapimage.compose(_data(rel), mapimage.GIF_WIDTH, big_date=True)
    at = _fill_at(sc, NORWAY)
    i = dates.index(OPENING_DAY)
    assert images[i - 1].getpixel(at) == STATUS_COLORS["none"]
    assert images[i].getpixel(at) == STATUS_COLORS["signed"]


def test_timelapse_frames_are_the_maps_statuses(rel):
    for sel in ("cets-225", "binding", "voluntary"):
        for d, st, _ in facts.timelapse(rel, sel, date(2026, 6, 30))[::3]:
            ref = facts.statuses(rel, sel, d)
            cols = ["participant_id", "status", "status_label", "action_date"]
            assert st[cols].equals(ref[cols]), (sel, d)


def test_every_frame_says_how_complete_the_named_list_was_on_its_date(rel, monkeypatch):
    from dashboard.views import mapview

    seen = {}
    monkeypatch.setattr(mapimage, "gif", lambda frames, **kw: seen.setdefault("frames", frames) and b"")
    for sel in ("cets-225", "voluntary"):
        mapexport.gif.fn(rel, sel, date(2026, 6, 30), URL)
        for f in seen.pop("frames")[::4]:
            assert f.coverage == mapview.map_view(rel, sel, f.view_date).coverage, (sel, f.view_date)


def test_frame_dates_are_capped_monthly_then_evenly():
    end = date(2026, 6, 30)
    daily = [date(2020, 1, 1) + timedelta(days=i) for i in range(0, 2000, 3)]
    got = facts.frame_dates(daily, end)
    assert len(got) <= facts.MAX_FRAMES and got[-1] == end and got[0] == date(2020, 1, 31)
    few = facts.frame_dates([date(2024, 9, 5), date(2024, 9, 5), date(2025, 1, 1), date(2027, 1, 1)], end)
    assert few == [date(2024, 9, 5), date(2025, 1, 1), end]  # distinct, none after the view date


def test_file_names_carry_instrument_date_and_version():
    assert (
        mapexport.file_name("cets-225", date(2026, 12, 1), "2026.12.01", "png")
        == "atlas-cets-225-2026-12-01-v2026.12.01.png"
    )
    assert mapexport.file_name("x/../y", date(2026, 12, 1), "a b", "gif") == "atlas-x-..-y-2026-12-01-va-b.gif"


def _rewrite(path, edit) -> None:
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for r in rows:
        edit(r)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


HOSTILE = "<script>alert(1)</script> & CETS"
HOSTILE_ORG = '<img src=x onerror="alert(1)">'


def test_hostile_names_are_escaped_text_in_the_svg(sources_copy, tmp_path, monkeypatch):
    _rewrite(
        sources_copy / "instruments" / "main.csv",
        lambda r: r.update(short_name=HOSTILE) if r["instrument_id"] == "cets-225" else None,
    )
    _rewrite(
        sources_copy / "organisations.csv",
        lambda r: r.update(name=HOSTILE_ORG) if r["participant_id"] == "EU" else None,
    )
    path, _ = build(sources_copy, tmp_path / "data")
    monkeypatch.setenv("ATLAS_DB", str(path))
    data = mapexport.map_data(resolve_release(), "cets-225", OPENING_DAY, URL + "&x=<b>\x01")
    svg = mapimage.svg(data)
    root = ET.fromstring(svg.encode("utf-8"))
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "title", "rect", "g", "path", "circle", "text"}, tags  # no script, img, foreignObject
    texts = _texts(svg)
    assert texts[0] == f"{HOSTILE}: World map of participation"  # literal text, as the data has it
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; CETS" in svg and "<script" not in svg
    assert f"Organisations (not drawn on the map): {HOSTILE_ORG}: Signed · 05 Sep 2024." in texts
    assert "<img" not in svg and "\x01" not in svg
    Image.open(io.BytesIO(mapimage.png(data))).verify()  # the raster draws it as glyphs


def test_raster_text_keeps_accents_and_symbols_and_falls_back_only_for_missing_glyphs():
    # DejaVu Sans, shipped with the app: the PNG writes the name as the page does (Pillow's own font wrote "Cote")
    assert mapimage.font(20).getname()[0] == "DejaVu Sans"
    assert mapimage.drawable("Côte d’Ivoire — Türkiye ✓ ✕") == "Côte d'Ivoire - Türkiye ✓ ✕"
    assert mapimage.drawable("北京") == "??"  # no CJK glyphs: a visible '?', never an empty box


def test_every_state_with_a_record_carries_its_status_symbol_not_colour_alone(rel):
    data = _data(rel)
    legend = maps.legend(data.statuses)
    marks = _texts(mapimage.svg(data), hidden=True)
    states = data.statuses[(data.statuses["kind"] != "organisation") & data.statuses["lon"].notna()]
    # one symbol per state with a record, and it is its status's (9 signed states: 9 "S")
    want = sorted(STATUS_SYMBOLS[s] for s in states["status"] if STATUS_SYMBOLS[s])
    assert sorted(marks) == want and marks.count("S") == 9
    # the legend's swatches carry the same symbols, next to their label and count
    texts = _texts(mapimage.svg(data))
    for r in legend.itertuples():
        if r.symbol:
            assert texts[texts.index(f"{r.status} ({r.count})") - 1] == r.symbol
    assert "The letter or mark on each state repeats its status (see the legend)." in texts
    # and the PNG draws them: dark ink inside the light-blue 'signed' fill around each signed state's point
    scene = mapimage.compose(data)
    rgb = Image.open(io.BytesIO(mapimage.png(data))).convert("RGB")
    for m in (m for m in scene.marks if m.symbol == "S"):
        x, y = round(scene.map_x + m.x), round(scene.map_y + m.y)
        box = rgb.crop((x - m.size // 2, y - m.size // 2, x + m.size // 2, y + m.size // 2))
        inked = sum(n for n, c in box.getcolors(1 << 16) if sum(abs(a - b) for a, b in zip(c, m.ink, strict=True)) < 60)
        assert inked >= 6, f"no symbol drawn at {(x, y)}"


@pytest.fixture
def media(monkeypatch) -> dict:
    """deferred file id -> (file name, callable) of every download made on click (spy on the public add_deferred)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kw):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kw)
        seen[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return seen


def _downloads(at, media: dict) -> dict[str, tuple[str, bytes]]:
    """label (icon dropped) -> (file name, bytes a click downloads) of every download button on the page."""
    out = {}
    for b in at.get("download_button"):
        name, make = media[b.proto.deferred_file_id]
        out[b.proto.label.split(": ", 1)[-1]] = (name, make())
    return out


@pytest.mark.parametrize("page,key", [("pages/1_World_map.py", "map"), ("pages/6_Instrument.py", "imap")])
def test_map_pages_offer_png_svg_and_gif_named_for_the_view(fixture_db, media, page, key):
    from tests.apptest_utils import run_page

    at = run_page(page, {"instrument": "cets-225", "as_of": "2024-09-05"})
    assert not at.exception, at.exception
    got = _downloads(at, media)
    stem = "atlas-cets-225-2024-09-05-vfixture-1"
    assert got["Map as PNG"][0] == f"{stem}.png" and got["Map as PNG"][1].startswith(b"\x89PNG\r\n")
    assert got["Map as SVG"][0] == f"{stem}.svg" and got["Map as SVG"][1].startswith(b"<?xml")
    assert got["Time-lapse as GIF"][0] == f"{stem}.gif" and got["Time-lapse as GIF"][1].startswith(b"GIF89a")
    assert b"Status on 05 September 2024" in got["Map as SVG"][1]
    assert {b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button") if key in b.proto.id} >= {
        "png",
        "svg",
        "gif",
    }


# --- Plotly charts: the modebar's own picture carries title, date and source ----------------------------------


def test_export_ready_titles_dates_and_credits_a_copy_of_the_figure(rel):
    from dashboard import charts

    fig = profiles.instrument_view(rel, "cets-225", date(2026, 6, 30)).timeline
    before = fig.to_json()
    out, config = charts.export_ready(
        fig,
        "Timeline of <b>CETS</b>",
        date(2026, 6, 30),
        "fixture-1",
        date(2026, 6, 30),
        "http://h/Instrument?instrument=cets-225&as_of=2026-06-30",
        "atlas-instrument-timeline-2026-06-30-vfixture-1",
    )
    assert fig.to_json() == before, "the memoised figure every session shares is not changed"
    assert out.layout.title.text == "Timeline of &lt;b&gt;CETS&lt;/b&gt;"  # literal text, not Plotly's HTML subset
    assert out.layout.title.subtitle.text == "As of 30 June 2026"
    credit = out.layout.annotations[-1].text
    assert credit == (
        "Source: AI Governance Atlas, dataset fixture-1, data as of 30 June 2026;<br>"
        "http://h/Instrument?instrument=cets-225&amp;as_of=2026-06-30"
    )
    assert out.layout.height > fig.layout.height  # room for the credit: the plot keeps its size
    opts = config["toImageButtonOptions"]
    assert opts["filename"] == "atlas-instrument-timeline-2026-06-30-vfixture-1" and opts["format"] == "png"
    again, _ = charts.export_ready(
        fig,
        "Timeline of <b>CETS</b>",
        date(2026, 6, 30),
        "fixture-1",
        date(2026, 6, 30),
        "http://h/Instrument?instrument=cets-225&as_of=2026-06-30",
        "x",
    )
    assert again is out, "a rerun reuses the credited copy"


@pytest.mark.parametrize(
    "page,query,n",
    [
        ("pages/3_Binding_vs_voluntary.py", {"as_of": "2026-06-01"}, 4),
        ("pages/2_Entry_into_force.py", {}, 1),
        ("pages/4_Corporate_stances.py", {}, 1),
        ("pages/6_Instrument.py", {"instrument": "cets-225"}, 1),
    ],
)
def test_every_chart_exports_with_title_date_and_source(fixture_db, page, query, n):
    import json

    from tests.apptest_utils import run_page

    at = run_page(page, query)
    assert not at.exception, at.exception
    charts_ = at.get("plotly_chart")
    assert len(charts_) == n
    day = "01 June 2026" if query.get("as_of") else "30 June 2026"
    for c in charts_:
        layout = json.loads(c.proto.spec)["layout"]
        config = json.loads(c.proto.config)
        assert layout["title"]["text"], "every chart has a title"
        assert layout["title"]["subtitle"]["text"] == f"As of {day}"
        credit = layout["annotations"][-1]["text"]
        assert credit.startswith("Source: AI Governance Atlas, dataset fixture-1, data as of 30 June 2026;<br>http")
        name = config["toImageButtonOptions"]["filename"]
        assert name.startswith("atlas-") and name.endswith("-vfixture-1") and "2026-06" in name


def test_the_drawing_modules_import_no_streamlit():
    import subprocess
    import sys

    code = "import sys, dashboard.mapimage, dashboard.charts; print('streamlit' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=str(Path(__file__).resolve().parent.parent),
    )
    assert out.stdout.strip() == "False"
