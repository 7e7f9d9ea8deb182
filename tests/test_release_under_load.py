"""Publish 5 data releases while 25 protocol-level sessions browse: no failure, no exception, no page that mixes
two releases (each page run must show the instrument count of the release whose version it names)."""

from __future__ import annotations

import asyncio
import csv
import re
import shutil
from pathlib import Path

import pytest

from dashboard.build import build
from tests.conftest import FIXTURE_SOURCES
from tests.servers import Session, app_server, open_stream

pytestmark = pytest.mark.system

SESSIONS, RELEASES, BASE_INSTRUMENTS = 25, 5, 6
VERSION = re.compile(r"Dataset (\S+?), facts checked")


def _make_release(src: Path, data: Path, k: int) -> None:
    """Release k: version load-k and k extra instruments (so its Instruments count is BASE_INSTRUMENTS + k)."""
    (src / "dataset.yml").write_text(f'version: "load-{k}"\nas_of: 2026-06-30\n', encoding="utf-8")
    path = src / "instruments" / "main.csv"
    with open(FIXTURE_SOURCES / "instruments" / "main.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    for n in range(1, k + 1):
        rows.append(
            {
                **{c: "" for c in header},
                "instrument_id": f"load-extra-{n}",
                "name": f"Load test instrument {n}",
                "short_name": f"Load {n}",
                "kind": "declaration",
                "legally_binding": "false",
                "scope": "global",
                "adopted_on": "2025-01-01",
                "status": "adopted",
                "source_url": "https://example.org/load",
                "source_kind": "official",
                "checked_on": "2026-06-30",
                "verified": "false",
                "note": "test only",
            }
        )
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    build(src, data, keep=3)


class Checker(Session):
    """A session that records, for each completed page run, the version and the Instruments metric it saw."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.runs: list[tuple[str | None, str | None]] = []
        self._version: str | None = None
        self._count: str | None = None

    def _on_msg(self, raw: bytes) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        msg = ForwardMsg.FromString(raw)
        if msg.WhichOneof("type") == "new_session":
            self._version = self._count = None
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            kind = el.WhichOneof("type")
            if kind == "markdown":
                m = VERSION.search(el.markdown.body)
                if m:
                    self._version = m.group(1).replace("\\", "")
            elif kind == "metric" and el.metric.label == "Instruments":
                self._count = el.metric.body
        if msg.WhichOneof("type") == "script_finished":
            self.runs.append((self._version, self._count))
            self._version = self._count = None
        super()._on_msg(raw)


async def _browse(port: int, stop: asyncio.Event, out: list, failures: list) -> None:
    s = Checker(port, "", "", timeout=60)
    try:
        async with open_stream(port) as ws:
            reader = asyncio.create_task(s._reader(ws))
            try:
                await s.rerun(ws, first=True)
                while not stop.is_set():
                    await s.rerun(ws, first=True)  # a fresh run of the Overview page, as a reload would
                    await asyncio.sleep(0.05)
            finally:
                reader.cancel()
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}"[:200])
    out.append(s)


def test_publishing_releases_under_load(tmp_path):
    src, data = tmp_path / "sources", tmp_path / "data"
    shutil.copytree(FIXTURE_SOURCES, src)
    build(src, data)
    with app_server(None, env={"ATLAS_DATA_DIR": str(data)}, log_dir=tmp_path) as srv:
        port = srv.port

        async def scenario():
            stop, sessions, failures = asyncio.Event(), [], []
            tasks = [asyncio.create_task(_browse(port, stop, sessions, failures)) for _ in range(SESSIONS)]
            await asyncio.sleep(3)
            for k in range(1, RELEASES + 1):
                await asyncio.to_thread(_make_release, src, data, k)
                await asyncio.sleep(2)
            stop.set()
            await asyncio.gather(*tasks)
            return sessions, failures

        sessions, failures = asyncio.run(scenario())
    err = srv.log(tail=0)
    runs = [r for s in sessions for r in s.runs]
    expected = {"fixture-1": str(BASE_INSTRUMENTS)} | {
        f"load-{k}": str(BASE_INSTRUMENTS + k) for k in range(1, RELEASES + 1)
    }
    mixed = [r for r in runs if r[0] is not None and expected.get(r[0]) != r[1]]
    seen = {r[0] for r in runs}
    exceptions = sum(s.exceptions for s in sessions)
    print(
        f"\n{len(sessions)} sessions, {len(runs)} page runs, releases seen: {sorted(v for v in seen if v)}, "
        f"failures: {len(failures)}, exception elements: {exceptions}, mixed: {len(mixed)}"
    )
    assert not failures, failures[:5]
    assert exceptions == 0
    assert not mixed, mixed[:5]
    assert {"fixture-1", f"load-{RELEASES}"} <= seen, "the sessions must have seen the first and the last release"
    assert "Traceback" not in err, err[-2000:]
