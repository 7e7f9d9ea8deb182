"""python -m bench.search [--factor 100] [--reps 30] — how long a search takes on the server.

For the committed release (data/CURRENT) and, with --factor N, for the real sources multiplied xN by bench/synth.py
(built into /tmp/bench-search-xN): the index build (once per release), then every query of QUERIES run `reps` times
through dashboard.search.search() itself (the uncached cost: what the first visitor to type a query pays; later
ones get searchview's memoised hits). Prints JSON: build ms, and per query the median and p95 in ms, plus the
median and p95 over all queries; and `page`: whole Instrument-profile reruns under AppTest with a new query typed in
the sidebar box vs an empty box (page_reruns). Never asserts a timing (the machine is shared).
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

from bench import common as C  # noqa: E402 - after the sys.path line above

# Issue 12's examples, typos, ambiguous words, junk and a hostile 10,000-character string.
QUERIES = [
    "Kenia",
    "USA",
    "U.S.",
    "United States",
    "America",
    "UK",
    "Britain",
    "Türkiye",
    "Turkey",
    "225",
    "CETS 225",
    "78/265",
    "79/62",
    "EO 14179",
    "openai",
    "Open AI",
    "Seoul",
    "hiroshima",
    "united",
    "antropic",
    "qwertyuiop",
    "x" * 10_000,
    "\u202eKenya\u202c",
]


def measure(db: Path, reps: int) -> dict:
    os.environ["ATLAS_DB"] = str(db)
    from dashboard import cache, queries, search, searchview

    cache.clear_all()
    rel = queries.current_release()
    frames = queries.instruments(rel), queries.participants(rel), queries.companies(rel)
    t = time.perf_counter()
    index = search.build_index(*frames)
    build_ms = (time.perf_counter() - t) * 1000
    per, every = {}, []
    for q in QUERIES:
        search.search(index, q)  # first call warms nothing shared; keep it out of the figures anyway
        xs = []
        for _ in range(reps):
            t = time.perf_counter()
            search.search(index, q)
            xs.append((time.perf_counter() - t) * 1000)
        every += xs
        per[q if len(q) <= 30 else f"{q[:10]}... ({len(q)} chars)"] = {
            "p50": round(C.median(xs), 2),
            "p95": round(C.pct(xs, 95), 2),
        }
    searchview.hits(rel, "Kenia")  # builds searchview's own index and memoises the hits
    t = time.perf_counter()
    searchview.hits(rel, "Kenia")
    memo_ms = (time.perf_counter() - t) * 1000
    return {
        "db": db.name,
        "entries": len(index),
        "fuzzy_keys": len(index.keys),
        "build_ms": round(build_ms, 1),
        "all_p50_ms": round(C.median(every), 2),
        "all_p95_ms": round(C.pct(every, 95), 2),
        "max_ms": round(max(every), 2),
        "memoised_hit_ms": round(memo_ms, 3),
        "queries": per,
    }


PAGE_QUERIES = ["Seoul", "united", "hiroshima", "Kenia x", "republic", "the", "act", "guinea", "paris", "declaration"]


def page_reruns(db: Path) -> dict:
    """A whole page with the search: AppTest reruns of the Instrument profile, each new query of PAGE_QUERIES typed
    in the sidebar box (none clearly meant: the hits are listed), against the same rerun with an empty box. AppTest
    wall time, so its own overhead is included; the index is built before timing."""
    os.environ["ATLAS_DB"] = str(db)
    from dashboard import queries, searchview
    from tests.apptest_utils import run_page

    at = run_page("pages/6_Instrument.py")
    searchview.index(queries.current_release())
    empty, typed = [], []
    for q in PAGE_QUERIES:
        t = time.perf_counter()
        at.run()
        empty.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        at.text_input(key="search-sidebar").input(q).run()
        typed.append((time.perf_counter() - t) * 1000)
        at.text_input(key="search-sidebar").input("").run()
    return {
        "empty_box_p50_ms": round(C.median(empty), 1),
        "new_query_p50_ms": round(C.median(typed), 1),
        "new_query_max_ms": round(max(typed), 1),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--factor", type=int, default=0, help="also measure on the sources xN (bench/synth.py)")
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    out = {"load_start": os.getloadavg()[0], "committed": measure(C.real_release(), args.reps)}
    out["committed"]["page"] = page_reruns(C.real_release())
    if args.factor > 1:
        from bench import synth

        info = synth.make(args.factor, Path(f"/tmp/bench-search-x{args.factor}"))
        out[f"x{args.factor}"] = measure(Path(info["db"]), args.reps) | {"rows": info["rows"]}
        out[f"x{args.factor}"]["page"] = page_reruns(Path(info["db"]))
    out["load_end"] = os.getloadavg()[0]
    print(json.dumps(out, indent=1, ensure_ascii=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
