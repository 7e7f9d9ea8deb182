"""The map's time-lapse in real headless Chromium against a real `streamlit run` on the fixture release: Play advances
the big date by itself (the fragment's `run_every` timer), → steps one frame, and neither writes the URL.
Screenshots go to /tmp/atlas-shots/ (ATLAS_SHOTS to change)."""

from __future__ import annotations

import contextlib
import shutil
import time

import pytest

from tests.browser_utils import PAGE_TIMEOUT_MS, new_context, shot, wait_idle, wait_ready
from tests.test_browser import SIGNED, colour_counts

playwright_sync = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("Debian chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)

pytestmark = [pytest.mark.system, pytest.mark.browser]

FRAMES = ["17 May 2024", "5 Sep 2024", "5 Nov 2024", "11 Feb 2025"]  # CETS 225's first frames on the fixture
BIG_DATE = """() => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(e => e.innerText.includes('Time-lapse'));
    return m ? m.querySelector('[data-testid="stMetricValue"]').innerText.trim() : null; }"""


def big_date(page) -> str | None:
    return page.evaluate(BIG_DATE)


def wait_big_date(page, want: str, timeout_ms: int = 15_000) -> None:
    with contextlib.suppress(playwright_sync.TimeoutError):
        page.wait_for_function(f"want => ({BIG_DATE})() === want", arg=want, timeout=timeout_ms)
    assert big_date(page) == want


def open_map(browser, url: str):
    ctx, net = new_context(browser)
    page = ctx.new_page()
    page.goto(url, wait_until="domcontentloaded")
    wait_ready(page)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stDeckGlJsonChart\"] canvas')", timeout=PAGE_TIMEOUT_MS
    )
    return ctx, page, net


def test_play_advances_the_big_date_by_itself_and_stops(browser, atlas):
    ctx, page, net = open_map(browser, f"{atlas.url}/World_map?instrument=cets-225")
    start_url = page.url
    wait_big_date(page, "30 Jun 2026")
    page.get_by_role("button", name="Play").click()
    wait_big_date(page, FRAMES[0])  # from the first act
    t0 = time.monotonic()
    seen = [big_date(page)]
    while time.monotonic() - t0 < 8 and len(set(seen)) < 3:
        page.wait_for_timeout(150)
        seen.append(big_date(page))
    order = list(dict.fromkeys(seen))
    assert order[:3] == FRAMES[:3], f"the big date read {order} in {time.monotonic() - t0:.1f} s"
    shot(page, "timelapse-playing")
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    held = big_date(page)
    page.wait_for_timeout(2500)
    assert big_date(page) == held, "Pause holds the frame"
    assert page.url == start_url, "playing never writes the URL"
    # The canvas is that frame's map: Stop (the view date, 20 signatories, Canada, Japan and Ukraine among them)
    # paints more of it "signed" blue than the paused early frame (at most the 12 of 11 Feb 2025).
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    early = colour_counts(shot(page, "timelapse-paused-canvas", canvas), {"signed": SIGNED})["signed"]
    page.get_by_role("button", name="Stop").click()
    wait_big_date(page, "30 Jun 2026")
    deadline, late = time.monotonic() + 15, early
    while time.monotonic() < deadline and late < early + 2000:
        page.wait_for_timeout(500)
        late = colour_counts(shot(page, "timelapse-stopped-canvas", canvas), {"signed": SIGNED})["signed"]
    assert late > early + 2000, f"signed-blue pixels: {early} on {held}, {late} on the view date"
    assert page.locator('[data-testid="stException"]').count() == 0
    assert net.foreign == [], f"blocked non-local requests: {net.blocked}"
    ctx.close()


def test_arrow_keys_step_one_frame(browser, atlas):
    ctx, page, _ = open_map(browser, f"{atlas.url}/World_map?instrument=cets-225")
    start_url = page.url
    wait_big_date(page, "30 Jun 2026")
    page.locator("h1").first.click()  # focus on the page, not in a widget
    page.keyboard.press("ArrowLeft")
    wait_big_date(page, "15 Jun 2026")
    wait_idle(page)
    page.keyboard.press("ArrowLeft")
    wait_big_date(page, "15 May 2026")
    wait_idle(page)
    page.keyboard.press("ArrowRight")
    wait_big_date(page, "15 Jun 2026")
    wait_idle(page)
    page.wait_for_timeout(1500)
    assert big_date(page) == "15 Jun 2026", "one key press is one step"
    assert page.url == start_url, "stepping never writes the URL"
    shot(page, "timelapse-stepped")
    ctx.close()
