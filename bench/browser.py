"""Real-browser figures (headless Debian Chromium, loopback only): time to the main chart/map, in-app navigation,
a widget interaction, and HTTP / websocket bytes.

All times are taken with the page's own clock (performance.now()): page loads from navigation start, clicks from
the pointerdown on the link / option (a capture listener records it) to the end condition. Conditions:
- main element visible: the page's h1 says the expected title (if given) and its main element (deck canvas, Plotly
  .js-plotly-plot, else the first dataframe) has a non-empty box and is not inside a stale element;
- re-render complete: the websocket has delivered Streamlit's script_finished after the click (decoded with
  ForwardMsg), [data-testid="stStatusWidget"] is gone, and two animation frames have passed (deck.gl draws on the
  next frame after React commits).
HTTP bytes come from Resource Timing (navigation + resources, transferSize = bytes on the wire, headers included;
decodedBodySize = after decompression); websocket bytes are the sums of frame payloads (page.on("websocket")).
Anything not on 127.0.0.1 is aborted and listed (Streamlit's frontend asks fonts.gstatic.com for its icon font).
"""

from __future__ import annotations

import shutil
import time

from playwright.sync_api import sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.common import SHARED_LINK, log, summary
from tests.browser_utils import CHROMIUM_ARGS

# The same Chromium flags as the browser tests (tests/browser_utils.py; bench may import tests, never the reverse).
ARGS = CHROMIUM_ARGS
DECK = '[data-testid="stDeckGlJsonChart"] canvas'
PLOTLY = '[data-testid="stPlotlyChart"] .js-plotly-plot'
DATAFRAME = '[data-testid="stDataFrame"]'
LINK_QS = "&".join(f"{k}={v}" for k, v in SHARED_LINK.items())
# (url path, sidebar label, h1 title, main element)
PAGES = [
    ("/", "Overview", "AI Governance Atlas", DATAFRAME),
    ("/World_map?" + LINK_QS, "World map", "World map of participation", DECK),
    ("/Entry_into_force", "Entry into force", "Entry into force", PLOTLY),
    ("/Binding_vs_voluntary", "Binding vs voluntary", "Binding vs voluntary", PLOTLY),
    ("/Corporate_stances", "Corporate stances", "Corporate stances", PLOTLY),
    ("/Country", "Country profile", "Country profile", DATAFRAME),
    ("/Instrument", "Instrument profile", "Instrument profile", DECK),
    ("/Company", "Company profile", "Company profile", DATAFRAME),
    ("/Data_and_sources", "Data & sources", "Data & sources", DATAFRAME),
]
FLOOR_PAGES = {
    "empty": ("/", "Empty page", "h1"),
    "deck_only": ("/", None, DECK),
    "plotly_only": ("/", None, PLOTLY),
    "naive_peer": ("/?" + LINK_QS, "World map of participation", DECK),
    "deck_select": ("/", "World map of participation", DECK),
}

