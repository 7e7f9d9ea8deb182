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


def signed_pixels(page, canvas, name: str, until, timeout_s: float = 20) -> int:
    """The canvas's "signed"-blue pixel count, read every half second until `until(count)` holds (deck.gl draws a
    frame in software WebGL some time after the page shows its date: seconds on a loaded machine) or time runs out;
    the last count."""
    deadline = time.monotonic() + timeout_s
    while True:
        n = colour_counts(shot(page, name, canvas), {"signed": SIGNED})["signed"]
        if until(n) or time.monotonic() > deadline:
            return n
        page.wait_for_timeout(500)


def test_play_advances_the_big_date_by_itself_and_stops(browser, atlas):
    ctx, page, net = open_map(browser, f"{atlas.url}/World_map?instrument=cets-225")
    start_url = page.url
    wait_big_date(page, "30 Jun 2026")
    # The view date's map (20 signatories, Canada, Japan and Ukraine among them), once drawn.
    canvas = page.locator('[data-testid="stDeckGlJsonChart"] canvas').first
    full = signed_pixels(page, canvas, "timelapse-view-date-canvas", lambda n: n > 4000)
    # Every date the big date shows from now on, as the page shows it (a MutationObserver: polling can miss a frame
    # that is on screen for less than a second on a loaded machine).
    page.evaluate(
        f"""() => {{ window.__dates = []; const read = {BIG_DATE};
            new MutationObserver(() => {{ const d = read(); if (d && window.__dates.at(-1) !== d) window.__dates.push(d); }})
                .observe(document.body, {{subtree: true, childList: true, characterData: true}}); }}"""
    )
    t0 = time.monotonic()
    page.get_by_role("button", name="Play").click()
    with contextlib.suppress(playwright_sync.TimeoutError):  # from the first act, one frame after another
        page.wait_for_function(
            "() => new Set(window.__dates.filter(d => d !== '30 Jun 2026')).size >= 3", timeout=30_000
        )
    order = [d for d in dict.fromkeys(page.evaluate("() => window.__dates")) if d != "30 Jun 2026"]
    assert order[:3] == FRAMES[:3], f"the big date read {order} in {time.monotonic() - t0:.1f} s"
    shot(page, "timelapse-playing")
    page.get_by_role("button", name="Pause").click()
    wait_idle(page)
    held = big_date(page)
    page.wait_for_timeout(2500)
    assert big_date(page) == held, "Pause holds the frame"
    assert page.url == start_url, "playing never writes the URL"
    # The canvas is that frame's map: the paused early frame (at most the 12 signatories of 11 Feb 2025) paints
    # less of it "signed" blue than the view date, and Stop paints it back.
    early = signed_pixels(page, canvas, "timelapse-paused-canvas", lambda n: n < full - 2000)
    assert early < full - 2000, f"signed-blue pixels: {early} on {held}, {full} on the view date"
    page.get_by_role("button", name="Stop").click()
    wait_big_date(page, "30 Jun 2026")
    late = signed_pixels(page, canvas, "timelapse-stopped-canvas", lambda n: n > early + 2000)
    assert late > early + 2000, f"signed-blue pixels: {early} on {held}, {late} on the view date after Stop"
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
