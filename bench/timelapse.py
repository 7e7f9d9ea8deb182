"""python -m bench.timelapse [--steps 24] [--selection voluntary] [--child] — one step of the map's time-lapse.

Not part of bench.run (a separate, short measurement, like bench.images and bench.mapbytes). On a private copy of
the committed release (bench.common.snapshot_release), at its as-of date:

1. server: in a fresh process, per frame of each case (the view date left out: that is the page's own deck), the
   uncached build of the frame (`dashboard.views.timelapse.frame.fn`: the frame's SQL and status rules, the deck,
   its legend) plus the deck's JSON (what Streamlit sends); then the memo hit of a frame seen before;
2. Chromium (headless Debian chromium, loopback only, bench.browser's harness): the World map of `--selection`
   (default: all voluntary instruments, the longest time-lapse and the largest map), then `--steps` presses of ←
   (pass 1: frames the server has not built yet) and as many of → back (pass 2: memoised frames). Per step, on the
   page's clock, from the keydown to (a) the big date showing the new frame and (b) the redraw done: Streamlit's
   script_finished received, the status widget gone and two animation frames (deck.gl draws on the next frame
   after React commits: bench/browser.py's end condition); and (c) script_finished reaching the page (the
   server's share: the fragment rerun and the transport). Also the websocket bytes the server sent per step.

3. the interaction floor of bench.run in the same run (`floor_interaction`: deck + selectbox, decks prebuilt, the
   selectbox changed `--steps` times): Streamlit's round trip plus deck.gl redrawing the map, with nothing else.

Prints JSON (p50 / p95 / max per figure); asserts nothing. Target: a step's p95 <= 500 ms.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import time

from bench import common as C

CASES = ["cets-225", "new-delhi-declaration", "binding", "voluntary"]
BIG_DATE_JS = """() => { const m = [...document.querySelectorAll('[data-testid="stMetric"]')]
    .find(e => e.innerText.includes('Time-lapse'));
    return m ? m.querySelector('[data-testid="stMetricValue"]').innerText.trim() : null; }"""
ARM_JS = (
    """(old) => { window.__dateAt = null; window.__keyAt = null;
    addEventListener('keydown', () => { if (window.__keyAt === null) window.__keyAt = performance.now(); },
                     {capture: true, once: true});
    const read = """
    + BIG_DATE_JS
    + """;
    const obs = new MutationObserver(() => { const v = read();
        if (v && v !== old && window.__dateAt === null) { window.__dateAt = performance.now(); obs.disconnect(); } });
    obs.observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
)


def _q(xs: list[float]) -> dict:
    s = C.summary(xs)
    return {k: (round(s[k], 1) if isinstance(s[k], float) else s[k]) for k in ("n", "p50", "p95", "max")}


def child(selection: str) -> dict:
    """Server time per frame (uncached build + JSON), in this fresh process."""
    logging.disable(logging.WARNING)
    from dashboard import queries
    from dashboard.views import timelapse

    rel = queries.current_release()
    as_of = queries.dataset_info(rel)["as_of"]
    t = time.perf_counter()
    dates = timelapse.frames.fn(rel, selection, as_of)
    dates_ms = (time.perf_counter() - t) * 1000
    build, to_json, sizes = [], [], []
    for d in dates[:-1]:
        t = time.perf_counter()
        f = timelapse.frame.fn(rel, selection, as_of, d)
        t1 = time.perf_counter()
        text = f.deck.to_json()
        t2 = time.perf_counter()
        build.append((t1 - t) * 1000)
        to_json.append((t2 - t1) * 1000)
        sizes.append(len(text))
    step = [b + j for b, j in zip(build, to_json, strict=True)]
    timelapse.frame(rel, selection, as_of, dates[0])
    t = time.perf_counter()
    timelapse.frame(rel, selection, as_of, dates[0])
    hit_us = (time.perf_counter() - t) * 1e6
    return {
        "selection": selection,
        "frames": len(dates),
        "frame_dates_ms": round(dates_ms, 1),
        "step_ms": _q(step),
        "build_ms": _q(build),
        "json_ms": _q(to_json),
        "deck_kb_max": round(max(sizes) / 1024, 1) if sizes else None,
        "memo_hit_us": round(hit_us, 1),
        "first_frame_ms": round(step[0], 1) if step else None,
    }


