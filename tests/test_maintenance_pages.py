"""Pages under AppTest against a data dir (data/CURRENT + releases/, ATLAS_DB unset) whose pointer or release is
broken or tampered with: every case shows the maintenance notice with its reason, never an exception, a hang (a
FIFO) or a silently wrong date (probe 2e, 2h, 2i, 2j, 2k, 6b). And the DuckDB download after a prune (2c)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from dashboard import config, exports, queries
from tests import tamper
from tests.apptest_utils import run_page, texts
from tests.conftest import FIXTURE_SOURCES
from tests.test_build_errors import run_build

pytestmark = pytest.mark.app

NOTICE = "The Atlas is briefly unavailable for maintenance"


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("maint") / "data"
    res = run_build(FIXTURE_SOURCES, data_dir)
    assert res.returncode == 0, res.stderr
    return data_dir


@pytest.fixture
def data_dir(published: Path, tmp_path: Path, monkeypatch) -> Path:
    """A copy of the published data dir, served by the app the way data/ is (through CURRENT)."""
    dst = tmp_path / "data"
    shutil.copytree(published, dst)
    monkeypatch.delenv("ATLAS_DB", raising=False)
    monkeypatch.setattr(config, "DATA_DIR", dst)
    return dst


def _plain(at) -> str:
    return texts(at).replace("\\", "")  # captions are Markdown-escaped


def test_the_good_data_dir_is_served(data_dir: Path):
    at = run_page(timeout=30)
    assert not at.exception, at.exception
    assert NOTICE not in _plain(at) and "30 June 2026" in _plain(at)


CASES = {**tamper.BAD_POINTERS, **tamper.TAMPERED}


@pytest.mark.parametrize("case", list(CASES))
def test_page_shows_the_maintenance_notice(case: str, data_dir: Path):
    mutate, reason = CASES[case]
    mutate(data_dir)
    with tamper.fifo_unblocker(data_dir) as watchdog:  # a FIFO opened after all: fail, do not hang the suite
        at = run_page(timeout=30)
    assert not watchdog["fired"], "the page blocked on a FIFO"
    assert not at.exception, at.exception
    shown = _plain(at)
    assert any(w.value.startswith(NOTICE) for w in at.warning), shown
    assert "Reason, for the maintainers: " in shown and reason in shown, shown
    assert "2099" not in shown.replace(reason, "") and "1990" not in shown.replace(reason, "")


@pytest.mark.parametrize("case", ["rows-changed", "column-dropped", "view-dropped", "fifo-release"])
def test_data_page_shows_the_maintenance_notice(case: str, data_dir: Path):
    mutate, reason = CASES[case]
    mutate(data_dir)
    with tamper.fifo_unblocker(data_dir) as watchdog:
        at = run_page("pages/8_Data_and_sources.py", timeout=30)
    assert not watchdog["fired"], "the page blocked on a FIFO"
    assert not at.exception, at.exception
    assert NOTICE in _plain(at) and reason in _plain(at)


# --- 2c: "The DuckDB file" after the build pruned the release a page shows ------------------------------------


def _sha(b: bytes) -> str:
    return hashlib.sha256(b).hexdigest()


def test_duckdb_download_survives_the_release_being_pruned(data_dir: Path):
    """A page's run opens the release; a build then prunes it (here: the file and its record removed, as _prune
    does); the visitor's click still gets the bytes of the release the page showed."""
    rel = queries.current_release()
    path = Path(rel.location)
    want = _sha(path.read_bytes())
    button = queries.release_file(rel)  # what the page hands to the download button
    path.unlink()
    path.with_name(path.stem + ".digest.json").unlink()
    assert _sha(button.read()) == want
    assert _sha(exports.release_bytes(rel)) == want


def test_data_page_offers_the_duckdb_file(data_dir: Path):
    at = run_page("pages/8_Data_and_sources.py", timeout=30)
    assert not at.exception, at.exception
    assert ":material/database: The DuckDB file" in [b.label for b in at.get("download_button")]


def test_data_page_says_so_when_the_file_is_gone(data_dir: Path, monkeypatch):
    monkeypatch.setattr(queries, "release_file", lambda rel: None)
    at = run_page("pages/8_Data_and_sources.py", timeout=30)
    assert not at.exception, at.exception
    assert "The DuckDB file of this release is no longer on the server: reload the page" in _plain(at)
    assert ":material/database: The DuckDB file" not in [b.label for b in at.get("download_button")]


def test_release_file_is_none_for_another_file_under_the_same_name(data_dir: Path):
    rel = queries.current_release()
    other = type(rel)(rel.location, rel.kind, rel.key + "0")  # the key of a file that is not there any more
    assert queries.release_file(other) is None
    assert os.path.exists(rel.location)
