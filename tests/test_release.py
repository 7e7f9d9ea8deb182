"""Checks of the committed release (data/CURRENT) against its sources and against known facts."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import duckdb
import pandas as pd
import pytest

from dashboard import config, integrity
from dashboard.build import build, read_pointer
from dashboard.participants import _coco_table
from dashboard.validate import load_sources


@pytest.fixture(scope="module")
def con():
    path = read_pointer(config.ROOT / "data")
    assert path is not None and path.exists(), "data/CURRENT must name a committed release"
    c = duckdb.connect(str(path), read_only=True)
    yield c
    c.close()


def test_committed_release_is_not_stale(con):
    src = load_sources(config.ROOT / "data" / "sources")
    assert not src.problems, "\n".join(map(str, src.problems))
    digest = con.execute("SELECT source_digest FROM dataset").fetchone()[0]
    assert digest == src.digest, "data/sources changed since the release was built: run `make data` and commit"


def test_as_of_and_version(con):
    as_of, version, schema = con.execute("SELECT as_of, version, schema_version FROM dataset").fetchone()
    assert as_of == date(2026, 11, 23) and version and schema == config.SCHEMA_VERSION


def test_coverage_targets(con):
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) FROM instruments") >= 25
    assert q("SELECT count(DISTINCT company_id) FROM stances") >= 45
    assert q("SELECT count(*) FROM participants WHERE kind = 'state'") == 193
    assert q("SELECT count(*) FROM participants WHERE kind = 'observer_state'") == 2
    assert q("SELECT kind FROM participants WHERE participant_id = 'EU'") == "organisation"
    assert q("SELECT count(*) FROM events") >= 50


def test_every_fact_row_has_a_source_and_a_date(con):
    for table, date_col in (("actions", "action_date"), ("stances", "stance_date"), ("events", "event_date")):
        bad = con.execute(f"SELECT count(*) FROM {table} WHERE source_url NOT SIMILAR TO 'https?://.+' "  # noqa: S608
                          f"OR {date_col} IS NULL").fetchone()[0]
        assert bad == 0, table


def test_cets_225_is_not_in_force_and_its_rule_is_data(con):
    row = con.execute("SELECT status, in_force_on, eif_parties_required, eif_min_coe_members, eif_delay_months "
                      "FROM instruments WHERE instrument_id = 'cets-225'").fetchone()
    assert row == ("not_in_force", None, 5, 3, 3)
    opening = {r[0] for r in con.execute("SELECT participant_id FROM actions WHERE instrument_id = 'cets-225' "
                                         "AND action = 'signed' AND action_date = DATE '2024-09-05'").fetchall()}
    assert opening == {"AND", "GEO", "ISL", "NOR", "MDA", "SMR", "GBR", "ISR", "USA", "EU"}
    # The circulating claim of entry into force on 1 Nov 2025 with UK/France/Norway ratifications is false.
    consents = con.execute("SELECT participant_id FROM actions WHERE instrument_id = 'cets-225' AND action IN "
                           "('ratified', 'approved', 'accepted', 'acceded')").fetchall()
    assert [r[0] for r in consents] == ["EU"]


def test_eu_ai_pact_signers_and_decliners(con):
    rows = con.execute("SELECT company_id, stance FROM stances WHERE instrument_id = 'eu-ai-pact'").fetchall()
    stance = dict(rows)
    assert {stance[c] for c in ("microsoft", "google", "amazon", "openai")} == {"signed"}
    assert {stance[c] for c in ("meta", "apple", "mistral-ai", "anthropic")} == {"declined"}


def test_x_withdrew_from_the_disinformation_code(con):
    d = con.execute("SELECT stance_date FROM stances WHERE company_id = 'x-corp' AND instrument_id = 'eu-disinfo-code' "
                    "AND stance = 'withdrew'").fetchone()[0]
    assert d == date(2023, 5, 26)


def test_curated_blocs_agree_with_country_converter(con):
    """Our sourced membership lists against the maintained table bundled with country_converter."""
    coco = _coco_table()
    for bloc, col in (("coe", "CoE"), ("eu", "EU"), ("oecd", "OECD"), ("g7", "G7")):
        ours = {r[0] for r in con.execute("SELECT participant_id FROM members_as_of($b, DATE '2026-11-23')",
                                          {"b": bloc}).fetchall() if len(r[0]) == 3}
        theirs = set(coco.loc[coco[col].notna() & (coco[col].astype(str).str.strip() != ""), "ISO3"])
        if bloc == "eu":
            theirs = set(coco.loc[coco["EU27"].notna(), "ISO3"])
        assert ours == theirs, (bloc, sorted(ours ^ theirs))


def test_unverified_rows_are_explained(con):
    df = con.execute("SELECT * FROM actions WHERE NOT verified").df()
    assert len(df) > 0 and df["note"].fillna("").str.len().gt(0).all(), "an unverified row must say what is missing"
    assert isinstance(df, pd.DataFrame)


def test_committed_release_is_what_its_sources_build_to(tmp_path):
    """A pull request that changes only the binary release (and even its digest record) cannot pass: a release
    rebuilt here from data/sources must have the same content, table by table (the dataset row's build time and
    DuckDB version aside), and the same views and macros; and the committed file must pass the app's own checks
    (its digest inside and its record beside it), run as `python -m dashboard.build --verify`."""
    committed = read_pointer(config.ROOT / "data")
    fresh, _ = build(config.ROOT / "data" / "sources", tmp_path / "data", grace_minutes=0)
    with duckdb.connect(str(committed), read_only=True) as a, duckdb.connect(str(fresh), read_only=True) as b:
        da, db_ = integrity.compute(a), integrity.compute(b)
        cols = "version, as_of, schema_version, source_digest"
        assert a.execute(f"SELECT {cols} FROM dataset").fetchall() == \
            b.execute(f"SELECT {cols} FROM dataset").fetchall()  # noqa: S608
    differ = sorted(t for t in set(da.tables) | set(db_.tables) if t != "dataset"
                    and da.tables.get(t) != db_.tables.get(t))
    assert not differ, f"the committed release differs from a rebuild of data/sources in: {differ}"
    assert da.objects == db_.objects, "the committed release's views or macros differ from a rebuild"
    res = subprocess.run([sys.executable, "-m", "dashboard.build", "--verify"], cwd=config.ROOT,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
