"""What changed: a source edited and rebuilt gives changelog rows (carried forward), the same diff from the CLI, and
Atom feed entries a feed reader parses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import feedparser
import pytest

from dashboard.build import build

ROOT = Path(__file__).resolve().parent.parent
NEW_ROW = (
    "paris-ai-action-statement,KEN,signed,2025-02-11,day,https://www.president.go.ke/paris-ai-statement/,"
    "official,,2026-06-30,true,Test row: a later signatory\n"
)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """The fixture built, then edited (one act added, one verified flip, one note changed) and rebuilt."""
    import shutil

    from tests.conftest import FIXTURE_SOURCES

    tmp = tmp_path_factory.mktemp("changelog")
    src = tmp / "sources"
    shutil.copytree(FIXTURE_SOURCES, src)
    data, feeds = tmp / "data", tmp / "feeds"
    first, _ = build(src, data, feeds_dir=feeds, keep=5)
    actions = src / "actions" / "main.csv"
    with actions.open("a", encoding="utf-8") as fh:
        fh.write(NEW_ROW)
    _edit(actions, "Single secondary source (citing Reuters/AFP/Guardian); Élysée list not read", "Élysée list read")
    _edit(
        actions,
        "quickbreaknews.com/us-and-uk-decline-to-sign-global-ai-declaration,secondary,,2026-06-30,false",
        "quickbreaknews.com/us-and-uk-decline-to-sign-global-ai-declaration,secondary,,2026-06-30,true",
    )
    second, wrote = build(src, data, feeds_dir=feeds, keep=5)
    assert wrote
    return first, second, feeds, src, data


def _log(path: Path):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.table("changelog").order("change_id").df()


@pytest.mark.app
def test_first_release_starts_an_empty_record(two_releases):
    first, *_ = two_releases
    assert _log(first).empty


@pytest.mark.app
def test_edit_and_rebuild_records_each_change(two_releases):
    _, second, *_ = two_releases
    log = _log(second)
    added = log[log["change"] == "added"]
    assert list(added["summary"]) == ["Added: KEN signed paris-ai-action-statement on 2025-02-11"]
    assert added.iloc[0]["participant_id"] == "KEN" and added.iloc[0]["instrument_id"] == "paris-ai-action-statement"
    flip = log[log["change"] == "verified"].iloc[0]
    assert (flip["row_key"], flip["old_value"], flip["new_value"]) == (
        "paris-ai-action-statement/DEU/signed/2025-02-11",
        "False",
        "True",
    )
    note = log[(log["change"] == "changed") & (log["field"] == "note")].iloc[0]
    assert note["new_value"] == "Élysée list read" and note["old_value"].startswith("Single secondary source")
    assert set(log.loc[log["change"] == "new_source", "new_value"]) == {
        "https://www.president.go.ke/paris-ai-statement/"
    }
    assert set(log["release_version"]) == {"fixture-1"} and len(log) == 4


@pytest.mark.app
def test_changelog_is_carried_forward(two_releases):
    _, second, feeds, src, data = two_releases
    _edit(src / "actions" / "main.csv", "Test row: a later signatory", "Test row: a later signatory (edited)")
    third, _ = build(src, data, feeds_dir=feeds, keep=5)
    old, new = _log(second), _log(third)
    assert new.iloc[: len(old)][["summary", "change"]].equals(old[["summary", "change"]])
    assert new.iloc[-1]["summary"] == "Changed note: KEN signed paris-ai-action-statement on 2025-02-11"


@pytest.mark.app
def test_diff_cli_prints_the_same(two_releases):
    first, second, *_ = two_releases
    out = subprocess.run(
        [sys.executable, "-m", "dashboard.diff", str(first), str(second)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "added      actions     paris-ai-action-statement/KEN/signed/2025-02-11" in out
    assert "verified   actions" in out
    assert out.strip().splitlines()[-1] == "4 change(s): 1 added, 1 changed, 1 new_source, 1 verified"


@pytest.mark.app
def test_diff_cli_names_a_missing_file(tmp_path):
    res = subprocess.run(
        [sys.executable, "-m", "dashboard.diff", str(tmp_path / "a.duckdb"), str(tmp_path / "b")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert res.returncode == 2 and "a.duckdb: no such release file" in res.stderr


@pytest.mark.app
def test_feeds_carry_the_change(two_releases):
    *_, feeds, _src, _data = two_releases
    all_feed = feedparser.parse((feeds / "all.atom").read_bytes())
    assert not all_feed.bozo, all_feed.bozo_exception
    titles = [e.title for e in all_feed.entries]
    assert "Added: KEN signed paris-ai-action-statement on 2025-02-11" in titles
    entry = next(e for e in all_feed.entries if e.title.startswith("Added: KEN"))
    links = {ln.rel: ln.href for ln in entry.links}
    assert links["alternate"] == "../../../Instrument?instrument=paris-ai-action-statement&as_of=2026-06-30"
    assert links["related"] == "https://www.president.go.ke/paris-ai-statement/"
    for feed in ("instrument/paris-ai-action-statement.atom", "country/KEN.atom"):
        parsed = feedparser.parse((feeds / feed).read_bytes())
        assert not parsed.bozo and "Added: KEN signed paris-ai-action-statement on 2025-02-11" in [
            e.title for e in parsed.entries
        ]
    untouched = feedparser.parse((feeds / "country" / "JPN.atom").read_bytes())
    assert not untouched.bozo and untouched.entries == [] and untouched.feed.title.endswith("Japan")


@pytest.mark.unit
def test_committed_feeds_parse():
    files = sorted((ROOT / "static" / "feeds").rglob("*.atom"))
    assert len(files) > 100  # all, every instrument, every state and organisation
    for f in files:
        parsed = feedparser.parse(f.read_bytes())
        assert not parsed.bozo, (f, parsed.bozo_exception)
        assert parsed.feed.title.startswith("AI Governance Atlas: ")