INIT_JS = """
performance.setResourceTimingBufferSize(2000);
window.__lastPointer = null;
addEventListener('pointerdown', () => { window.__lastPointer = performance.now(); }, true);
window.__wsTimes = [];
(() => {
  const Orig = window.WebSocket;
  class Timed extends Orig {
    constructor(...a) {
      super(...a);
      if (String(a[0]).includes('_stcore/stream'))
        this.addEventListener('message', () => window.__wsTimes.push(performance.now()));
    }
  }
  window.WebSocket = Timed;
})();
"""
VISIBLE_JS = """([sel, title]) => {
  if (title) {
    const h = [...document.querySelectorAll('h1')].find(h => !h.closest('[data-stale="true"]'));
    if (!h || !h.textContent.includes(title)) return false;
  }
  const e = [...document.querySelectorAll(sel)].find(e => !e.closest('[data-stale="true"]'));
  if (!e) return false;
  const r = e.getBoundingClientRect();
  return (r.width > 0 && r.height > 0) ? performance.now() : false;
}"""
IDLE_JS = """() => document.querySelector('[data-testid="stStatusWidget"]') ? false : performance.now()"""
TWO_FRAMES_JS = (
    """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"""
)
HTTP_JS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const all = nav ? [nav, ...res] : res;
  const geo = res.find(r => r.name.includes('world_110m.geojson'));
  return {transfer: all.reduce((a, r) => a + (r.transferSize || 0), 0),
          decoded: all.reduce((a, r) => a + (r.decodedBodySize || 0), 0),
          requests: all.length,
          app_static: res.filter(r => r.name.includes('/app/static/')).reduce((a, r) => a + (r.transferSize || 0), 0),
          geojson_end: geo ? geo.responseEnd : null};
}"""
EARLY = ForwardMsg.FINISHED_EARLY_FOR_RERUN


class Meter:
    """Websocket frames of the Streamlit stream, decoded enough to see script_finished."""

    def __init__(self, page):
        self.frames: list[tuple[str, int, str | None]] = []
        self.finished = 0
        page.on("websocket", self._ws)

    def _ws(self, ws):
        if "_stcore/stream" not in ws.url:
            return
        ws.on("framereceived", lambda p: self._frame("in", p))
        ws.on("framesent", lambda p: self._frame("out", p))

    def _frame(self, d, payload):
        b = payload if isinstance(payload, bytes) else payload.encode()
        kind = None
        if d == "in":
            try:
                m = ForwardMsg.FromString(b)
                kind = m.WhichOneof("type")
                if kind == "script_finished" and m.script_finished != EARLY:
                    self.finished += 1
            except Exception:
                kind = "?"
        self.frames.append((d, len(b), kind))

    def finished_in_index(self, nth: int) -> int | None:
        """Index, among received frames, of the nth script_finished (1-based)."""
        k = i = 0
        for d, _, kind in self.frames:
            if d != "in":
                continue
            if kind == "script_finished":
                k += 1
                if k == nth:
                    return i
            i += 1
        return None

    def bytes_since(self, i0: int) -> dict:
        fr = self.frames[i0:]
        return {
            "in": sum(n for d, n, _ in fr if d == "in"),
            "out": sum(n for d, n, _ in fr if d == "out"),
            "frames": len(fr),
        }


class Browser:
    def __init__(self):
        self.pw = sync_playwright().start()
        self.b = self.pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True, args=ARGS)
        self.blocked: set[str] = set()

    def close(self):
        self.b.close()
        self.pw.stop()

    def context(self):
        ctx = self.b.new_context(viewport={"width": 1400, "height": 900})

        def route(r):
            u = r.request.url
            if u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
                r.continue_()
            else:
                self.blocked.add(u.split("?")[0])
                r.abort()

        ctx.route("**/*", route)
        ctx.add_init_script(INIT_JS)
        return ctx


class Stuck(Exception):
    """The page did not settle; the message says what was on screen."""


def _wait_done(page, m: Meter, n0: int, timeout: float = 90) -> float:
    """Wait for a script_finished after n0, the status widget gone and two frames; returns performance.now()."""
    t = time.monotonic()
    while m.finished <= n0:
        if time.monotonic() - t > timeout:
            raise Stuck(f"no script_finished after {timeout:.0f} s; {_status_text(page)}")
        page.wait_for_timeout(5)
    try:
        page.wait_for_function(IDLE_JS, polling="raf", timeout=timeout * 1000)
    except Exception as exc:
        raise Stuck(f"status widget still shown {timeout:.0f} s after script_finished; {_status_text(page)}") from exc
    return page.evaluate(TWO_FRAMES_JS)


def _status_text(page) -> str:
    try:
        w = page.locator('[data-testid="stStatusWidget"]')
        txt = w.first.inner_text(timeout=2000) if w.count() else "(no status widget)"
        stamp = int(time.time())
        page.screenshot(path=f"/tmp/bench-stuck-{stamp}.png")
        return f"status widget text {txt!r}; screenshot /tmp/bench-stuck-{stamp}.png"
    except Exception as exc:
        return f"(could not read the page: {exc})"[:200]


def page_load(br: Browser, base: str, path: str, title: str | None, sel: str) -> dict:
    """A fresh context opens base+path; time to main element visible; bytes once the script has finished."""
    ctx = br.context()
    try:
        page = ctx.new_page()
        m = Meter(page)
        page.goto(base + path, wait_until="commit", timeout=90000)
        visible = page.wait_for_function(VISIBLE_JS, arg=[sel, title], polling="raf", timeout=120000).json_value()
        done = _wait_done(page, m, 0)
        page.wait_for_timeout(700)  # late fetches (geojson, style, fonts) land in the byte count
        http = page.evaluate(HTTP_JS)
        ws = m.bytes_since(0)
        errors = page.locator('[data-testid="stException"]').count()
        complete = max(visible, http["geojson_end"] or 0)
        return {
            "visible_ms": visible,
            "done_ms": done,
            "complete_ms": complete,
            "http": http,
            "ws": ws,
            "exceptions": errors,
        }
    finally:
        ctx.close()


def navigation(br: Browser, base: str, rounds: int) -> dict:
    """Overview -> each page by its sidebar link -> back to Overview, `rounds` times, one context per round."""
    per: dict[str, list[float]] = {}
    ws_bytes: dict[str, list[int]] = {}
    failures: list[str] = []
    for _ in range(rounds):
        ctx = br.context()
        try:
            page = ctx.new_page()
            m = Meter(page)
            page.goto(base + "/", wait_until="commit")
            page.wait_for_function(VISIBLE_JS, arg=[DATAFRAME, PAGES[0][2]], polling="raf", timeout=120000)
            _wait_done(page, m, 0)
            for path, label, title, sel in [*PAGES[1:], PAGES[0]]:
                page.wait_for_timeout(300)
                n0, f0 = m.finished, len(m.frames)
                key = path.split("?")[0]
                try:
                    link = page.locator('[data-testid="stSidebar"] a', has_text=label).first
                    link.click()
                    vis = page.wait_for_function(
                        VISIBLE_JS, arg=[sel, title], polling="raf", timeout=120000
                    ).json_value()
                    t0 = page.evaluate("window.__lastPointer")
                    _wait_done(page, m, n0)
                except Exception as exc:
                    failures.append(f"{key}: {exc}"[:400])
                    continue
                per.setdefault(key, []).append(vis - t0)
                ws_bytes.setdefault(key, []).append(m.bytes_since(f0)["in"])
        finally:
            ctx.close()
    return {
        "per_page_ms": {k: summary(v) for k, v in per.items()},
        "all_ms": summary([x for v in per.values() for x in v]),
        "ws_in_bytes": {k: summary(v) for k, v in ws_bytes.items()},
        "failures": failures,
    }


def interaction(br: Browser, base: str, path: str, title: str, labels: list[str]) -> dict:
    """Change the Instrument selectbox to each label in turn; time pointerdown on the option -> re-render done."""
    ctx = br.context()
    times, server, ws_in, ws_out, errors, failures = [], [], [], [], 0, []
    try:
        page = ctx.new_page()
        m = Meter(page)
        page.goto(base + path, wait_until="commit")
        page.wait_for_function(VISIBLE_JS, arg=[DECK, title], polling="raf", timeout=120000)
        _wait_done(page, m, 0)
        page.wait_for_timeout(1000)
        for label in labels:
            n0, f0 = m.finished, len(m.frames)
            try:
                page.locator('[data-testid="stSelectbox"]').first.click()
                page.keyboard.type(label)
                page.get_by_role("option", name=label, exact=True).click()
                end = _wait_done(page, m, n0)
            except Exception as exc:
                failures.append(f"{label}: {exc}"[:400])
                page.keyboard.press("Escape")
                continue
            t0 = page.evaluate("window.__lastPointer")
            times.append(end - t0)
            # When script_finished reached the page: the server's share (rerun + transport); the rest is drawing.
            idx = m.finished_in_index(n0 + 1)
            tf = page.evaluate("(i) => window.__wsTimes[i]", idx) if idx is not None else None
            server.append(tf - t0 if tf is not None else None)
            b = m.bytes_since(f0)
            ws_in.append(b["in"])
            ws_out.append(b["out"])
            errors += page.locator('[data-testid="stException"]').count()
            page.wait_for_timeout(250)
        page.screenshot(path="/tmp/bench-interaction-last.png")
    finally:
        ctx.close()
    return {
        "ms": summary(times),
        "to_script_finished_ms": summary(server),
        "ws_in_bytes": summary(ws_in),
        "ws_out_bytes": summary(ws_out),
        "exceptions": errors,
        "changes": len(labels),
        "failures": failures,
    }


def concurrent_open(br: Browser, base: str, n: int = 5) -> dict:
    """n fresh contexts open the map page at once; each one's time to the deck canvas."""
    path, _, title, sel = PAGES[1]
    ctxs = [br.context() for _ in range(n)]
    try:
        pages = [c.new_page() for c in ctxs]
        t = time.monotonic()
        for p in pages:
            p.goto(base + path, wait_until="commit")
        vis = [
            p.wait_for_function(VISIBLE_JS, arg=[sel, title], polling="raf", timeout=180000).json_value() for p in pages
        ]
        wall = (time.monotonic() - t) * 1000
        errors = sum(p.locator('[data-testid="stException"]').count() for p in pages)
        return {"visible_ms": summary(vis), "wall_ms": wall, "exceptions": errors}
    finally:
        for c in ctxs:
            c.close()


def loads(br: Browser, base: str, path: str, title, sel, n: int, label: str) -> dict:
    runs = []
    for i in range(n):
        try:
            runs.append(page_load(br, base, path, title, sel))
        except Exception as exc:
            log(f"  load {label} #{i} failed: {exc}")
            runs.append({"error": str(exc)[:300]})
    ok = [r for r in runs if "error" not in r]
    return {
        "visible_ms": summary([r["visible_ms"] for r in ok]),
        "complete_ms": summary([r["complete_ms"] for r in ok]),
        "done_ms": summary([r["done_ms"] for r in ok]),
        "http_transfer_bytes": summary([r["http"]["transfer"] for r in ok]),
        "http_decoded_bytes": summary([r["http"]["decoded"] for r in ok]),
        "http_requests": summary([r["http"]["requests"] for r in ok]),
        "app_static_bytes": summary([r["http"]["app_static"] for r in ok]),
        "ws_in_bytes": summary([r["ws"]["in"] for r in ok]),
        "ws_out_bytes": summary([r["ws"]["out"] for r in ok]),
        "exceptions": sum(r["exceptions"] for r in ok),
        "errors": [r["error"] for r in runs if "error" in r],
    }