def browser_steps(db, selection: str, steps: int) -> dict:
    from bench.browser import DECK, VISIBLE_JS, Browser, Meter, _wait_done
    from tests.servers import app_server

    with app_server(db) as srv:
        br = Browser()
        ctx = br.context()
        try:
            page = ctx.new_page()
            m = Meter(page)
            page.goto(f"{srv.url}/World_map?instrument={selection}", wait_until="commit")
            page.wait_for_function(VISIBLE_JS, arg=[DECK, "World map"], polling="raf", timeout=120_000)
            _wait_done(page, m, 0)
            page.wait_for_function(BIG_DATE_JS, timeout=60_000)
            page.wait_for_timeout(1500)
            page.locator("h1").first.click()  # focus on the page, not in a widget
            out = {}
            for name, key in (("pass1_new_frames", "ArrowLeft"), ("pass2_memoised", "ArrowRight")):
                text, done, fin, ws_in, seen = [], [], [], [], []
                for _ in range(steps):
                    old = page.evaluate(BIG_DATE_JS)
                    n0, f0 = m.finished, len(m.frames)
                    page.evaluate(ARM_JS, old)
                    page.keyboard.press(key)
                    end = _wait_done(page, m, n0)
                    page.wait_for_function("() => window.__dateAt !== null", timeout=30_000)
                    k0, dt = page.evaluate("() => [window.__keyAt, window.__dateAt]")
                    text.append(dt - k0)
                    idx = m.finished_in_index(n0 + 1)  # when script_finished reached the page: the server's share
                    tf = page.evaluate("(i) => window.__wsTimes[i]", idx) if idx is not None else None
                    fin.append(tf - k0 if tf is not None else None)
                    done.append(end - k0)
                    ws_in.append(m.bytes_since(f0)["in"])
                    seen.append(page.evaluate(BIG_DATE_JS))
                    page.wait_for_timeout(300)
                out[name] = {
                    "to_date_text_ms": _q(text),
                    "to_redraw_done_ms": _q(done),
                    "to_script_finished_ms": _q(fin),
                    "ws_kb_per_step_p50": round(statistics.median(ws_in) / 1024, 1),
                    "dates": [seen[0], seen[-1]],
                }
            out["exceptions"] = page.locator('[data-testid="stException"]').count()
            page.screenshot(path="/tmp/bench-timelapse-last.png")
        finally:
            ctx.close()
            br.close()
    return out


def floor_interaction(db, changes: int) -> dict:
    """The interaction floor of bench.run (bench/floors/deck_select.py: a title, the Instrument selectbox and the
    app's deck prebuilt for every selection), measured here in the same run: a change costs only Streamlit's round
    trip and deck.gl redrawing the map, what a time-lapse step cannot go under on this machine."""
    from bench import browser as B
    from bench.run import instrument_labels

    labels = instrument_labels(db)[: max(1, changes // 2)]
    path, title, _ = B.FLOOR_PAGES["deck_select"]
    br = B.Browser()
    try:
        with C.floor_dir(db) as d, C.floor_server(d, "deck_select", db) as s:
            out = B.interaction(br, s.url, path, title, labels * 2)
    finally:
        br.close()
    return {k: _q(out[k]["raw"]) for k in ("ms", "to_script_finished_ms")} | {"changes": out["changes"]}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=24)
    ap.add_argument("--selection", default="voluntary")
    ap.add_argument("--child", metavar="SELECTION")
    ap.add_argument("--no-floor", action="store_true", help="skip the interaction floor (deck + selectbox)")
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child)))
        return 0
    db, name = C.snapshot_release()
    env = {**os.environ, "ATLAS_DB": str(db)}
    load0 = os.getloadavg()[0]
    server = []
    for sel in CASES:
        res = subprocess.run(
            [C.PY, "-m", "bench.timelapse", "--child", sel], cwd=C.ROOT, env=env, capture_output=True, text=True
        )
        if res.returncode:
            raise SystemExit(res.stderr[-3000:])
        server.append(json.loads(res.stdout.strip().splitlines()[-1]))
    t = time.perf_counter()
    chromium = browser_steps(db, a.selection, a.steps)
    floor = None if a.no_floor else floor_interaction(db, a.steps)
    print(
        json.dumps(
            {
                "release": name,
                "load_avg_start_end": [round(load0, 2), round(os.getloadavg()[0], 2)],
                "server_per_step": server,
                "chromium": {"selection": a.selection, "steps_per_pass": a.steps, **chromium},
                "floor_deck_select_interaction": floor,
                "chromium_wall_s": round(time.perf_counter() - t, 1),
                "target_p95_ms": 500,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
