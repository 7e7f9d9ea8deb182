"""Shared fixtures: a tiny DuckDB release built from tests/fixtures/sources (never the real data/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.build import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_SOURCES = Path(__file__).resolve().parent / "fixtures" / "sources"


@pytest.fixture(scope="session")
def fixture_release(tmp_path_factory) -> Path:
    """Build the fixture sources once per test session; returns the release file."""
    data_dir = tmp_path_factory.mktemp("fixture-data")
    path, _ = build(FIXTURE_SOURCES, data_dir)
    return path


@pytest.fixture
def fixture_db(fixture_release, monkeypatch) -> Path:
    """Point the app (ATLAS_DB) at the fixture release for one test."""
    monkeypatch.setenv("ATLAS_DB", str(fixture_release))
    return fixture_release


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per browser-test module (tests/browser_utils.py's flags)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_utils import launch_chromium

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture(scope="module")
def atlas(fixture_release, tmp_path_factory):
    """One `streamlit run` of the Atlas on the fixture release, shared by a browser-test module's tests."""
    from tests.servers import app_server

    with app_server(fixture_release, log_dir=tmp_path_factory.mktemp("atlas-log")) as srv:
        yield srv


@pytest.fixture
def sources_copy(tmp_path) -> Path:
    """A writable copy of the fixture sources, for tests that break them."""
    dst = tmp_path / "sources"
    shutil.copytree(FIXTURE_SOURCES, dst)
    return dst


# --- tiers -----------------------------------------------------------------------------------------------------------
# Every test belongs to exactly one tier, by what it needs (see pytest.ini and README "Tests"). Modules say so with
# `pytestmark = pytest.mark.<tier>`; a module mixing tiers marks each test. A test with no tier, or two, stops the run.
TIERS = ("unit", "app", "system")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects anything: the check covers the whole collection
def pytest_collection_modifyitems(config, items):
    bad = []
    for item in items:
        tiers = sorted({m.name for m in item.iter_markers() if m.name in TIERS})
        if len(tiers) != 1:
            bad.append(f"{item.nodeid}: {'no tier' if not tiers else 'tiers ' + ', '.join(tiers)}")
    if bad:
        raise pytest.UsageError(
            "every test needs exactly one tier marker (unit, app or system):\n  "
            + "\n  ".join(bad[:40])
            + (f"\n  … and {len(bad) - 40} more" if len(bad) > 40 else "")
        )
