"""The build's good path, crash safety, the app's refusal of broken releases, the schema's second gate, and real
values on the fixture release."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dashboard import config, db, integrity
from dashboard.build import build
from tests import tamper
from tests.conftest import FIXTURE_SOURCES
from tests.test_build_errors import cell, run_build, snapshot

pytestmark = pytest.mark.app

ROOT = Path(__file__).resolve().parent.parent
RELEASE_NAME = re.compile(r"releases/atlas-2026-06-30-([0-9a-f]{12})\.duckdb")
A = "actions/main.csv"


def pointer(data_dir: Path) -> str:
    return (data_dir / "CURRENT").read_text(encoding="utf-8")


def _served_now(data_dir: Path) -> str:
    return (data_dir / "CURRENT").read_text(encoding="utf-8") if (data_dir / "CURRENT").is_file() else ""


def releases(data_dir: Path) -> list[str]:
    """The release files, each checked to have its digest record beside it (and nothing else is there but the
    markers of releases that stopped being served, which outlive them; the served one has none)."""
    names = sorted(p.name for p in (data_dir / "releases").iterdir())
    dbs = [n for n in names if n.endswith(".duckdb") and not n.startswith(".")]
    records = [n for n in names if n.endswith(".digest.json")]
    markers = [n for n in names if n.startswith(".") and n.endswith(".duckdb.superseded")]
    assert records == sorted(n.removesuffix(".duckdb") + ".digest.json" for n in dbs), names
    assert not set(markers) & {f".{n}.superseded" for n in dbs if f"releases/{n}" in _served_now(data_dir)}, names
    assert len(dbs) + len(records) + len(markers) == len(names), f"stray files in releases/: {names}"
    return dbs


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """Build the fixture sources once, with the CLI, into an empty data dir. Tests copy it; none writes it."""
    data_dir = tmp_path_factory.mktemp("published") / "data"
    res = run_build(FIXTURE_SOURCES, data_dir)
    return data_dir, res


@pytest.fixture
def data_dir(published, tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(published[0], dst)
    return dst


@pytest.fixture
def no_atlas_db(monkeypatch):
    monkeypatch.delenv("ATLAS_DB", raising=False)


# --- good path ------------------------------------------------------------------------------------------------


def test_build_publishes_a_release(published):
    data_dir, res = published
    assert res.returncode == 0, res.stderr
    ptr = pointer(data_dir)
    m = RELEASE_NAME.fullmatch(ptr.rstrip("\n"))
    assert m and ptr.endswith("\n"), ptr
    served = data_dir / ptr.strip()
    assert res.stdout.strip() == f"published {served}"
    assert releases(data_dir) == [served.name]  # no temp files left
    assert sorted(p.name for p in data_dir.iterdir()) == [".build.lock", "CURRENT", "releases"]
    record = json.loads((data_dir / "releases" / (served.stem + ".digest.json")).read_text(encoding="utf-8"))
    with duckdb.connect(str(served), read_only=True) as con:
        version, as_of, schema, digest, content = con.execute(
            "SELECT version, as_of, schema_version, source_digest, content_sha256 FROM dataset"
        ).fetchone()
        rows = dict(con.execute("SELECT path, rows FROM source_files").fetchall())
        n_actions = con.execute("SELECT count(*) FROM actions").fetchone()[0]
    assert (version, as_of, schema) == ("fixture-1", date(2026, 6, 30), config.SCHEMA_VERSION)
    assert digest.startswith(m.group(1))
    assert re.fullmatch(r"[0-9a-f]{64}", content) and record["content_sha256"] == content
    assert record["release"] == served.name and "actions" in record["tables"]
    assert rows == {
        "organisations.csv": 2,
        "memberships/blocs.csv": 83,
        "instruments/main.csv": 6,
        "actions/main.csv": 63,
        "companies/main.csv": 10,
        "stances/main.csv": 12,
        "events/main.csv": 29,
        "counts/main.csv": 1,
    }
    assert n_actions == 63


def test_unchanged_sources_write_nothing(data_dir: Path):
    before = snapshot(data_dir)
    res = run_build(FIXTURE_SOURCES, data_dir)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("up to date: ")
    assert snapshot(data_dir) == before


def test_force_and_keep(data_dir: Path, sources_copy: Path):
    served = data_dir / pointer(data_dir).strip()
    first = served.name
    ino = served.stat().st_ino

    # --force with unchanged sources writes a new file beside the served one (never over a file a reader may
    # have open: same digest, so a numbered name) and serves it; the previous one is kept (keep=2).
    res = run_build(sources_copy, data_dir, "--force", "--grace", "0")
    assert res.returncode == 0 and res.stdout.startswith("published "), res.stderr
    forced = data_dir / pointer(data_dir).strip()
    assert forced != served and forced.name.endswith("-1.duckdb")
    assert served.stat().st_ino == ino  # the old file was not touched
    assert releases(data_dir) == sorted([served.name, forced.name])
    served = forced

    # A new source version (published in-process, keep=2: nothing pruned yet), then another with --keep 2:
    # the served release and the newest previous one remain.
    cell(A, 2, "note", "Opening-day signatory (Vilnius) v1")(sources_copy)
    v1, wrote = build(sources_copy, data_dir, keep=2, grace_minutes=0)
    assert wrote and releases(data_dir) == sorted([served.name, v1.name])
    cell(A, 2, "note", "Opening-day signatory (Vilnius) v2")(sources_copy)
    res = run_build(sources_copy, data_dir, "--keep", "2", "--grace", "0")
    assert res.returncode == 0 and res.stdout.startswith("published "), res.stderr
    v2 = data_dir / pointer(data_dir).strip()
    assert len({served.name, v1.name, v2.name}) == 3
    assert releases(data_dir) == sorted([v1.name, v2.name])
    assert [p.name for p in data_dir.glob(".*")] == [".build.lock"]
    # markers of the releases that stopped being served: v1 (kept), the first and the forced one (pruned; their
    # markers stay so that their names are never published again)
    assert sorted(p.name for p in (data_dir / "releases").glob(".*")) == sorted(
        f".{n}.superseded" for n in (first, served.name, v1.name)
    )

    # --force --keep 1 leaves only the (new) served file.
    res = run_build(sources_copy, data_dir, "--force", "--keep", "1", "--grace", "0")
    assert res.returncode == 0, res.stderr
    assert releases(data_dir) == [pointer(data_dir).strip().split("/")[-1]] != [v2.name]


# --- crash safety ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", ["load", "validate", "write", "swap"])
def test_killed_build_leaves_served_release(point: str, data_dir: Path, sources_copy: Path, no_atlas_db):
    cell(A, 10, "note", "Opening-day signatory (Vilnius); changed so the digest differs")(sources_copy)
    before = snapshot(data_dir)
    old_ptr = pointer(data_dir)
    served = old_ptr.strip()

    env = {**os.environ, "ATLAS_BUILD_CRASH_AT": point}
    res = subprocess.run(
        [sys.executable, "-m", "dashboard.build", "--sources", str(sources_copy), "--data-dir", str(data_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert res.returncode == 137, res.stderr

    after = snapshot(data_dir)
    assert after["CURRENT"] == before["CURRENT"]
    assert after[served] == before[served]
    leftovers = set(after) - set(before)
    assert set(before) - set(after) == set()
    if point in ("load", "validate"):
        assert leftovers == set()
    elif point == "write":  # the half-done temp file of the dead process
        assert len(leftovers) == 1 and re.fullmatch(r"releases/\.tmp-\d+-[0-9a-f]+\.duckdb", leftovers.pop())
    else:  # swap: the new release and its record are complete but not pointed to
        others = {p for p in leftovers if not p.startswith("releases/atlas-")}
        assert len(others) == 1 and re.fullmatch(r"\.CURRENT\.tmp-\d+-[0-9a-f]+", others.pop())
        assert len(leftovers) == 3

    release = db.resolve_release(data_dir)
    assert Path(release.location) == (data_dir / served).resolve()
    con = db.connect(release)
    try:
        assert con.execute("SELECT count(*) FROM actions").fetchone()[0] == 63
        assert (
            con.execute("SELECT note FROM actions WHERE source_row = 10").fetchone()[0]
            == "Opening-day signatory (Vilnius)"
        )
    finally:
        con.close()

    res = run_build(sources_copy, data_dir)
    assert res.returncode == 0 and res.stdout.startswith("published "), res.stderr
    assert pointer(data_dir) != old_ptr
    assert not list((data_dir / "releases").glob(".tmp-*"))
    assert not list(data_dir.glob(".CURRENT.tmp*"))
    con = db.connect(db.resolve_release(data_dir))
    try:
        assert (
            con.execute("SELECT note FROM actions WHERE source_row = 10")
            .fetchone()[0]
            .startswith("Opening-day signatory (Vilnius); changed")
        )
    finally:
        con.close()


# --- the app refuses broken releases --------------------------------------------------------------------------


def _release(path: Path) -> db.Release:
    return db.Release(str(path), "file", "test")


def test_truncated_release_is_refused(published, tmp_path: Path):
    src = published[0] / pointer(published[0]).strip()
    bad = tmp_path / "truncated.duckdb"
    shutil.copyfile(src, bad)
    with open(bad, "r+b") as fh:
        fh.truncate(src.stat().st_size // 2)
    with pytest.raises(db.DatasetUnavailable):
        con = db.connect(_release(bad))
        for table in db.REQUIRED_TABLES:  # only reached if connect accepted it: read every row
            con.execute(f"SELECT * FROM {table}").fetchall()


def test_truncated_release_never_raises_another_exception_from_connect(published, tmp_path: Path):
    """Whatever connect() decides about a truncated file, it must not leak a raw duckdb/OS error."""
    src = published[0] / pointer(published[0]).strip()
    for frac in (0.0, 0.01, 0.5, 0.99):
        bad = tmp_path / f"truncated-{frac}.duckdb"
        shutil.copyfile(src, bad)
        with open(bad, "r+b") as fh:
            fh.truncate(int(src.stat().st_size * frac))
        with contextlib.suppress(db.DatasetUnavailable):
            db.connect(_release(bad)).close()


@pytest.mark.parametrize(
    "content", [b"", b"not a database\n" * 4096, bytes(range(256)) * 1024], ids=["empty", "text", "bytes"]
)
def test_garbage_file_is_refused(content: bytes, tmp_path: Path):
    bad = tmp_path / "garbage.duckdb"
    bad.write_bytes(content)
    with pytest.raises(db.DatasetUnavailable):
        db.connect(_release(bad))


def test_other_schema_version_is_refused(published, tmp_path: Path):
    other = tmp_path / "v999.duckdb"
    shutil.copyfile(published[0] / pointer(published[0]).strip(), other)
    with duckdb.connect(str(other)) as con:
        con.execute("UPDATE dataset SET schema_version = 999")
    with pytest.raises(db.DatasetUnavailable, match="schema version 999"):
        db.connect(_release(other))


def test_missing_pointer_and_release_are_refused(tmp_path: Path, no_atlas_db):
    with pytest.raises(db.DatasetUnavailable):
        db.resolve_release(tmp_path)
    (tmp_path / "CURRENT").write_text("releases/atlas-gone.duckdb\n")
    with pytest.raises(db.DatasetUnavailable):
        db.resolve_release(tmp_path)


# --- the schema's second gate ---------------------------------------------------------------------------------

GOOD_ACTION = {
    "action_id": 100000,
    "instrument_id": "cets-225",
    "participant_id": "FRA",
    "action": "signed",
    "action_date": "2025-01-01",
    "date_precision": "day",
    "source_url": "https://www.coe.int/en/",
    "source_kind": "depositary",
    "evidence_url": None,
    "checked_on": "2026-06-30",
    "verified": True,
    "note": None,
    "source_file": "test",
    "source_row": 2,
}


@pytest.fixture
def writable_copy(published, tmp_path: Path):
    path = tmp_path / "writable.duckdb"
    shutil.copyfile(published[0] / pointer(published[0]).strip(), path)
    con = duckdb.connect(str(path))
    yield con
    con.close()


def _insert_action(con, **override):
    row = {**GOOD_ACTION, **override}
    cols = ", ".join(row)
    con.execute(f"INSERT INTO actions ({cols}) VALUES ({', '.join('$' + c for c in row)})", row)


def test_schema_accepts_a_good_action(writable_copy):
    _insert_action(writable_copy)
    assert writable_copy.execute("SELECT count(*) FROM actions").fetchone()[0] == 64


@pytest.mark.parametrize(
    ("override", "exc"),
    [
        ({"action": "ratifyed"}, duckdb.ConversionException),
        ({"participant_id": "XXX"}, duckdb.ConstraintException),
        ({"instrument_id": "cets-999"}, duckdb.ConstraintException),
        ({"source_url": "javascript:alert(1)"}, duckdb.ConstraintException),
        ({"source_url": "https://example.org/a b"}, duckdb.ConstraintException),
        ({"action_id": 1}, duckdb.ConstraintException),  # duplicate primary key
        ({"participant_id": "AND", "action_date": "2024-09-05"}, duckdb.ConstraintException),  # duplicate natural key
        ({"action_date": None}, duckdb.ConstraintException),
    ],
    ids=[
        "bad-enum",
        "dangling-participant",
        "dangling-instrument",
        "javascript-url",
        "url-with-space",
        "duplicate-action-id",
        "duplicate-natural-key",
        "null-date",
    ],
)
def test_schema_rejects_bad_action(writable_copy, override: dict, exc: type[Exception]):
    with pytest.raises(exc):
        _insert_action(writable_copy, **override)
    assert writable_copy.execute("SELECT count(*) FROM actions").fetchone()[0] == 63


# --- real values on the fixture release -----------------------------------------------------------------------


@pytest.fixture
def con(fixture_db):
    c = db.connect(db.resolve_release())
    yield c
    c.close()


def test_cets_225_opening_day_signatories(con):
    rows = db.query(
        con,
        "SELECT participant_id FROM actions WHERE instrument_id = 'cets-225' AND action = 'signed' "
        "AND action_date = DATE '2024-09-05'",
    )
    assert set(rows.participant_id) == {"AND", "EU", "GBR", "GEO", "ISL", "ISR", "MDA", "NOR", "SMR", "USA"}
    assert len(rows) == 10


def test_cets_225_entry_into_force_rule(con):
    rule = con.execute(
        "SELECT eif_parties_required, eif_min_coe_members, eif_delay_months FROM instruments "
        "WHERE instrument_id = 'cets-225'"
    ).fetchone()
    assert rule == (5, 3, 3)


def test_eu_ai_pact_stances(con):
    df = db.query(con, "SELECT company_id, stance FROM stances WHERE instrument_id = 'eu-ai-pact'")
    signed = set(df.company_id[df.stance == "signed"])
    declined = set(df.company_id[df.stance == "declined"])
    assert signed == {"microsoft", "google", "openai", "amazon"}
    # Only the companies that said no; the ones merely absent from the launch list are "not on the list".
    assert declined == {"meta", "mistral-ai"}
    assert set(df.company_id[df.stance == "not_listed"]) == {"apple", "anthropic", "tiktok", "x-corp"}
    quote, by, file, row = con.execute(
        "SELECT quote, quote_by, source_file, source_row FROM stances "
        "WHERE company_id = 'meta' AND instrument_id = 'eu-ai-pact' AND stance = 'declined'"
    ).fetchone()
    assert "AI Pact" in quote
    assert by.startswith("Anna Kuprian")
    assert (file, row) == ("stances/main.csv", 6)


# --- the pointer, by the app's rules, in the app and in the build (probe 2e, 2h, 2i) ---------------------------


@pytest.mark.parametrize("case", list(tamper.BAD_POINTERS))
def test_app_refuses_a_bad_pointer_with_a_reason(case: str, data_dir: Path, no_atlas_db):
    mutate, reason = tamper.BAD_POINTERS[case]
    mutate(data_dir)
    with tamper.fifo_unblocker(data_dir) as watchdog:
        done, result = tamper.run_with_timeout(lambda: db.connect(db.resolve_release(data_dir)).close(), 20)
    assert done and not watchdog["fired"], "opening the release hung (a FIFO was opened)"
    assert isinstance(result, db.DatasetUnavailable), repr(result)
    assert reason in str(result)


@pytest.mark.parametrize("case", list(tamper.BAD_POINTERS))
def test_build_repairs_a_bad_pointer(case: str, data_dir: Path, no_atlas_db):
    """The build refuses what the app refuses (never "up to date" about a file outside data/), never hangs on a
    FIFO, and replaces the pointer with one the app serves."""
    mutate, reason = tamper.BAD_POINTERS[case]
    mutate(data_dir)
    with tamper.fifo_unblocker(data_dir, after=30) as watchdog:
        try:
            res = run_build(FIXTURE_SOURCES, data_dir, "--lock-timeout", "5")
        except subprocess.TimeoutExpired:
            pytest.fail("the build hung")
    assert not watchdog["fired"], "the build blocked on a FIFO"
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("published "), res.stdout
    assert "warning: the served release cannot be used: " in res.stderr and reason in res.stderr, res.stderr
    assert re.fullmatch(r"releases/atlas-2026-06-30-[0-9a-f]{12}(-\d+)?\.duckdb\n", pointer(data_dir)), pointer(
        data_dir
    )
    con = db.connect(db.resolve_release(data_dir))
    try:
        assert con.execute("SELECT count(*) FROM actions").fetchone()[0] == 63
    finally:
        con.close()
    if case == "directory-with-files":
        (aside,) = data_dir.glob("CURRENT.broken-*")
        assert (aside / "note.txt").read_text() == "left here\n"


# --- tamper-evident releases (probe 2j, 2k, 6b) ----------------------------------------------------------------


@pytest.mark.parametrize("case", list(tamper.TAMPERED))
def test_app_refuses_a_tampered_release(case: str, data_dir: Path, no_atlas_db):
    mutate, reason = tamper.TAMPERED[case]
    mutate(data_dir)
    with pytest.raises(db.DatasetUnavailable, match=re.escape(reason)):
        db.connect(db.resolve_release(data_dir))


@pytest.mark.parametrize("case", list(tamper.TAMPERED))
def test_verify_names_what_is_wrong(case: str, data_dir: Path):
    mutate, reason = tamper.TAMPERED[case]
    res = run_build(FIXTURE_SOURCES, data_dir, "--verify")
    assert res.returncode == 0 and res.stdout.startswith("verified: "), res.stderr
    mutate(data_dir)
    res = run_build(FIXTURE_SOURCES, data_dir, "--verify")
    assert res.returncode == 1, res.stdout
    assert res.stderr.startswith("verify failed: ") and reason in res.stderr, res.stderr
    assert "Traceback" not in res.stderr


def test_verify_refuses_a_bad_pointer(data_dir: Path):
    tamper.BAD_POINTERS["absolute-outside"][0](data_dir)
    res = run_build(FIXTURE_SOURCES, data_dir, "--verify")
    assert res.returncode == 1 and "absolute path" in res.stderr, res.stderr


@pytest.mark.parametrize("case", ["rows-changed", "digest-inside-rewritten", "as-of-2099"])
def test_build_does_not_call_a_tampered_release_up_to_date(case: str, data_dir: Path, no_atlas_db):
    """6b: the sources are unchanged, but the served release differs from its record: the build says so and
    publishes a release rebuilt from the sources instead of answering "up to date"."""
    mutate, reason = tamper.TAMPERED[case]
    tampered = data_dir / pointer(data_dir).strip()
    mutate(data_dir)
    res = run_build(FIXTURE_SOURCES, data_dir)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("published "), res.stdout
    assert "warning: the served release cannot be used: " in res.stderr and reason in res.stderr, res.stderr
    assert data_dir / pointer(data_dir).strip() != tampered
    res = run_build(FIXTURE_SOURCES, data_dir, "--verify")
    assert res.returncode == 0, res.stderr
    res = run_build(FIXTURE_SOURCES, data_dir)
    assert res.stdout.startswith("up to date: "), res.stdout


def test_digest_covers_every_table_generically(published, tmp_path: Path):
    """A table added to the file (as the schema grows) is in the digest without any list to update, and the order
    rows are stored in does not matter."""
    src = published[0] / pointer(published[0]).strip()
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    shutil.copyfile(src, a)
    shutil.copyfile(src, b)
    with duckdb.connect(str(a)) as con:
        base = integrity.compute(con)
        con.execute("CREATE TABLE extra_history (changed_on DATE, note VARCHAR)")
        con.execute("INSERT INTO extra_history VALUES (DATE '2026-01-01', 'x'), (DATE '2026-01-02', 'y')")
        grown = integrity.compute(con)
        con.execute("UPDATE extra_history SET note = 'z' WHERE note = 'y'")
        changed = integrity.compute(con)
    assert "extra_history" in grown.tables and grown.content != base.content
    assert changed.tables["extra_history"] != grown.tables["extra_history"]
    assert {t: d for t, d in changed.tables.items() if t != "extra_history"} == base.tables
    with duckdb.connect(str(b)) as con:
        con.execute("CREATE TABLE extra_history (changed_on DATE, note VARCHAR)")
        con.execute("INSERT INTO extra_history VALUES (DATE '2026-01-02', 'y'), (DATE '2026-01-01', 'x')")
        assert integrity.compute(con).tables["extra_history"] == grown.tables["extra_history"]


def test_release_is_checked_once_per_file(data_dir: Path, no_atlas_db, monkeypatch):
    calls = []
    real = integrity.compute
    monkeypatch.setattr(integrity, "compute", lambda *a: calls.append(1) or real(*a))
    rel = db.resolve_release(data_dir)
    for _ in range(3):
        db.connect(rel).close()
    assert len(calls) == 1
    os.utime(Path(rel.location))  # a touched (possibly rewritten) file is checked again
    db.connect(db.resolve_release(data_dir)).close()
    assert len(calls) == 2


def test_build_refuses_an_as_of_date_the_app_would_refuse(sources_copy: Path, tmp_path: Path):
    (sources_copy / "dataset.yml").write_text('version: "fixture-1"\nas_of: 2099-12-31\n', encoding="utf-8")
    res = run_build(sources_copy, tmp_path / "data")
    assert res.returncode == 1, res.stdout
    assert "error: dataset.yml: as_of: as-of date 2099-12-31 is after" in res.stderr, res.stderr
    assert not (tmp_path / "data" / "CURRENT").exists()


@pytest.mark.parametrize("case", ["crlf", "current-is-a-symlink", "release-is-a-symlink-inside"])
def test_pointer_forms_that_stay_served(case: str, data_dir: Path, no_atlas_db):
    """2f/2g held before and must still: CRLF, CURRENT as a symlink inside data/, a symlink to a release inside."""
    rel = pointer(data_dir).strip()
    ptr = data_dir / "CURRENT"
    if case == "crlf":
        ptr.write_bytes(rel.encode() + b"\r\n")
    elif case == "current-is-a-symlink":
        (data_dir / "POINTER.txt").write_text(rel + "\n")
        ptr.unlink()
        ptr.symlink_to("POINTER.txt")
    else:
        (data_dir / "releases" / "atlas-latest.duckdb").symlink_to(Path(rel).name)
        ptr.write_text("releases/atlas-latest.duckdb\n")
    db.connect(db.resolve_release(data_dir)).close()
    res = run_build(FIXTURE_SOURCES, data_dir, "--verify")
    assert res.returncode == 0, res.stderr
