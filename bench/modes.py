"""python -m bench.modes [--runs 7] — time to visible of a view as a page, a presentation and an embed.

Not part of bench.run (a separate, short measurement). One server on a snapshot of the real release, one Chromium
(the browser tests' flags); each run opens the view in a fresh context, the three modes interleaved so that a slow
moment of this shared machine hits all three alike. "Visible" is bench.browser's condition: the main element (deck
canvas or Plotly plot) has a box; for the page and the presentation the h1 must say the title too (an embed has
none). Target (issue 12): present and embed within 1.15x the page. Prints a Markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time

from bench import common as C
from bench.browser import DECK, PLOTLY, Browser, page_load

VIEWS = [
    ("World map", "/World_map?instrument=cets-225", "World map of participation", DECK),
    ("Binding vs voluntary", "/Binding_vs_voluntary", "Binding vs voluntary", PLOTLY),
    ("Entry into force", "/Entry_into_force?instrument=cets-225", "Entry into force", PLOTLY),
]
MODES = {"page": "", "present": "present=1", "embed": "embed=true"}
TARGET = 1.15


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    db, digest = C.snapshot_release()
    out: dict = {"release": digest, "runs": args.runs, "started": time.strftime("%Y%m%d-%H%M%S"), "views": {}}
    with C.app_server(db) as srv:
        srv.wait_healthy()
        br = Browser()
        try:
            for label, path, title, sel in VIEWS:
                page_load(br, srv.url, path, title, sel)  # warm the server's memo for this view once
                got: dict[str, list[float]] = {m: [] for m in MODES}
                for _ in range(args.runs):
                    for mode, q in MODES.items():
                        url = path + (("&" if "?" in path else "?") + q if q else "")
                        r = page_load(br, srv.url, url, None if mode == "embed" else title, sel)
                        got[mode].append(r["visible_ms"])
                out["views"][label] = {m: C.summary(v) for m, v in got.items()}
        finally:
            br.close()
    out["blocked"] = sorted(br.blocked)
    path = C.ROOT / "bench" / "results" / f"modes-{out['started']}.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=1))
    print("| view | page p50 | present p50 (ratio) | embed p50 (ratio) | target |")
    print("|---|---|---|---|---|")
    for label, s in out["views"].items():
        base = s["page"]["p50"]
        cells = [f"{s[m]['p50']:.0f} ms ({s[m]['p50'] / base:.2f}x)" for m in ("present", "embed")]
        print(f"| {label} | {base:.0f} ms | {cells[0]} | {cells[1]} | <= {TARGET}x |")
    print(f"\nraw: {path.relative_to(C.ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
