"""python -m dashboard.review: the maintainer's to-do lists what a reader would be misled by if left alone."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from dashboard.review import todo
from tests.conftest import FIXTURE_SOURCES

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.unit
def test_todo_sections_on_the_fixture():
    items = todo(FIXTURE_SOURCES, today=date(2026, 12, 1))
    assert items["problems"] == []
    assert any(line.startswith("actions/main.csv:21: cets-225 MKD signed") for line in items["unverified"])
    assert "counts/main.csv:2: paris-ai-action-statement: 12 of about 58 signatories named" in items["incomplete lists"]
    assert "cets-225: 21 named, no reported count (is the list complete?)" in items["incomplete lists"]
    assert any("cets-225 CHE signed: press source https://www.watson.ch/" in line for line in items["not first-hand"])
    # Every fixture row was checked on 2026-06-30: stale 154 days later, fresh 30 days later.
    assert all("last checked 2026-06-30 (154 days ago)" in line for line in items["stale"]) and items["stale"]
    assert todo(FIXTURE_SOURCES, today=date(2026, 7, 30))["stale"] == []


@pytest.mark.app
def test_review_cli_prints_sections_and_fails_only_on_broken_sources(sources_copy):
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "dashboard.review",
            "--sources",
            str(FIXTURE_SOURCES),
            "--today",
            "2026-12-01",
            "--limit",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0, ok.stderr
    assert "## unverified: 11" in ok.stdout and "## incomplete lists: 3" in ok.stdout and "… and 9 more" in ok.stdout
    (sources_copy / "dataset.yml").write_text("version: x\n", encoding="utf-8")
    bad = subprocess.run(
        [sys.executable, "-m", "dashboard.review", "--sources", str(sources_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "dataset.yml: as_of:" in bad.stdout
