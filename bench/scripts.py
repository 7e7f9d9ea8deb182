"""Script runs per page under streamlit.testing.v1.AppTest: one fresh process per page (so the first run is cold:
modules not imported, caches empty, no DuckDB connection), then warm runs.

Two clocks per run:
- exec_ms: time inside the script itself (streamlit's exec_func_with_error_handling around the page code), what a
  visitor waits for on the server;
- wall_ms: AppTest.run() end to end (adds thread start-up and AppTest's parsing of the output messages).
AppTest's per-instance scan of installed packages for components (BidiComponentManager, ~100-800 ms here; a real
server does it once at start-up) is done once, before timing, and shared.

Usage (one page per process): python -m bench.scripts --db PATH --page pages/1_World_map.py --warm 15
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
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
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the warm runs (inside the script thread) and add the top costs, ms per run")
    args = ap.parse_args(argv)
    os.environ["ATLAS_DB"] = args.db
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)

    import streamlit.runtime.scriptrunner.script_runner as sr
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    exec_times: list[float] = []
    orig = sr.exec_func_with_error_handling
    prof = {"p": None}

    def timed(func, ctx):
        p = prof["p"]
        t = time.perf_counter()
        if p:
            p.enable()
        try:
            return orig(func, ctx)
        finally:
            if p:
                p.disable()
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

    out: dict = {"page": args.page, "query": args.query}
    at = new_app()
    out["cold_wall_ms"], out["cold_exec_ms"], exc = one(at)
    out["exceptions"] = exc
    out["rerun_wall_ms"], out["rerun_exec_ms"] = [], []
    wall, ex = [], []
    if args.profile:
        import cProfile
        prof["p"] = cProfile.Profile()
    for _ in range(args.warm):
        at = new_app()
        w, e, exc = one(at)
        wall.append(w)
        ex.append(e)
        out["exceptions"] += exc
    if prof["p"] is not None:
        out["profile"] = top_costs(prof["p"], args.warm)
        prof["p"] = None
    # A rerun in the same session (what a widget change costs before its own new work).
    for _ in range(max(3, args.warm // 3)):
        w, e, exc = one(at)
        out["rerun_wall_ms"].append(w)
        out["rerun_exec_ms"].append(e)
    out["warm_wall_ms"], out["warm_exec_ms"] = wall, ex
    print(json.dumps(out))
    return 0


def top_costs(p, runs: int, n: int = 20) -> dict:
    """cProfile stats -> the app's own functions by cumulative time, and all functions by self time (ms per run)."""
    import pstats

    st = pstats.Stats(p).stats
    root = str(ROOT) + "/"

    def name(k):
        f, line, fn = k
        f = f.replace(root, "") if f.startswith(root) else f.split("site-packages/")[-1]
        return f"{fn} ({f}:{line})"

    app = [(name(k), v[3] * 1000 / runs, v[1]) for k, v in st.items()
           if k[0].startswith(root) and "/.venv/" not in k[0] and "/bench/" not in k[0]]
    every = [(name(k), v[2] * 1000 / runs, v[1]) for k, v in st.items()]
    cum = [(name(k), v[3] * 1000 / runs, v[1]) for k, v in st.items()
           if "/threading.py" not in k[0] and "exec_code.py" not in k[0] and "script_runner.py" not in k[0]
           and k[2] not in ("<built-in method builtins.exec>", "timed", "run", "code_to_exec", "_mpa_v1")]
    def fmt(rows, k=n):
        return [{"function": f, "ms_per_run": round(ms, 2), "calls": c} for f, ms, c in
                sorted(rows, key=lambda r: -r[1])[:k]]
    return {"runs": runs, "cumulative_app": fmt(app), "cumulative_all": fmt(cum, 30), "self_all": fmt(every)}


if __name__ == "__main__":
    sys.exit(main())
