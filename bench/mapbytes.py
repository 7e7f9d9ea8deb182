"""python -m bench.mapbytes: websocket bytes per map rerun for every selection, the largest maps included.

One protocol-level session (tests/servers.py, as the browser speaks it) opens the World map on the committed
release, then switches the Instrument picker to every option in turn and records the bytes the server sends for
each rerun (the map's fragment: deck colour expression, markers, legend, lines). Prints JSON: p50 / p95 / max and the
bytes of the largest selections. Target (issue 9): p95 <= 50 KB, and the largest map within it too.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time

from streamlit.proto.WidgetStates_pb2 import WidgetState

from tests.servers import Session, app_server, open_stream


async def measure(port: int) -> dict:
    s = Session(port, "World_map", "instrument=cets-225")
    per: dict[str, int] = {}
    ms: dict[str, float] = {}
    async with open_stream(port) as ws:
        reader = asyncio.create_task(s._reader(ws))
        try:
            await s.rerun(ws, first=True)
            wid, opts = s.selectbox
            for label in opts:
                s.widgets[wid] = WidgetState(id=wid, string_value=label)
                b0 = s.bytes_in
                ms[label] = await s.rerun(ws)
                per[label] = s.bytes_in - b0
        finally:
            reader.cancel()
    sizes = sorted(per.values())
    q95 = sizes[min(len(sizes) - 1, round(0.95 * (len(sizes) - 1)))]
    top = sorted(per.items(), key=lambda kv: -kv[1])[:5]
    return {
        "selections": len(per),
        "bytes_p50": statistics.median(sizes),
        "bytes_p95": q95,
        "bytes_max": sizes[-1],
        "largest": [{"selection": k, "bytes": v, "rerun_ms": round(ms[k], 1)} for k, v in top],
        "rerun_ms_p50": round(statistics.median(ms.values()), 1),
        "exceptions": s.exceptions,
        "target_p95_bytes": 50_000,
    }


def main() -> int:
    with app_server(None) as srv:
        t = time.perf_counter()
        out = asyncio.run(measure(srv.port))
        out["wall_s"] = round(time.perf_counter() - t, 1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
