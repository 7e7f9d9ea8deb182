"""Presentation and embed in real Chromium (dashboard/modes.py): what a class sees on a 1280×720 projector, and what
an article's reader sees in an 800×600 iframe of a local page. Also: a typed date applies on Enter."""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser_utils import CUT_TEXT, PAGE_TIMEOUT_MS, new_context, shot, wait_idle, wait_ready

playwright_sync = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("Debian chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)

pytestmark = [pytest.mark.system, pytest.mark.browser]

# Every visible piece of text in the main area, with its computed size (text nodes' parents).
TEXT_SIZES = """() => { const out = [];
  for (const el of document.querySelectorAll('[data-testid="stMain"] *, .deck-tooltip')) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim());
    if (!own.length) continue;
    const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
    if (!r.width || !r.height || cs.visibility === 'hidden' || el.closest('[aria-hidden="true"]')) continue;
    out.push([parseFloat(cs.fontSize), el.tagName, own.join(' ').slice(0, 40)]); }
  for (const t of document.querySelectorAll('[data-testid="stPlotlyChart"] svg text')) {
    if (t.textContent.trim() && t.getBoundingClientRect().width)
      out.push([parseFloat(getComputedStyle(t).fontSize), 'svg:text', t.textContent.trim().slice(0, 40)]); }
  return out; }"""


def projector(browser, url: str):
    ctx, net = new_context(browser)
    page = ctx.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(url, wait_until="domcontentloaded")
    wait_ready(page)
    return ctx, net, page


def date_shown(page) -> str:
    return page.locator('[data-testid="stMain"] [data-testid="stDateInput"] input').first.input_value()


def test_present_map_fills_a_1280x720_projector_in_large_type(browser, atlas):
    ctx, net, page = projector(browser, f"{atlas.url}/World_map?instrument=cets-225&as_of=2026-06-30&present=1")
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    legend = page.locator('[data-testid="stMain"] [data-testid="stImage"] img').first
    legend.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    shot(page, "present-map-1280x720")
    assert not page.locator('[data-testid="stSidebar"]').is_visible(), "a presentation has no sidebar"
    h1 = page.locator("h1").first
    assert h1.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 32
    assert h1.bounding_box()["height"] < 60, "the title is one line"
    box, leg = canvas.bounding_box(), legend.bounding_box()
    assert box["y"] < 250 and box["y"] + box["height"] <= 720 and box["width"] >= 1150, box
    assert leg["y"] + leg["height"] <= 720, f"the legend is below the fold: {leg}"
    small = [s for s in page.evaluate(TEXT_SIZES) if s[0] < 18]
    assert small == [], small[:10]
    assert "Data as of 30 June 2026" in page.locator('[data-testid="stMain"]').inner_text()
    assert net.foreign == []
    ctx.close()


def test_present_entry_into_force_shows_counts_verdict_and_chart_on_one_screen(browser, atlas):
    """The threshold page on a projector: the counts, the verdict and the chart side by side within 1280x720, every
    word 18 px or more and none cut short; the rule and the what-if follow below (before, the chart began 650 px
    down, below the rule, the what-if, the counts and the verdict)."""
    ctx, net, page = projector(browser, f"{atlas.url}/Entry_into_force?instrument=cets-225&as_of=2026-06-30&present=1")
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    shot(page, "present-eif-1280x720")
    box = chart.bounding_box()
    assert box["y"] < 250 and box["y"] + box["height"] <= 720, f"the chart is not on the screen: {box}"
    verdict = page.locator('[data-testid="stAlert"]').first.bounding_box()
    assert verdict["y"] + verdict["height"] <= 720 and verdict["x"] + verdict["width"] <= box["x"], verdict
    metric = page.locator('[data-testid="stMetricValue"]').first.bounding_box()
    assert metric["y"] + metric["height"] <= 720
    rule = page.get_by_text("Rule, as stored in the data").first.bounding_box()
    assert rule["y"] > box["y"] + box["height"] - 1, "the rule follows the chart in a presentation"
    assert page.locator('[data-testid="stPlotlyChart"] .modebar').count() == 0, "no export buttons on a projector"
    small = [s for s in page.evaluate(TEXT_SIZES) if s[0] < 18]
    assert small == [], small[:10]
    cut = page.evaluate(CUT_TEXT)
    assert cut == [], cut
    assert net.foreign == []
    ctx.close()


def test_present_arrows_step_a_year_and_esc_leaves(browser, atlas):
    ctx, _, page = projector(browser, f"{atlas.url}/Entry_into_force?instrument=cets-225&as_of=2026-06-30&present=1")
    assert date_shown(page) == "2026-06-30"
    page.locator("h1").first.click()  # focus on the page, not in a field (shortcuts do not fire while typing)
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('as_of=2025-06-30')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert date_shown(page) == "2025-06-30"
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => location.search.includes('as_of=2024-06-30')", timeout=PAGE_TIMEOUT_MS)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.search.includes('as_of=2025-06-30')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    shot(page, "present-eif-2025")
    small = [s for s in page.evaluate(TEXT_SIZES) if s[0] < 18]
    assert small == [], small[:10]
    page.keyboard.press("Escape")
    page.wait_for_function("() => !location.search.includes('present')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    assert parse_qs(urlsplit(page.url).query)["as_of"] == ["2025-06-30"], "leaving keeps the date it stepped to"
    ctx.close()


def test_embed_fills_an_800x600_iframe_with_the_map_and_a_credit_line(browser, atlas):
    ctx, net = new_context(browser)
    page = ctx.new_page()
    page.set_viewport_size({"width": 1000, "height": 760})
    src = f"{atlas.url}/World_map?instrument=cets-225&as_of=2025-06-01&embed=true"
    page.set_content(
        "<!doctype html><html><body style='margin:0'><p>An article about AI treaties.</p>"
        f"<iframe id='atlas' src='{src}' width='800' height='600' style='border:0'></iframe></body></html>"
    )
    frame = page.frame_locator("#atlas")
    canvas = frame.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    canvas.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    foot = frame.locator(".st-key-atlas-embed-foot p").first
    foot.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(2000)
    shot(page, "embed-map-800x600")
    ifr = page.locator("#atlas").bounding_box()
    box, line = canvas.bounding_box(), foot.bounding_box()
    assert box["width"] >= 760 and box["height"] >= 360, box  # with the legend card under it and the credit line
    assert box["x"] >= ifr["x"] and box["x"] + box["width"] <= ifr["x"] + 800
    assert line["y"] + line["height"] <= ifr["y"] + 600, f"the credit line is cut off: {line} in {ifr}"
    text = foot.inner_text()
    assert "01 Jun 2025" in text and "Source: AI Governance Atlas, dataset fixture-1" in text, text
    href = foot.locator("a").first.get_attribute("href")
    q = parse_qs(urlsplit(href).query)
    assert "embed" not in q and q["instrument"] == ["cets-225"] and q["as_of"] == ["2025-06-01"], href
    assert (
        frame.locator('[data-testid="stSidebar"]').count() == 0
        or not frame.locator('[data-testid="stSidebar"]').first.is_visible()
    )
    assert frame.locator("h1").count() == 0
    for hidden in ("Cite this view", "Map as PNG", "Instrument"):
        assert (
            not frame.get_by_text(hidden, exact=True).first.is_visible()
            if frame.get_by_text(hidden, exact=True).count()
            else True
        ), hidden
    assert net.foreign == []
    ctx.close()


def test_embed_of_a_chart_page_shows_its_first_chart(browser, atlas):
    ctx, _ = new_context(browser)
    page = ctx.new_page()
    src = f"{atlas.url}/Binding_vs_voluntary?as_of=2026-06-30&embed=true"
    page.set_content(f"<iframe id='atlas' src='{src}' width='800' height='600' style='border:0'></iframe>")
    frame = page.frame_locator("#atlas")
    frame.locator(".st-key-atlas-embed-foot p").first.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    charts = frame.locator('[data-testid="stPlotlyChart"]')
    charts.first.wait_for(state="visible", timeout=PAGE_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    shot(page, "embed-bvv-800x600")
    assert charts.count() == 1
    assert charts.first.bounding_box()["width"] >= 700, "the chart takes the width its hidden neighbour left"
    ctx.close()


def test_typed_date_applies_on_enter(browser, atlas):
    ctx, _ = new_context(browser)
    page = ctx.new_page()
    page.goto(f"{atlas.url}/Country?country=NOR&as_of=2026-06-30", wait_until="domcontentloaded")
    wait_ready(page)
    box = page.locator('[data-testid="stSidebar"]').get_by_label("…or type a date and press Enter")
    box.fill("2024-09-05")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('as_of=2024-09-05')", timeout=PAGE_TIMEOUT_MS)
    wait_idle(page)
    assert "as it stood on 05 September 2024" in page.locator('[data-testid="stMain"]').inner_text()
    ctx.close()
