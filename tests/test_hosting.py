"""Host it as the README says (`streamlit run streamlit_app.py` with .streamlit/config.toml) and switch the database
with ATLAS_DB: the health endpoint answers, a page renders, and the page shows the release the setting names."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from contextlib import contextmanager

import pytest
import yaml

from tests.conftest import ROOT
from tests.servers import Session, app_server, open_stream

pytestmark = pytest.mark.system

VERSION = re.compile(r"Dataset (\S+?), facts checked")


@contextmanager
def served(atlas_db: str | None):
    """`streamlit run streamlit_app.py` as the README hosts it (its settings from .streamlit/config.toml), with
    ATLAS_DB set to `atlas_db` or, when None, unset so the bundled data/CURRENT is served."""
    with app_server(atlas_db, unset=("ATLAS_DATA_DIR",), headless=False) as srv:
        yield srv.port


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
