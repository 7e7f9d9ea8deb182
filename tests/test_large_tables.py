"""A release with a very large source (probe 2l of the 2026-12 reliability probe): 200,000 events on CETS 225.

Before, the Instrument page for cets-225 sent its whole timeline table (and a chart of every event) to every
visitor: 5.1 s and 14.6 MB per visit, RSS 70 -> 572 MB. Every page's grid now goes through dashboard.ui.table,
which shows at most MAX_TABLE_ROWS rows and says so; the page's "CSV of this table" still has every row.

The large sources are generated here (a copy of tests/fixtures/sources plus one generated events file), never
taken from bench/.
"""

from __future__ import annotations

import csv
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from dashboard.build import build
from tests.apptest_utils import run_page, texts
from tests.conftest import FIXTURE_SOURCES, ROOT

BIG_ROWS = 200_000


def write_big_events(src: Path, rows: int, instrument_id: str = "cets-225") -> None:
    """`rows` valid, distinct events on one instrument (dates spread over 2020-01-01 .. 2026-06-29), with their
    provenance entry."""
    start, span = date(2020, 1, 1), (date(2026, 6, 29) - date(2020, 1, 1)).days
    with open(src / "events" / "big.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            [
                "event_date",
                "date_precision",
                "instrument_id",
                "kind",
                "title",
                "source_url",
                "source_kind",
                "evidence_url",
                "checked_on",
                "verified",
            ]
        )
        for n in range(rows):
            w.writerow(
                [
                    (start + timedelta(days=n % span)).isoformat(),
                    "day",
                    instrument_id,
                    "milestone",
                    f"Generated milestone {n:06d}",
                    f"https://example.org/big/{n}",
                    "secondary",
                    "",
                    "2026-06-30",
                    "true",
                ]
            )
    with open(src / "provenance" / "fixture.yml", "a", encoding="utf-8") as fh:
        fh.write(
            "events/big.csv:\n  title: Generated large events file (tests)\n"
            "  producer: AI Governance Atlas tests\n  licence: CC BY 4.0\n  accessed: 2026-06-30\n"
        )


@pytest.fixture(scope="module")
def big_release(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big")
    src = root / "sources"
    shutil.copytree(FIXTURE_SOURCES, src)
    write_big_events(src, BIG_ROWS)
    path, _ = build(src, root / "data")
    return path


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """file id -> the callable Streamlit runs when the reader clicks that (deferred) download button."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    seen: dict = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, *a, **kw):
        file_id = original(self, data_callable, *a, **kw)
        seen[file_id] = data_callable
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return seen


def _csv_rows(at, downloads: dict, key: str) -> int:
    btn = [b for b in at.get("download_button") if b.proto.id.endswith(f"-csv-{key}")]
    assert len(btn) == 1, [b.proto.id for b in at.get("download_button")]
    data = downloads[btn[0].proto.deferred_file_id]()
    return len(data.decode("utf-8").splitlines()) - 1  # minus the header (no field here holds a newline)


@pytest.mark.app
def test_instrument_page_caps_its_timeline_and_keeps_every_row_in_the_csv(big_release, monkeypatch, downloads):
    """Probe 2l: the Instrument page for cets-225 on a 200,000-event release shows at most 2,000 rows in every
    grid, says "Showing the first 2,000 of N events", draws the chart from those 2,000 only, and its CSV of the
    timeline has all N rows."""
    monkeypatch.setenv("ATLAS_DB", str(big_release))
    at = run_page("pages/6_Instrument.py", {"instrument": "cets-225"}, timeout=180)
    assert not at.exception, at.exception
    grids = [d.value for d in at.dataframe]
    assert grids and max(len(g) for g in grids) <= 2000
    timeline = [g for g in grids if "title" in g.columns and "kind" in g.columns]
    assert len(timeline) == 1 and len(timeline[0]) == 2000
    n_events = _csv_rows(at, downloads, "timeline")
    assert n_events > BIG_ROWS  # every generated event and the fixture's own
    assert f"Showing the first 2,000 of {n_events:,} events (latest first" in texts(at), texts(at)[-1500:]
    charts = at.get("plotly_chart")
    assert charts and len(charts[-1].proto.spec) < 1_000_000, "the chart is drawn from the capped events only"


@pytest.mark.unit
def test_every_grid_goes_through_the_capped_helper():
    """One helper for every grid: a page that called st.dataframe itself would have no cap and no note."""
    scripts = [ROOT / "streamlit_app.py", *sorted((ROOT / "pages").glob("*.py"))]
    direct = [p.name for p in scripts if "st.dataframe(" in p.read_text(encoding="utf-8")]
    assert not direct, f"call ui.table instead of st.dataframe in {direct}"
    # Every page draws its tables through ui.show (a views.Table) or ui.table, both of which cap.
    assert all(
        "ui.table(" in p.read_text(encoding="utf-8") or "ui.show(" in p.read_text(encoding="utf-8") for p in scripts
    )
