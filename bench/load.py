"""Load waves: many protocol-level Streamlit sessions over websockets, no browser.

The client (`open_stream`, `Session`: what the frontend sends and reads, fragment reruns included) is
tests/servers.py's, shared with the system-tier tests. Each session of a wave opens the deep link, then changes the
World map's instrument selectbox to another option with a think time between changes and times each rerun until
script_finished.

Failures: connection errors, a rerun with no script_finished within the timeout, and any exception element.
"""

from __future__ import annotations

import asyncio
import random
import time

from tests.servers import Session, open_stream


async def run_session(
    port: int,
    page_name: str,
    query: str,
    reruns: int,
    think: tuple[float, float],
    rng: random.Random,
    out: dict,
    start_delay: float = 0.0,
    fragments: bool = True,
) -> None:
    await asyncio.sleep(start_delay)
    s = Session(port, page_name, query, fragments=fragments)
    try:
        async with open_stream(port) as ws:
            reader = asyncio.create_task(s._reader(ws))
            try:
                out["initial_ms"].append(await s.rerun(ws, first=True))
                if s.selectbox is None:
                    raise RuntimeError("no Instrument selectbox in the page's deltas")
                for _ in range(reruns):
                    await asyncio.sleep(rng.uniform(*think))
                    s.change_instrument(rng)
                    b0 = s.bytes_in
                    out["rerun_ms"].append(await s.rerun(ws))
                    out["rerun_bytes"].append(s.bytes_in - b0)
            finally:
                reader.cancel()
        out["fragment_reruns"] += s.fragment_runs
        if s.exceptions:
            out["failures"].append(f"{s.exceptions} exception element(s)")
    except Exception as exc:
        out["failures"].append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        out["sessions_done"] += 1


async def wave(
    port: int,
    n: int,
    reruns: int,
    think: tuple[float, float],
    ramp_s: float,
    rss=None,
    page_name: str = "World_map",
    query: str = "instrument=cets-225&as_of=2026-06-30",
    seed: int = 0,
    fragments: bool = True,
) -> dict:
    """n concurrent sessions (connects spread over ramp_s); samples RSS every 0.2 s while they run. With
    fragments=False, widget changes rerun the whole page even where the page wraps them in a fragment."""
    out = {
        "initial_ms": [],
        "rerun_ms": [],
        "rerun_bytes": [],
        "failures": [],
        "sessions_done": 0,
        "fragment_reruns": 0,
    }
    peak = [rss() if rss else None]

    async def sampler():
        while True:
            v = rss() if rss else None
            if v is not None:
                peak[0] = max(peak[0] or 0, v)
            await asyncio.sleep(0.2)

    samp = asyncio.create_task(sampler())
    t = time.perf_counter()
    rng = random.Random(seed)
    await asyncio.gather(
        *[
            run_session(
                port,
                page_name,
                query,
                reruns,
                think,
                random.Random(rng.random()),
                out,
                ramp_s * i / max(n, 1),
                fragments,
            )
            for i in range(n)
        ]
    )
    out["wall_s"] = time.perf_counter() - t
    samp.cancel()
    out["rss_peak_mb"] = peak[0]
    return out
