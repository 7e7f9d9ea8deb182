"""The app's DuckDB connection is read-only and locked, and a broken release gives a maintenance notice.

`dashboard.db.connect(dashboard.db.resolve_release())` (with ATLAS_DB = the fixture release) must refuse every write,
every file or network access, every extension and every configuration change, while the page queries in
dashboard/queries.py keep working on the same release, and the release file stays byte-identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
from datetime import date

import duckdb
import pytest

from dashboard import db, facts, queries
from tests.apptest_utils import PAGE_FILES, run_page

pytestmark = pytest.mark.app

AS_OF = date(2026, 6, 30)


def _attacks(tmp) -> list[str]:
    """Statements a visitor must never be able to run through the app's connection (each must raise)."""
    return [
        # writes to the release
        "INSERT INTO actions SELECT * FROM actions LIMIT 1",
        "INSERT INTO dataset (version) VALUES ('evil')",
        "UPDATE dataset SET version = 'evil'",
        "DELETE FROM stances",
        "DROP TABLE companies",
        "ALTER TABLE participants ADD COLUMN evil INT",
        "CREATE TABLE x(i INT)",
        "CREATE VIEW v AS SELECT 1",
        "CREATE SCHEMA evil",
        # file system, in and out
        f"COPY actions TO '{tmp}/x.csv'",
        "COPY actions TO '/tmp/x.csv'",
        f"COPY actions FROM '{tmp}/in.csv'",
        f"EXPORT DATABASE '{tmp}/export'",
        "SELECT * FROM read_csv('/etc/hosts')",
        "SELECT * FROM read_csv_auto('/etc/hosts')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "SELECT * FROM read_parquet('/etc/hosts')",
        "SELECT * FROM read_json('/etc/hosts')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM '/etc/hosts'",
        # other databases
        f"ATTACH '{tmp}/other.duckdb' AS o",
        "ATTACH '/tmp/other.duckdb' AS o",
        "ATTACH ':memory:' AS m",
        # extensions (network, arbitrary code)
        "INSTALL httpfs",
        "FORCE INSTALL httpfs",
        "LOAD httpfs",
        f"LOAD '{tmp}/evil.duckdb_extension'",
        "SELECT * FROM read_csv('https://example.com/x.csv')",
        "CREATE SECRET s (TYPE s3, KEY_ID 'a', SECRET 'b')",
        # configuration: locked
        "SET enable_external_access = true",
        "SET GLOBAL enable_external_access = true",
        "RESET enable_external_access",
        "SET lock_configuration = false",
        "RESET lock_configuration",
        "SET allowed_directories = ['/']",
        "SET autoinstall_known_extensions = true",
        "SET autoload_known_extensions = true",
        "SET custom_extension_repository = 'http://127.0.0.1:1/'",
        f"SET temp_directory = '{tmp}/spill'",
        "SET memory_limit = '100GB'",
        "SET threads = 64",
        # PRAGMA forms of writes / settings
        "PRAGMA enable_profiling",
        f"PRAGMA profiling_output = '{tmp}/profile.json'",
        "PRAGMA threads = 64",
        "PRAGMA memory_limit = '100GB'",
        "PRAGMA force_checkpoint",
        "PRAGMA enable_checkpoint_on_shutdown",
    ]


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def private_release(fixture_release, tmp_path, monkeypatch):
    """A byte-identical copy of the fixture release, served via ATLAS_DB.

    A copy because DuckDB keeps one database instance per path and process: once the pages (AppTest) have the
    fixture release open through the cached connection, a second db.connect() on the same path gets that locked
    instance back and fails (see test_touching_the_release_does_not_take_the_app_down)."""
    copy = tmp_path / "release" / fixture_release.name
    copy.parent.mkdir()
    shutil.copy2(fixture_release, copy)
    assert copy.read_bytes() == fixture_release.read_bytes()
    monkeypatch.setenv("ATLAS_DB", str(copy))
    return copy


@pytest.fixture
def release(private_release):
    rel = db.resolve_release()
    assert rel.kind == "file" and rel.location == str(private_release)
    return rel


def _assert_all_refused(con, tmp, where: str) -> list[str]:
    accepted = []
    for sql in _attacks(tmp):
        try:
            con.execute(sql).fetchall()
        except duckdb.Error:
            continue
        accepted.append(sql)
    assert not accepted, f"{where}: accepted {accepted}"
    return accepted


def test_connection_refuses_writes_files_attach_extensions_and_settings(release, private_release, tmp_path):
    fixture_db = private_release
    before = _sha256(fixture_db)
    (tmp_path / "in.csv").write_text("x\n1\n")
    con = db.connect(release)
    try:
        _assert_all_refused(con, tmp_path, "connection")
        # Page queries run on per-call cursors: the lock must hold there too.
        cur = con.cursor()
        try:
            _assert_all_refused(cur, tmp_path, "cursor")
        finally:
            cur.close()
        settings = dict(
            con.execute(
                "SELECT name, value FROM duckdb_settings() WHERE name IN "
                "('enable_external_access', 'lock_configuration', 'access_mode', "
                "'autoinstall_known_extensions', 'autoload_known_extensions')"
            ).fetchall()
        )
        assert settings["enable_external_access"] == "false"
        assert settings["lock_configuration"] == "true"
        assert settings["access_mode"] == "read_only"
        assert settings["autoinstall_known_extensions"] == "false"
        assert settings["autoload_known_extensions"] == "false"
        # Reading still works.
        assert con.execute("SELECT count(*) FROM actions").fetchone()[0] > 0
    finally:
        con.close()
    assert not any(tmp_path.glob("x.csv")) and not (tmp_path / "export").exists() and not (tmp_path / "spill").exists()
    assert not (tmp_path / "other.duckdb").exists() and not (tmp_path / "profile.json").exists()
    assert _sha256(fixture_db) == before, "the release file changed"


