"""Accessibility in a real browser: axe-core (vendored, tests/vendor/axe-core) on every page in three modes, and a
visible keyboard focus that is not the current-page highlight.

Every page of dashboard.config.PAGES is opened with a representative query, in the normal view, `?present=1`
(presentation mode) and `?embed=true` (embedded); until a mode exists the URL shows the normal page, which is
still checked. axe runs its default rule set (WCAG 2.x A/AA and best practice); the test fails on any violation of
impact "serious" or "critical", listing the rule, its impact and the elements' selectors. Servers run on the
fixture release (tests/fixtures/sources), offline: every outside request is blocked (tests/browser_utils.py).
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from dashboard.config import PAGES
from tests.browser_utils import new_context, shot, wait_idle, wait_ready

playwright_sync = pytest.importorskip("playwright.sync_api")
if not shutil.which("chromium"):
    pytest.skip("Debian chromium is not installed (scripts/test.sh installs it)", allow_module_level=True)

pytestmark = [pytest.mark.system, pytest.mark.browser]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
# A representative view of each page (config.PAGES url path -> queries): an instrument with signatories, a state
# with records, the default company; the Instrument profile also on an instrument whose named list is partial (its
# coverage line links the count's source).
QUERIES = {
    "World_map": ["instrument=cets-225"],
    "Entry_into_force": ["instrument=cets-225"],
    "Country": ["country=NOR"],
    "Instrument": ["instrument=cets-225", "instrument=paris-ai-action-statement"],
    "Company": ["company=meta"],
}
CASES = [(path, q) for _, path, _, _ in PAGES for q in QUERIES.get(path, [""])]
MODES = {"normal": "", "present": "present=1", "embed": "embed=true"}
BLOCKING = ("serious", "critical")
# Moderate, but a screen reader lists a page by its headings: a skipped level (h1 then h3) fails too.
ALSO_BLOCKING = {"heading-order"}
# Elements inside Streamlit's own frontend that we cannot change from the app, each with the rule it breaks and why
# (axe's `exclude`). Empty: every serious or critical violation found so far was ours and is fixed.
STREAMLIT_EXCLUDES: list[list[str]] = []


def page_url(base: str, path: str, query: str, mode: str) -> str:
    query = "&".join(q for q in (query, MODES[mode]) if q)
    return f"{base}/{path}" + (f"?{query}" if query else "")


def wait_drawn(page, timeout_ms: int = 90_000) -> None:
    """Every Plotly chart has its SVG and every deck.gl map its canvas (they load lazily), then a quiet moment."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                   .every(p => p.querySelector('.js-plotly-plot .main-svg'))
              && [...document.querySelectorAll('[data-testid="stDeckGlJsonChart"]')]
                   .every(d => d.querySelector('canvas'))""",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(500)
    wait_idle(page)


def run_axe(page) -> list[dict]:
    """axe.run on the whole document; the violations as {id, impact, help, targets, html, why} (per element: its
    selector, the start of its markup and axe's summary of what fails)."""
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (exclude) => {
            const r = await axe.run({include: [document], exclude: exclude}, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           targets: v.nodes.map(n => n.target.join(' ')),
                                           html: v.nodes.map(n => n.html.slice(0, 160)),
                                           why: v.nodes.map(n => (n.failureSummary || '').slice(0, 200))}));
        }""",
        STREAMLIT_EXCLUDES,
    )


def describe(violations: list[dict]) -> str:
    return "\n".join(
        f"  {v['id']} ({v['impact']}, {len(v['targets'])} element(s)): {v['help']}\n"
        + "\n".join(
            f"      {t}\n        {h}\n        {w}"
            for t, h, w in list(zip(v["targets"], v["html"], v["why"], strict=True))[:8]
        )
        + (f"\n      … and {len(v['targets']) - 8} more" if len(v["targets"]) > 8 else "")
        for v in violations
    )


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("path, query", CASES, ids=[f"{p or 'Overview'}{'-' + q if q else ''}" for p, q in CASES])
def test_axe_no_serious_or_critical_violation(browser, atlas, path, query, mode):
    ctx, net = new_context(browser)
    page = ctx.new_page()
    url = page_url(atlas.url, path, query, mode)
    page.goto(url, wait_until="domcontentloaded")
    wait_ready(page)
    wait_drawn(page)
    violations = run_axe(page)
    blocking = [v for v in violations if v["impact"] in BLOCKING or v["id"] in ALSO_BLOCKING]
    if blocking:
        shot(page, f"a11y-{path or 'Overview'}-{query.partition('=')[2] or 'page'}-{mode}")
    others = [f"{v['id']} ({v['impact']})" for v in violations if v not in blocking]
    assert blocking == [], (
        f"{url}: {len(blocking)} serious/critical axe violation(s):\n{describe(blocking)}\n"
        f"(minor/moderate, not failing: {others})"
    )
    assert net.foreign == [], f"blocked non-local requests: {net.blocked}"
    ctx.close()


FOCUS_STYLE = """(el) => { const s = getComputedStyle(el);
    return {outline: s.outlineStyle === 'none' ? 'none' : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`,
            width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow, background: s.backgroundColor}; }"""


def test_keyboard_focus_on_a_nav_link_looks_different_from_the_current_page_link(browser, atlas):
    """Tab to a sidebar link that is not the current page: it must show a focus ring (an outline of at least 2 px)
    and so look different from the current page's link, which Streamlit marks with a pale background only (before,
    a focused link got exactly that background and nothing else: E2 of the UX review)."""
    ctx, _ = new_context(browser)
    page = ctx.new_page()
    page.goto(f"{atlas.url}/World_map?instrument=cets-225", wait_until="domcontentloaded")
    wait_ready(page)
    links = page.locator('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
    page.wait_for_function(
        'n => document.querySelectorAll(\'[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]\').length >= n',
        arg=len(PAGES),
    )
    current = links.filter(has_text="World map").first
    current_look = current.evaluate(FOCUS_STYLE)
    focused, path = None, []
    page.evaluate("() => document.activeElement && document.activeElement.blur()")  # Tab from the page's start
    for _ in range(40):
        page.keyboard.press("Tab")
        page.wait_for_timeout(50)
        text = page.evaluate(
            """() => { const e = document.activeElement;
                       return e && e.matches('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')
                           ? e.innerText.trim() : (e ? e.tagName : null); }"""
        )
        path.append(text)
        if text and text.endswith("Entry into force"):
            with contextlib.suppress(playwright_sync.TimeoutError):  # the style arrives with the page's first run
                page.wait_for_function(
                    "() => getComputedStyle(document.activeElement).outlineStyle !== 'none'", timeout=5000
                )
            focused = page.evaluate(f"() => ({FOCUS_STYLE})(document.activeElement)")
            break
    assert focused is not None, f"Tab never reached the 'Entry into force' link in the sidebar: {path}"
    shot(page, "a11y-focus-nav", page.locator('[data-testid="stSidebar"]'))
    assert focused["outline"] != "none" and focused["width"] >= 2, f"no visible focus ring: {focused}"
    assert (focused["outline"], focused["shadow"]) != (current_look["outline"], current_look["shadow"]), (
        f"the focused link looks like the current-page link: focused {focused}, current {current_look}"
    )
    ctx.close()
