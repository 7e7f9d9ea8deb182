"""Probe 2c on a real server: a visitor has Data & sources open, builds publish and prune the release the page
shows, then the visitor clicks "The DuckDB file". The click must return that release's bytes, not "Failed to
generate file for download" (the server used to read the file by its path when clicked)."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_SOURCES, ROOT
from tests.servers import Session, open_stream
from tests.test_build_errors import run_build

pytestmark = pytest.mark.system


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Visitor(Session):
    """A Data & sources session that remembers the DuckDB button's deferred file and answers to its requests."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.session_id = ""
        self.file_id = ""
        self.answers: dict[str, asyncio.Future] = {}

    def _on_msg(self, raw: bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg.FromString(raw)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.session_id = msg.new_session.initialize.session_id
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            if el.WhichOneof("type") == "download_button" and "The DuckDB file" in el.download_button.label:
                self.file_id = el.download_button.deferred_file_id
        elif kind == "backend_operation_response":
            fut = self.answers.get(msg.backend_operation_response.request_id)
            if fut and not fut.done():
                fut.set_result(msg.backend_operation_response)
        super()._on_msg(raw)

    async def click(self, ws):
        from streamlit.proto.BackMsg_pb2 import BackMsg

        bm = BackMsg()
        req = bm.backend_operation_request
        req.request_id = str(uuid.uuid4())
        req.session_id = self.session_id
        req.deferred_file.file_id = self.file_id
        self.answers[req.request_id] = asyncio.get_running_loop().create_future()
        await ws.send(bm.SerializeToString())
        return await asyncio.wait_for(self.answers[req.request_id], 60)


def test_duckdb_download_after_builds_pruned_the_shown_release(tmp_path: Path):
    data_dir = tmp_path / "data"
    res = run_build(FIXTURE_SOURCES, data_dir)
    assert res.returncode == 0, res.stderr
    shown = data_dir / (data_dir / "CURRENT").read_text().strip()
    want = hashlib.sha256(shown.read_bytes()).hexdigest()

    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "ATLAS_DB"} | {"ATLAS_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "streamlit_app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError("the server never became healthy")

        async def visit():
            v = _Visitor(port, "Data_and_sources", "")
            async with open_stream(port) as ws:
                reader = asyncio.create_task(v._reader(ws))
                try:
                    await v.rerun(ws, first=True)
                    assert v.file_id and v.exceptions == 0
                    for _ in range(2):  # two publishes with --keep 1 --grace 0: the shown release is deleted
                        r = await asyncio.to_thread(
                            run_build, FIXTURE_SOURCES, data_dir, "--force", "--keep", "1", "--grace", "0"
                        )
                        assert r.returncode == 0, r.stderr
                    assert not shown.exists()
                    return await v.click(ws)
                finally:
                    reader.cancel()

        answer = asyncio.run(visit())
        assert not answer.error_msg, answer.error_msg  # was: "Failed to generate file for download"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{answer.deferred_file.url}", timeout=30) as r:
            got = r.read()
        assert hashlib.sha256(got).hexdigest() == want, "the click must return the release the page showed"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    shutil.rmtree(data_dir, ignore_errors=True)
