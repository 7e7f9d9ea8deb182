"""Per-process capacity for docs/scaling.md: waves of 10, 25, 50 x3 and 100 protocol-level sessions on one server.

Run: .venv/bin/python bench/capacity.py (prints one JSON line per wave; writes /tmp/capacity.json).
"""

import asyncio
import json
import statistics
import sys
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))
from bench.common import rss_tree_mb
from bench.load import wave
from tests.servers import app_server

res = []
with app_server(None) as srv:  # the release data/CURRENT names, as deployed
    port = srv.port
    rss = lambda: rss_tree_mb(srv.proc.pid)  # noqa: E731
    asyncio.run(wave(port, 1, 40, (0.01, 0.02), 0.0))  # warm the caches for every instrument, as a deploy would
    for n in (10, 25, 50, 50, 50, 100):
        before = rss()
        out = asyncio.run(wave(port, n, 2, (1.0, 3.0), 2.0, rss=rss))
        time.sleep(5)
        r = sorted(out["rerun_ms"])
        i = sorted(out["initial_ms"])

        def q(a, f):
            return round(a[min(len(a) - 1, int(f * len(a)))]) if a else None

        row = dict(
            sessions=n,
            failures=len(out["failures"]),
            first_view_p50=q(i, 0.5),
            first_view_p95=q(i, 0.95),
            rerun_p50=q(r, 0.5),
            rerun_p95=q(r, 0.95),
            rerun_bytes_p50=statistics.median(out["rerun_bytes"]) if out["rerun_bytes"] else None,
            rss_before=round(before),
            rss_peak=round(out["rss_peak_mb"] or 0),
            rss_after=round(rss()),
        )
        print(json.dumps(row), flush=True)
        res.append(row)
json.dump({"loadavg": open("/proc/loadavg").read(), "waves": res}, open("/tmp/capacity.json", "w"))