def _page_queries(rel):
    info = queries.dataset_info(rel)
    assert info["as_of"] == AS_OF and info["version"] == "fixture-1"
    st_ = facts.statuses(rel, "cets-225", info["as_of"])
    assert (st_.set_index("participant_id").loc["EU", "status"]) == "party"
    assert (st_.set_index("participant_id").loc["NOR", "status"]) == "signed"
    prog = facts.eif_progress(rel, "cets-225", info["as_of"])
    assert (prog.parties, prog.rule.parties_required) == (1, 5)
    early = facts.eif_progress(rel, "cets-225", date(2025, 1, 1))
    assert early.parties == 0
    what_if = facts.eif_progress(rel, "cets-225", info["as_of"], ("NOR",))
    assert what_if.parties == 2 and what_if.coe_parties == 1
    return info


def test_page_queries_work_on_the_locked_connection(fixture_db, tmp_path):
    """The queries the pages make, on the app's own cached connection, before and after attack attempts on it."""
    before = _sha256(fixture_db)
    rel = queries.current_release()
    _page_queries(rel)
    con = queries._connection(rel.key, rel.location, rel.kind)  # the shared connection the pages use
    _assert_all_refused(con, tmp_path, "shared connection")
    # Temporary objects are allowed by DuckDB even read-only, but they live in the connection's own temp catalog:
    # a temp view shadowing `actions` on the shared connection must not change what the per-call cursors read.
    con.execute("CREATE TEMP VIEW actions AS SELECT 1 AS evil")
    try:
        facts.statuses.clear()
        queries.actions_as_of.clear()
        queries.actions_history.clear()
        _page_queries(rel)
    finally:
        con.execute("DROP VIEW temp.main.actions")
    # VACUUM / CHECKPOINT are accepted on a read-only database as no-ops; they must not touch the file.
    for sql in ("CHECKPOINT", "FORCE CHECKPOINT", "VACUUM"):
        with contextlib.suppress(duckdb.Error):
            con.execute(sql)
    _page_queries(rel)
    assert _sha256(fixture_db) == before, "the release file changed"


# --- a broken release: maintenance notice, never a traceback --------------------------------------------------------


def _garbage(tmp_path):
    g = tmp_path / "garbage.duckdb"
    g.write_bytes(b"DUCK" + os.urandom(6000))
    return g


def _truncated(tmp_path, fixture_release):
    t = tmp_path / "truncated.duckdb"
    t.write_bytes(fixture_release.read_bytes()[:9000])
    return t


# The notice is ui.page()'s, shown before any page code runs: every kind of broken release on one page, and one kind
# on every page, prove it (not every kind on every page).
BROKEN_KINDS = ["garbage", "missing", "directory", "truncated", "not-duckdb"]
KINDS_PAGE = "pages/1_World_map.py"
BROKEN_CASES = [*((k, KINDS_PAGE) for k in BROKEN_KINDS), *(("garbage", p) for p in PAGE_FILES if p != KINDS_PAGE)]


@pytest.mark.parametrize(("kind", "page"), BROKEN_CASES)
def test_broken_release_shows_maintenance_notice(fixture_release, tmp_path, monkeypatch, kind, page):
    target = {
        "garbage": lambda: _garbage(tmp_path),
        "missing": lambda: tmp_path / "missing.duckdb",
        "directory": lambda: tmp_path,
        "truncated": lambda: _truncated(tmp_path, fixture_release),
        "not-duckdb": lambda: "/etc/hosts",
    }[kind]()
    monkeypatch.setenv("ATLAS_DB", str(target))
    at = run_page(page, {"as_of": "2025-01-01"})
    assert not at.exception, [e.value for e in at.exception]
    warnings = [str(w.value) for w in at.warning]
    assert any("maintenance" in w for w in warnings), warnings
    shown = "\n".join([*warnings, *(str(c.value) for c in at.caption), *(str(m.value) for m in at.markdown)])
    assert "Traceback" not in shown and 'File "' not in shown
    assert not at.selectbox and not at.metric  # the page stopped before drawing anything from the data


def test_maintenance_notice_does_not_disclose_server_paths(tmp_path, monkeypatch):
    g = _garbage(tmp_path)
    monkeypatch.setenv("ATLAS_DB", str(g))
    at = run_page("streamlit_app.py")
    assert not at.exception
    shown = "\n".join(str(e.value) for coll in (at.warning, at.caption, at.markdown) for e in coll)
    unescaped = re.sub(r"\\(.)", r"\1", shown)
    assert str(tmp_path) not in unescaped


def test_touching_the_release_does_not_take_the_app_down(private_release):
    at = run_page("streamlit_app.py")
    assert not at.exception and not at.warning
    time.sleep(0.01)
    os.utime(private_release, None)  # e.g. `touch`, rsync of identical bytes, a backup tool restoring mtimes
    at = run_page("streamlit_app.py")
    assert not at.exception
    assert not any("maintenance" in str(w.value) for w in at.warning), [c.value for c in at.caption]
