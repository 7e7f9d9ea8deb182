"""A protocol-level load client: many Streamlit sessions over websockets, no browser.

Each session does what the frontend does (streamlit/web/server/starlette/starlette_websocket.py and
runtime/app_session.py): it connects to ws://HOST/_stcore/stream with Sec-WebSocket-Protocol "streamlit" (a second
entry would be the XSRF token; it is only checked to read auth cookies, so none is sent), sends a BackMsg
rerun_script whose ClientState carries the deep link's query string and the page name, and reads ForwardMsgs until
script_finished. It then keeps the widget states it was sent (selectbox = formatted option label as string_value,
date_input = string_array_value), changes the World map's instrument selectbox to another option, sends a
rerun_script with all widget states and the page's script hash, and times each rerun until script_finished. As the
frontend does, a change to a widget that sits in an `st.fragment` is sent with that fragment's id (read from the
delta that drew the widget), so the server reruns only the fragment.

Failures: connection errors, a rerun with no script_finished within the timeout, and any exception element.
"""

from __future__ import annotations

import asyncio
import random
import time

from websockets.asyncio.client import connect
from websockets.typing import Origin, Subprotocol

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISH_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


def open_stream(port: int, open_timeout: float = 60):
    """A websocket to the Streamlit server on 127.0.0.1:port, opened as the frontend does (async context manager)."""
    return connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=[Subprotocol("streamlit")],
                   origin=Origin(f"http://127.0.0.1:{port}"), max_size=None, proxy=None,
                   open_timeout=open_timeout, ping_interval=None)


class Session:
    def __init__(self, port: int, page_name: str, query: str, timeout: float = 60, fragments: bool = True):
        self.port, self.page_name, self.query, self.timeout = port, page_name, query, timeout
        self.fragments = fragments  # False: every change reruns the whole page (a page without st.fragment)
        self.page_hash = ""
        self.widgets: dict[str, WidgetState] = {}
        self.selectbox: tuple[str, list[str]] | None = None  # (widget id, option labels)
        self.fragment_id = ""  # the fragment the Instrument selectbox is drawn in ("" = none)
        self.fragment_runs = 0
        self.exceptions = 0
        self.bytes_in = self.bytes_out = 0
        self._finished: asyncio.Future | None = None

    def _on_msg(self, raw: bytes) -> None:
        self.bytes_in += len(raw)
        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string  # the browser's URL now carries it
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            ek = el.WhichOneof("type")
            if ek == "exception":
                self.exceptions += 1
            elif ek == "selectbox":
                sb = el.selectbox
                opts = list(sb.options)
                if sb.id not in self.widgets:
                    val = sb.raw_value if sb.set_value else (opts[sb.default] if opts else "")
                    self.widgets[sb.id] = WidgetState(id=sb.id, string_value=val)
                if sb.label == "Instrument":
                    self.selectbox = (sb.id, opts)
                    self.fragment_id = msg.delta.fragment_id
            elif ek == "date_input":
                di = el.date_input
                if di.id not in self.widgets:
                    ws = WidgetState(id=di.id)
                    ws.string_array_value.data.extend(list(di.value) if di.set_value else list(di.default))
                    self.widgets[di.id] = ws
        elif kind == "script_finished":
            if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN and self._finished and not self._finished.done():
                self._finished.set_result(msg.script_finished)

    async def _reader(self, ws) -> None:
        async for raw in ws:
            if isinstance(raw, bytes):
                self._on_msg(raw)

    async def rerun(self, ws, first: bool = False) -> float:
        bm = BackMsg()
        cs = bm.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page_name if first else ""
        cs.page_script_hash = "" if first else self.page_hash
        if not first:
            cs.widget_states.widgets.extend(self.widgets.values())
            if self.fragment_id and self.fragments:
                cs.fragment_id = self.fragment_id
                self.fragment_runs += 1
        data = bm.SerializeToString()
        self._finished = asyncio.get_running_loop().create_future()
        t = time.perf_counter()
        await ws.send(data)
        self.bytes_out += len(data)
        status = await asyncio.wait_for(self._finished, self.timeout)
        dt = (time.perf_counter() - t) * 1000
        if status not in FINISH_OK:
            raise RuntimeError(f"script finished with status {status}")
        return dt

    def change_instrument(self, rng: random.Random) -> str:
        wid, opts = self.selectbox
        cur = self.widgets[wid].string_value
        new = rng.choice([o for o in opts if o != cur])
        self.widgets[wid] = WidgetState(id=wid, string_value=new)
        return new


async def run_session(port: int, page_name: str, query: str, reruns: int, think: tuple[float, float],
                      rng: random.Random, out: dict, start_delay: float = 0.0, fragments: bool = True) -> None:
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
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the wave
        out["failures"].append(f"{type(exc).__name__}: {exc}"[:200])
    finally:
        out["sessions_done"] += 1


async def wave(port: int, n: int, reruns: int, think: tuple[float, float], ramp_s: float, rss=None,
               page_name: str = "World_map", query: str = "instrument=cets-225&as_of=2026-06-30",
               seed: int = 0, fragments: bool = True) -> dict:
    """n concurrent sessions (connects spread over ramp_s); samples RSS every 0.2 s while they run. With
    fragments=False, widget changes rerun the whole page even where the page wraps them in a fragment."""
    out = {"initial_ms": [], "rerun_ms": [], "rerun_bytes": [], "failures": [], "sessions_done": 0,
           "fragment_reruns": 0}
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
    await asyncio.gather(*[
        run_session(port, page_name, query, reruns, think, random.Random(rng.random()), out, ramp_s * i / max(n, 1),
                    fragments)
        for i in range(n)])
    out["wall_s"] = time.perf_counter() - t
    samp.cancel()
    out["rss_peak_mb"] = peak[0]
    return out
