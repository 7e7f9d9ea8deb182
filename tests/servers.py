"""Real Streamlit servers and the websocket protocol client, for the system tier and the benchmark (bench/ imports
this module; tests never import bench/).

* `free_port()`, `Server` (`streamlit run <script>` on 127.0.0.1:<free port> in its own process group, log captured
  to a file, ready once /_stcore/health answers) and `app_server()` (the Atlas on one release).
* `open_stream()` and `Session`: a protocol-level client, no browser. Each session does what the frontend does
  (streamlit/web/server/starlette/starlette_websocket.py and runtime/app_session.py): it connects to
  ws://HOST/_stcore/stream with Sec-WebSocket-Protocol "streamlit" (a second entry would be the XSRF token; it is only
  checked to read auth cookies, so none is sent), sends a BackMsg rerun_script whose ClientState carries the deep
  link's query string and the page name, and reads ForwardMsgs until script_finished. It keeps the widget states it
  was sent (selectbox = formatted option label as string_value, date_input = string_array_value) and can change the
  World map's instrument selectbox to another option and rerun with all widget states and the page's script hash. As
  the frontend does, a change to a widget that sits in an `st.fragment` is sent with that fragment's id (read from
  the delta that drew the widget), so the server reruns only the fragment.

A maintainer can drive the app by hand with it:

    from tests.servers import app_server
    with app_server("data/releases/atlas-….duckdb") as srv: print(srv.url)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.typing import Origin, Subprotocol

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
STREAMLIT = (PY, "-m", "streamlit")
# For a test or benchmark server: no browser to open, no usage statistics sent. A server started "as hosted"
# (headless=False) gets neither flag and takes both from .streamlit/config.toml, as the README's command does.
QUIET_ARGS = ("--server.headless", "true", "--browser.gatherUsageStats", "false")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run script` in `cwd` on 127.0.0.1:<free port>, in its own process group (stopping it stops
    everything it started), stdout and stderr in a log file. `with Server(...) as s:` starts it and waits until
    /_stcore/health answers; `s.url`, `s.port`, `s.proc`, `s.log()`, `s.startup_s`.

    The environment is this process's, without every STREAMLIT_* variable when `clean` (so only the repo's
    .streamlit/config.toml applies) and without the names in `unset`, plus `env`."""

    def __init__(
        self,
        script: str = "streamlit_app.py",
        cwd: Path = ROOT,
        env: dict | None = None,
        *,
        unset: Sequence[str] = (),
        clean: bool = False,
        headless: bool = True,
        name: str = "app",
        log_dir: Path | None = None,
        launcher: Sequence[str] = STREAMLIT,
    ):
        self.script, self.cwd, self.name = script, Path(cwd), name
        self.port = free_port()
        base = {k: v for k, v in os.environ.items() if k not in unset and not (clean and k.startswith("STREAMLIT_"))}
        self.env = {**base, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.cmd = [
            *launcher,
            "run",
            script,
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(self.port),
            *(QUIET_ARGS if headless else ()),
        ]
        self.log_path = Path(log_dir or tempfile.gettempdir()) / f"streamlit-{name}-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.startup_s: float | None = None
        self._t0 = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self._t0 = time.monotonic()
        with open(self.log_path, "wb") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(
                self.cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self

    def wait_healthy(self, timeout: float = 90) -> Server:
        """Poll /_stcore/health with urllib only (no page request, so a browser's first request stays the first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit ({self.name}) exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.startup_s = time.monotonic() - self._t0
                        return self
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise TimeoutError(f"streamlit ({self.name}) not healthy after {timeout}s:\n{self.log()}")

    def log(self, tail: int = 4000) -> str:
        """The last `tail` characters of the server's output (everything with tail=0)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return text[-tail:] if tail else text

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)

    def __enter__(self) -> Server:
        self.start()
        try:
            self.wait_healthy()
        except Exception:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def app_server(db: Path | str | None, **kw) -> Server:
    """The Atlas (streamlit_app.py, cwd = repo root so .streamlit/config.toml applies) on the release file `db`
    (ATLAS_DB); with db=None it serves whatever ATLAS_DATA_DIR / data/CURRENT names. Keyword arguments go to
    Server (env, unset, clean, headless, log_dir, launcher, name)."""
    env = dict(kw.pop("env", None) or {})
    unset = tuple(kw.pop("unset", ()))
    if db is not None:
        env["ATLAS_DB"] = str(db)
    else:
        unset += ("ATLAS_DB",)
    return Server("streamlit_app.py", ROOT, env, unset=unset, **kw)


# --- the protocol client ---------------------------------------------------------------------------------------------

FINISH_OK = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


def open_stream(port: int, open_timeout: float = 60):
    """A websocket to the Streamlit server on 127.0.0.1:port, opened as the frontend does (async context manager)."""
    return connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        subprotocols=[Subprotocol("streamlit")],
        origin=Origin(f"http://127.0.0.1:{port}"),
        max_size=None,
        proxy=None,
        open_timeout=open_timeout,
        ping_interval=None,
    )


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
            if (
                msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN
                and self._finished
                and not self._finished.done()
            ):
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
