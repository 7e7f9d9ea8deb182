"""Checks of the committed release (data/CURRENT) against its sources and against known facts."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import duckdb
import pandas as pd
import pytest
import yaml

from dashboard import config, db, integrity
from dashboard.build import build, read_pointer
from dashboard.participants import _coco_table
from dashboard.validate import load_sources

pytestmark = pytest.mark.app

EXPECTED = yaml.safe_load((config.ROOT / "tests" / "expected_facts.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def con():
    path = read_pointer(config.ROOT / "data")
    assert path is not None and path.exists(), "data/CURRENT must name a committed release"
    # The app's own read-only connection (one DuckDB instance per file and configuration in a process: the page
    # tests may have opened this file through dashboard.db already).
    c = db.connect(db.Release(str(path), "file", "test_release"))
    yield c


def test_committed_release_is_not_stale(con):
    src = load_sources(config.ROOT / "data" / "sources")
    assert not src.problems, "\n".join(map(str, src.problems))
    digest = con.execute("SELECT source_digest FROM dataset").fetchone()[0]
    assert digest == src.digest, "data/sources changed since the release was built: run `make data` and commit"


def test_as_of_and_version(con):
    as_of, version, schema = con.execute("SELECT as_of, version, schema_version FROM dataset").fetchone()
    assert as_of == EXPECTED["as_of"] and version and schema == config.SCHEMA_VERSION


def test_coverage_targets(con):
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    cov = EXPECTED["coverage"]
    assert q("SELECT count(*) FROM instruments") >= cov["instruments_min"]
    year = "year(coalesce(adopted_on, opened_on, in_force_on, ended_on))"
    assert q(f"SELECT count(*) FROM instruments WHERE {year} = 2025") >= cov["dated_2025_min"]
    assert q(f"SELECT count(*) FROM instruments WHERE {year} = 2026") >= cov["dated_2026_min"]
    assert q("SELECT count(DISTINCT company_id) FROM stances") >= cov["companies_with_stance_min"]
    assert q("SELECT count(*) FROM participants WHERE kind = 'state'") == 193
    assert q("SELECT count(*) FROM participants WHERE kind = 'observer_state'") == 2
    assert q("SELECT kind FROM participants WHERE participant_id = 'EU'") == "organisation"
    assert q("SELECT count(*) FROM events") >= cov["events_min"]


def test_first_hand_sources_and_no_copy_sites(con):
    kinds = dict(
        con.execute(
            "SELECT source_kind, rows FROM ("
            + (config.ROOT / "dashboard" / "queries" / "source_kinds.sql").read_text()
            + ")"
        ).fetchall()
    )
    first = sum(kinds.get(k, 0) for k in config.FIRST_HAND_KINDS)
    assert first / sum(kinds.values()) >= EXPECTED["coverage"]["first_hand_share_min"], kinds
    denied = pd.read_csv(config.ROOT / "data" / "sources" / "deny_domains.csv")["domain"].tolist()
    hosts = con.execute(
        "SELECT DISTINCT lower(regexp_extract(source_url, '^https?://([^/:?#]+)', 1)) FROM (SELECT source_url FROM "
        "actions UNION ALL SELECT source_url FROM stances UNION ALL SELECT source_url FROM events UNION ALL "
        "SELECT source_url FROM instruments UNION ALL SELECT source_url FROM counts UNION ALL SELECT source_url "
        "FROM companies UNION ALL SELECT source_url FROM memberships)"
    ).fetchall()
    cited = [h for (h,) in hosts if any(h == d or h.endswith("." + d) for d in denied)]
    assert cited == [], cited


def test_new_delhi_declaration_count_and_endorsers(con):
    nd = EXPECTED["new_delhi"]
    reported, noun, complete = con.execute(
        "SELECT reported_count, noun, list_complete FROM counts WHERE instrument_id = $i ORDER BY as_reported_on DESC "
        "LIMIT 1",
        {"i": nd["instrument"]},
    ).fetchone()
    assert (reported, noun, complete) == (nd["reported"], nd["noun"], nd["complete"])
    named = dict(
        con.execute(
            "SELECT participant_id, max(action_date) FROM actions WHERE instrument_id = $i "
            "AND action = 'endorsed' GROUP BY 1",
            {"i": nd["instrument"]},
        ).fetchall()
    )
    assert len(named) == nd["reported"] and set(nd["named_include"]) <= set(named)
    assert all(named[p] > date(2026, 2, 21) for p in nd["later_joiners"])


def test_recorded_votes_add_up(con):
    for iid, totals in EXPECTED["votes"].items():
        got = dict(
            con.execute(
                "SELECT action::VARCHAR, count(*) FROM actions WHERE instrument_id = $i GROUP BY 1", {"i": iid}
            ).fetchall()
        )
        assert got == totals, iid


def test_scheduled_eu_ai_act_dates_lie_ahead(con):
    exp = EXPECTED["eu_ai_act_scheduled"]
    rows = dict(
        con.execute(
            "SELECT event_date, title FROM events WHERE instrument_id = $i AND event_date > "
            "(SELECT as_of FROM dataset)",
            {"i": exp["instrument"]},
        ).fetchall()
    )
    for d, title in exp["scheduled"].items():
        assert rows[date.fromisoformat(d)] == title


def test_every_fact_row_has_a_source_and_a_date(con):
    for table, date_col in (("actions", "action_date"), ("stances", "stance_date"), ("events", "event_date")):
        bad = con.execute(
            f"SELECT count(*) FROM {table} WHERE source_url NOT SIMILAR TO 'https?://.+' OR {date_col} IS NULL"
        ).fetchone()[0]
        assert bad == 0, table


def test_cets_225_is_not_in_force_and_its_rule_is_data(con):
    exp = EXPECTED["cets_225"]
    row = con.execute(
        "SELECT status, in_force_on, eif_parties_required, eif_min_coe_members, eif_delay_months "
        "FROM instruments WHERE instrument_id = 'cets-225'"
    ).fetchone()
    assert row == ("not_in_force", None, *exp["rule"])
    opening = {
        r[0]
        for r in con.execute(
            "SELECT participant_id FROM actions WHERE instrument_id = 'cets-225' "
            "AND action = 'signed' AND action_date = DATE '2024-09-05'"
        ).fetchall()
    }
    assert opening == set(exp["opening_day"])
    consents = con.execute(
        "SELECT participant_id FROM actions WHERE instrument_id = 'cets-225' AND action IN "
        "('ratified', 'approved', 'accepted', 'acceded')"
    ).fetchall()
    assert [r[0] for r in consents] == exp["consents"]


def test_eu_ai_pact_signers_decliners_and_not_listed(con):
    stance = dict(
        con.execute("SELECT company_id, stance::VARCHAR FROM stances WHERE instrument_id = 'eu-ai-pact'").fetchall()
    )
    for kind, companies in EXPECTED["eu_ai_pact_stances"].items():
        assert {c: stance[c] for c in companies} == dict.fromkeys(companies, kind)
    # Absence from a list is not a refusal: nobody is "declined" only for being absent.
    assert {c for c, s in stance.items() if s == "declined"} == set(EXPECTED["eu_ai_pact_stances"]["declined"])


def test_x_withdrew_from_the_disinformation_code(con):
    d = con.execute(
        "SELECT stance_date FROM stances WHERE company_id = 'x-corp' AND instrument_id = 'eu-disinfo-code' "
        "AND stance = 'withdrew'"
    ).fetchone()[0]
    assert d == EXPECTED["x_withdrew_disinfo_code"]


def test_curated_blocs_agree_with_country_converter(con):
    """Our sourced membership lists against the maintained table bundled with country_converter."""
    coco = _coco_table()
    for bloc, col in (("coe", "CoE"), ("eu", "EU"), ("oecd", "OECD"), ("g7", "G7")):
        ours = {
            r[0]
            for r in con.execute(
                "SELECT participant_id FROM members_as_of($b, DATE '2026-12-01')", {"b": bloc}
            ).fetchall()
            if len(r[0]) == 3
        }
        theirs = set(coco.loc[coco[col].notna() & (coco[col].astype(str).str.strip() != ""), "ISO3"])
        if bloc == "eu":
            theirs = set(coco.loc[coco["EU27"].notna(), "ISO3"])
        assert ours == theirs, (bloc, sorted(ours ^ theirs))


def test_unverified_rows_are_explained(con):
    df = con.execute("SELECT * FROM actions WHERE NOT verified").df()
    assert len(df) > 0 and df["note"].fillna("").str.len().gt(0).all(), "an unverified row must say what is missing"


def test_committed_release_is_what_its_sources_build_to(tmp_path):
    """A pull request that changes only the binary release (and even its digest record) cannot pass: a release
    rebuilt here from data/sources must have the same content, table by table (the dataset row's build time and
    DuckDB version aside), and the same views and macros; and the committed file must pass the app's own checks
    (its digest inside and its record beside it), run as `python -m dashboard.build --verify`."""
    committed = read_pointer(config.ROOT / "data")
    fresh, _ = build(config.ROOT / "data" / "sources", tmp_path / "data", grace_minutes=0, feeds_dir=tmp_path / "f")
    # The committed file through the app's own connection (one DuckDB instance per file and configuration).
    a = db.connect(db.Release(str(committed), "file", "rebuild-check"))
    with duckdb.connect(str(fresh), read_only=True) as b:
        da, db_ = integrity.compute(a), integrity.compute(b)
        cols = "version, as_of, schema_version, source_digest"
        assert (
            a.execute(f"SELECT {cols} FROM dataset").fetchall() == b.execute(f"SELECT {cols} FROM dataset").fetchall()
        )
    # The changelog is history (what changed since the release before this one): a rebuild from nothing has none.
    differ = sorted(
        t
        for t in set(da.tables) | set(db_.tables)
        if t not in ("dataset", "changelog") and da.tables.get(t) != db_.tables.get(t)
    )
    assert not differ, f"the committed release differs from a rebuild of data/sources in: {differ}"
    assert da.objects == db_.objects, "the committed release's views or macros differ from a rebuild"
    res = subprocess.run(
        [sys.executable, "-m", "dashboard.build", "--verify"],
        cwd=config.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 0, res.stderr
