"""Host it as the README says (`streamlit run streamlit_app.py` with .streamlit/config.toml) and switch the database
with ATLAS_DB: the health endpoint answers, a page renders, and the page shows the release the setting names."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
import pytest
import yaml

from bench.load import Session, open_stream
from tests.conftest import ROOT

pytestmark = pytest.mark.system

VERSION = re.compile(r"Dataset (\S+?), facts checked")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(atlas_db: str | None):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("ATLAS_DB", "ATLAS_DATA_DIR")}
    if atlas_db:
        env["ATLAS_DB"] = atlas_db
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
                             "--server.address", "127.0.0.1", "--server.port", str(port)],
                            cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
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
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


class _Version(Session):
    version: str | None = None

    def _on_msg(self, raw: bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg.FromString(raw)
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            if el.WhichOneof("type") == "markdown" and VERSION.search(el.markdown.body):
                self.version = VERSION.search(el.markdown.body).group(1).replace("\\", "")
        super()._on_msg(raw)


async def _shown_version(port: int, page: str, query: str) -> tuple[str | None, int]:
    s = _Version(port, page, query)
    async with open_stream(port) as ws:
        reader = asyncio.create_task(s._reader(ws))
        try:
            await s.rerun(ws, first=True)
        finally:
            reader.cancel()
    return s.version, s.exceptions


def test_hosted_app_serves_the_bundled_release():
    with served(None) as port:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/World_map?instrument=cets-225", timeout=10) as r:
            html = r.read().decode()
        assert r.status == 200 and ("<noscript" in html.lower() or 'id="root"' in html)
        version, exceptions = asyncio.run(_shown_version(port, "World_map", "instrument=cets-225"))
    bundled = yaml.safe_load((ROOT / "data" / "sources" / "dataset.yml").read_text(encoding="utf-8"))["version"]
    assert (version, exceptions) == (bundled, 0)


def test_atlas_db_switches_the_database(fixture_release):
    with served(str(fixture_release)) as port:
        version, exceptions = asyncio.run(_shown_version(port, "Entry_into_force", "instrument=cets-225"))
    assert (version, exceptions) == ("fixture-1", 0)
