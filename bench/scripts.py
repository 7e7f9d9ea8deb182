"""Script runs per page under streamlit.testing.v1.AppTest: one fresh process per page (so the first run is cold:
modules not imported, caches empty, no DuckDB connection), then warm runs.

Two clocks per run:
- exec_ms: time inside the script itself (streamlit's exec_func_with_error_handling around the page code), what a
  visitor waits for on the server;
- wall_ms: AppTest.run() end to end (adds thread start-up and AppTest's parsing of the output messages).
AppTest's per-instance scan of installed packages for components (BidiComponentManager, ~100-800 ms here; a real
server does it once at start-up) is done once, before timing, and shared.

Usage (one page per process): python -m bench.scripts --db PATH --page pages/1_World_map.py --warm 15
[--profile] [--deadline 240]. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--page", required=True, help="page path relative to the repo root, or an absolute script")
    ap.add_argument("--warm", type=int, default=10)
    ap.add_argument("--query", default="", help="URL query string for every run, e.g. instrument=cets-225")
    ap.add_argument(
        "--profile",
        action="store_true",
        help="sample the script thread during the warm runs and add the top costs, ms per run",
    )
    ap.add_argument(
        "--deadline",
        type=float,
        default=0,
        help="seconds: if the process is still running then, print what it has (timed_out, with a "
        "sampled profile of its last 20 s) and exit",
    )
    args = ap.parse_args(argv)
    os.environ["ATLAS_DB"] = args.db
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)

    import streamlit.runtime.scriptrunner.script_runner as sr
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    exec_times: list[float] = []
    orig = sr.exec_func_with_error_handling

    def timed(func, ctx):
        t = time.perf_counter()
        try:
            return orig(func, ctx)
        finally:
            exec_times.append((time.perf_counter() - t) * 1000)

    sr.exec_func_with_error_handling = timed
    bidi = BidiComponentManager()
    bidi.discover_and_register_components(start_file_watching=False)
    query = dict(p.split("=", 1) for p in args.query.split("&") if p)
    standalone = Path(args.page).is_absolute()

    def new_app() -> AppTest:
        at = AppTest.from_file(args.page if standalone else str(ROOT / "streamlit_app.py"), default_timeout=120)
        at._bidi_component_manager = bidi
        if not standalone and args.page != "streamlit_app.py":
            at.switch_page(args.page)
        for k, v in query.items():
            at.query_params[k] = v
        return at

    def one(at: AppTest) -> tuple[float, float, int]:
        n0 = len(exec_times)
        t = time.perf_counter()
        at.run()
        wall = (time.perf_counter() - t) * 1000
        ex = sum(exec_times[n0:])
        return wall, ex, len(at.exception)

    out: dict = {"page": args.page, "query": args.query, "warm_wall_ms": [], "warm_exec_ms": [], "exceptions": 0}
    if args.deadline:
        from bench.sampler import Sampler

        def watchdog():
            window = min(20.0, args.deadline / 3)
            time.sleep(args.deadline - window)
            smp = Sampler().start()
            time.sleep(window)
            smp.stop()
            out["timed_out"] = True
            out["deadline_s"] = args.deadline
            out["profile_last_window"] = smp.result(runs=1) | {"window_s": window}
            print(json.dumps(out, default=str), flush=True)
            os._exit(0)

        threading.Thread(target=watchdog, daemon=True).start()
    at = new_app()
    out["cold_wall_ms"], out["cold_exec_ms"], exc = one(at)
    out["exceptions"] = exc
    out["rerun_wall_ms"], out["rerun_exec_ms"] = [], []
    wall, ex = out["warm_wall_ms"], out["warm_exec_ms"]
    smp = None
    if args.profile:
        from bench.sampler import Sampler

        smp = Sampler().start()
    for _ in range(args.warm):
        at = new_app()
        w, e, exc = one(at)
        wall.append(w)
        ex.append(e)
        out["exceptions"] += exc
    if smp is not None:
        smp.stop()
        out["profile"] = smp.result(runs=args.warm)
    # A rerun in the same session (what a widget change costs before its own new work).
    for _ in range(max(3, args.warm // 3)):
        w, e, exc = one(at)
        out["rerun_wall_ms"].append(w)
        out["rerun_exec_ms"].append(e)
    print(json.dumps(out, default=str), flush=True)
    os._exit(0)  # not sys.exit: a watchdog thread may be sleeping
    return 0


if __name__ == "__main__":
    sys.exit(main())
