"""Harness for the real-browser tests: headless Debian Chromium and a network guard (the server is
tests/servers.py's).

Nothing here asserts; tests/test_browser.py does. Kept separate so a maintainer can drive the app by hand:

    from tests.browser_utils import launch_chromium
    from tests.servers import app_server
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("ATLAS_SHOTS", "/tmp/atlas-shots"))
LOCAL_PREFIXES = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# No outside request is excused: the tab icon used to come from Google's font server (page_icon=":material/…");
# the Atlas now ships its own (dashboard/assets/favicon.png), so every blocked request counts as foreign.
STREAMLIT_OWN: tuple[str, ...] = ()
PAGE_TIMEOUT_MS = 90_000


def launch_chromium(pw):
    return pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS)


@dataclass
class NetGuard:
    """Aborts every request that would leave the machine and records it."""

    blocked: list[str] = field(default_factory=list)

    def install(self, context) -> NetGuard:
        def handle(route):
            url = route.request.url
            if url.startswith(LOCAL_PREFIXES):
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort()

        context.route("**/*", handle)
        return self

    @property
    def foreign(self) -> list[str]:
        """Blocked requests that are not Streamlit's own icon font."""
        return [u for u in self.blocked if not u.startswith(STREAMLIT_OWN)]


def new_context(browser, guard: bool = True, **options):
    """A 1400x1000 en-GB context with the network guard; `options` go to Playwright's new_context (a phone's
    viewport and user agent, color_scheme="dark"…)."""
    ctx = browser.new_context(
        **{"viewport": {"width": 1400, "height": 1000}, "locale": "en-GB", "timezone_id": "UTC"} | options
    )
    ctx.set_default_timeout(PAGE_TIMEOUT_MS)
    net = NetGuard().install(ctx) if guard else None
    return ctx, net


def wait_ready(page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the page has a title (an embed: its credit line) and Streamlit has finished running the script."""
    page.wait_for_selector("h1:visible, .st-key-atlas-embed-foot:visible", timeout=timeout_ms)
    wait_idle(page, timeout_ms)


def wait_idle(page, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until Streamlit reports its script finished (stApp's data-test-script-state) and nothing is stale."""
    deadline = time.monotonic() + timeout_ms / 1000
    quiet = 0
    while time.monotonic() < deadline:
        idle = page.evaluate(
            """() => { const app = document.querySelector('[data-testid="stApp"]');
                       return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
                           && app.getAttribute('data-test-connection-state') === 'CONNECTED'
                           && !document.querySelector('[data-testid="stStatusWidget"]')
                           && document.querySelectorAll('[data-stale="true"]').length === 0; }"""
        )
        quiet = quiet + 1 if idle else 0
        if quiet >= 3:
            return
        page.wait_for_timeout(200)
    state = page.evaluate(
        "() => { const a = document.querySelector('[data-testid=\"stApp\"]'); "
        "return a && [a.getAttribute('data-test-script-state'), "
        "a.getAttribute('data-test-connection-state')] }"
    )
    raise TimeoutError(f"the Streamlit script never finished running (stApp state {state})")


def shot(page, name: str, locator=None) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    (locator or page).screenshot(path=str(path))
    return path


# The text a reader sees cut short with an ellipsis: headline labels and numbers, and links in the page's main area.
CUT_TEXT = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMetricLabel"] p, [data-testid="stMain"] [data-testid="stMetricValue"] div,'
    + ' [data-testid="stMain"] [data-testid="stPageLink"] p')]
    .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)"""
