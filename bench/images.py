"""python -m bench.images [--runs 5] [--child] — server time to make the map downloads (PNG, SVG, time-lapse GIF).

Not part of bench.run (a separate, short measurement). Each figure comes from its own fresh process, so "first
click" is what the first reader of a newly started server waits for: the view's queries, the one-time projection
and rasterisation of the shapes, the drawing. "Later click" is the same view drawn again in that process with the
bytes not memoised (median of --runs): what a reader waits for on a view whose queries are warm. A repeated click
on the same view is a memo hit (microseconds). Prints a Markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import time

from bench import common as C

CASES = [
    ("new-delhi-declaration", "png"),
    ("new-delhi-declaration", "svg"),
    ("new-delhi-declaration", "gif"),
    ("voluntary", "gif"),
]  # the largest instrument map (91 endorsers); the longest time-lapse (every voluntary act)


def child(selection: str, fmt: str, runs: int) -> dict:
    logging.disable(logging.WARNING)
    from dashboard import facts, queries
    from dashboard.views import mapexport

    rel = queries.current_release()
    info = queries.dataset_info(rel)
    url = f"http://localhost:8501/World_map?as_of={info['as_of']}&instrument={selection}"
    make = getattr(mapexport, fmt)
    t = time.perf_counter()
    data = make.fn(rel, selection, info["as_of"], url)
    first = time.perf_counter() - t
    later = []
    for _ in range(runs):
        t = time.perf_counter()
        make.fn(rel, selection, info["as_of"], url)
        later.append(time.perf_counter() - t)
    make(rel, selection, info["as_of"], url)
    t = time.perf_counter()
    make(rel, selection, info["as_of"], url)
    hit = time.perf_counter() - t
    frames = len(facts.timelapse(rel, selection, info["as_of"])) if fmt == "gif" else 1
    return {
        "selection": selection,
        "format": fmt,
        "first_ms": first * 1000,
        "later_ms": statistics.median(later) * 1000,
        "hit_us": hit * 1e6,
        "bytes": len(data),
        "frames": frames,
        "release": rel.location.rsplit("/", 1)[-1],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--child", nargs=2, metavar=("SELECTION", "FORMAT"))
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(*a.child, a.runs)))
        return
    rows = []
    for sel, fmt in CASES:
        out = subprocess.run(
            [C.PY, "-m", "bench.images", "--runs", str(a.runs), "--child", sel, fmt],
            cwd=C.ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"release {rows[0]['release']}, {a.runs} later runs per figure\n")
    print("| map | format | frames | first click (ms) | later click, median (ms) | memo hit (µs) | size (KB) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['selection']} | {r['format'].upper()} | {r['frames']} | {r['first_ms']:.0f} | "
            f"{r['later_ms']:.0f} | {r['hit_us']:.0f} | {r['bytes'] / 1024:.0f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
