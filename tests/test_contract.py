"""The one data contract (dashboard/contract) and everything derived from it or checked against it.

Each drift check is shown to fail once on purpose: a column added to the contract without a description, a
schema.sql that disagrees, a data/README.md dictionary that disagrees, a views.sql ranking that disagrees.
"""

from __future__ import annotations

import dataclasses
import re

import duckdb
import pytest

from dashboard import config, contract, db, sourcefiles, validate
from dashboard.contract import Column, drift

pytestmark = pytest.mark.app

ROOT = config.ROOT


def _with_column(monkeypatch, table: str, col: Column) -> None:
    t = contract.TABLES[table]
    monkeypatch.setitem(contract.TABLES, table, dataclasses.replace(t, columns=(*t.columns, col)))


# --- the committed files agree with the contract ------------------------------------------------------------------


def test_the_committed_files_agree_with_the_contract(capsys):
    """What CI runs (`python -m dashboard.contract --check`): exit 0 and say so."""
    assert drift.main(["--check"]) == 0
    assert "contract OK" in capsys.readouterr().out


def test_the_release_has_exactly_the_contracts_tables_and_columns():
    """The contract describes the file the build really writes (the committed release), column for column."""
    rel = ROOT / "data" / (ROOT / "data" / "CURRENT").read_text(encoding="utf-8").strip()
    with duckdb.connect(str(rel), read_only=True) as con:
        cols = con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index"
        ).fetchall()
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
    got: dict[str, list[str]] = {}
    for t, c in cols:
        if t not in views:
            got.setdefault(t, []).append(c)
    assert got == {t: [c.name for c in contract.TABLES[t].columns] for t in contract.RELEASE_TABLES}
    assert set(db.REQUIRED_TABLES) == set(contract.RELEASE_TABLES)


# --- one direction, one home: config and validate come from the contract -----------------------------------------


@pytest.mark.parametrize(
    ("const", "enum"),
    [
        ("ACTIONS", "action"),
        ("STANCES", "stance"),
        ("KINDS", "kind"),
        ("SCOPES", "scope"),
        ("STATUSES", "status"),
        ("SOURCE_KINDS", "source_kind"),
        ("COUNT_NOUNS", "count_noun"),
        ("DATE_PRECISIONS", "precision"),
        ("EVENT_KINDS", "event_kind"),
        ("BLOCS", "bloc"),
    ],
)
def test_config_enums_are_the_contracts(const, enum):
    assert getattr(config, const) is contract.ENUMS[enum].values


def test_config_subsets_and_labels_cover_the_contracts_enums():
    assert set(config.VOTE_ACTIONS) <= set(config.ACTIONS)
    assert set(config.CONSENT_ACTIONS) <= set(config.ACTIONS)
    assert set(config.ENDED_STATUSES) <= set(config.STATUSES)
    assert set(config.FIRST_HAND_KINDS) <= set(config.SOURCE_KINDS)
    assert set(config.SCHEDULABLE_EVENTS) <= set(config.EVENT_KINDS)
    assert set(config.ACTION_STATUS) == set(config.ACTIONS)
    assert set(config.ACTION_STATUS.values()) <= set(config.STATUS_ORDER)
    assert set(config.BLOC_LABELS) == set(config.BLOCS)
    assert set(config.KIND_LABELS) == set(config.KINDS)
    assert set(config.STANCE_LABELS) >= set(config.STANCES)
    assert set(config.LIFE_LABELS) >= set(config.STATUSES)


def test_validate_cell_rules_are_derived_from_the_contract():
    inst = validate.TABLES["instruments"]["columns"]
    assert list(inst) == [c.name for c in contract.TABLES["instruments"].source_columns]
    assert inst["instrument_id"] == "id" and inst["jurisdiction_id"] == "?ref:participants"
    assert inst["in_force_on"] == "?fdate" and inst["kind"] == "enum:kind" and inst["evidence_url"] == "?url"
    assert validate.TABLES["events"]["columns"]["event_date"] == "fdate"
    assert "action_id" not in validate.TABLES["actions"]["columns"]  # built, not a CSV column
    assert validate.TABLES["actions"]["key"] == ("instrument_id", "participant_id", "action", "action_date")
    assert validate.ORG_COLUMNS == {
        "participant_id": "org",
        "name": "text",
        "kind": "text",
        "region": "?text",
        "source_url": "url",
        "note": "?text",
    }
    assert validate.MAX_LEN == {"short_name": 40, "title": 120, "quote": 600, "note": 600}
    assert validate.ENUMS["count_noun"] == config.COUNT_NOUNS


def test_a_new_enum_value_is_a_one_line_change_the_validator_follows(monkeypatch):
    """The validator reads its enums from the contract: a value added there is accepted, a value not there is
    refused with the list of allowed ones (from the validator, with file and row, not from DuckDB's INSERT)."""
    src = validate.Sources()
    assert validate._check_value(src, "f.csv", 2, "noun", "enum:count_noun", "states parties", {}) is None
    assert str(src.problems[0]) == (
        "f.csv:2: noun: 'states parties' is not one of: signatories, endorsers, parties, "
        "members, sponsors, voting states, adherents"
    )
    monkeypatch.setitem(validate.ENUMS, "count_noun", (*config.COUNT_NOUNS, "states parties"))
    src = validate.Sources()
    assert validate._check_value(src, "f.csv", 2, "noun", "enum:count_noun", "states parties", {}) == "states parties"
    assert src.problems == []


# --- drift test 1: a column added to the contract without a description ------------------------------------------


def test_a_column_without_a_description_fails(monkeypatch):
    assert drift.contract_problems() == []
    _with_column(monkeypatch, "instruments", Column("website", "url"))
    assert drift.contract_problems() == [
        "instruments.website: no description (every public column is documented in data/README.md)"
    ]


def test_a_column_added_to_the_contract_only_fails_against_schema_and_readme(monkeypatch, capsys):
    _with_column(monkeypatch, "instruments", Column("website", "url", description="the instrument's own site"))
    assert "schema.sql: instruments.website is missing" in drift.schema_drift()
    assert drift.readme_drift() == [
        "data/README.md: the dictionary of instruments is not what the contract says; "
        "run python -m dashboard.contract --write"
    ]
    assert drift.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "drift: schema.sql: instruments.website is missing" in err
    assert "disagreement(s) with dashboard/contract" in err


def test_contract_problems_catch_a_bad_enum_ref_and_key(monkeypatch):
    _with_column(monkeypatch, "counts", Column("unit", "enum", enum="units", description="x"))
    _with_column(monkeypatch, "events", Column("by", "code", ref="dataset", description="x"))
    t = contract.TABLES["memberships"]
    monkeypatch.setitem(contract.TABLES, "memberships", dataclasses.replace(t, key=("participant_id", "blocs")))
    assert set(drift.contract_problems()) == {
        "counts.unit: unknown enum 'units'",
        "events.by: ref 'dataset' is not a table with a one-column key",
        "memberships: key column blocs is not a column",
    }


# --- drift test 2: schema.sql disagrees with the contract ---------------------------------------------------------

SCHEMA = contract.SCHEMA_SQL.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "'voted_no', 'abstained');",
            "'voted_no', 'abstained', 'observed');",
            "schema.sql: enum type action_t has ['signed', 'ratified', 'approved', 'accepted', 'acceded', 'endorsed', "
            "'joined', 'declined', 'withdrew', 'sponsored', 'voted_yes', 'voted_no', 'abstained', 'observed'], the contract "
            "['signed', 'ratified', 'approved', 'accepted', 'acceded', 'endorsed', 'joined', 'declined', 'withdrew', "
            "'sponsored', 'voted_yes', 'voted_no', 'abstained']",
        ),
        (
            "    issuer VARCHAR,\n",
            "    issuer VARCHAR NOT NULL,\n",
            "schema.sql: instruments.issuer is NOT NULL, the contract says optional",
        ),
        (
            "    quote_by VARCHAR,\n",
            "    quote_by VARCHAR,\n    quote_lang VARCHAR,\n",
            "schema.sql: stances.quote_lang is not in the contract",
        ),
        (
            "title VARCHAR NOT NULL CHECK (length(title) <= 120)",
            "title VARCHAR NOT NULL CHECK (length(title) <= 200)",
            "schema.sql: events.title is limited to [200] characters, the contract says 120",
        ),
        (
            "hq_country VARCHAR REFERENCES participants (participant_id)",
            "hq_country VARCHAR",
            "schema.sql: companies.hq_country references nothing, the contract says ('participants', ('participant_id',))",
        ),
        (
            "    reported_count INTEGER NOT NULL",
            "    reported_count DOUBLE NOT NULL",
            "schema.sql: counts.reported_count is DOUBLE, the contract says INTEGER",
        ),
        (
            "eif_parties_required IS NULL OR eif_parties_required > 0",
            "eif_parties_required IS NULL OR eif_parties_required >= 0",
            "schema.sql: instruments.eif_parties_required must be at least [0], the contract says 1",
        ),
        (
            "'unverified', 'new_source')",
            "'unverified')",
            "schema.sql: changelog.change should CHECK (change IN …) the values ['added', 'removed', 'changed', 'verified', "
            "'unverified', 'new_source']",
        ),
    ],
)
def test_schema_sql_that_disagrees_fails(old, new, message):
    assert drift.schema_drift(SCHEMA) == []
    assert SCHEMA.count(old) == 1
    assert message in drift.schema_drift(SCHEMA.replace(old, new))


def test_a_rule_schema_sql_enforces_is_refused_by_the_validator_first(sources_copy):
    """eif_parties_required must be at least 1 (schema.sql's CHECK ... > 0). The validator used to let 0 through and
    the build then stopped with a DuckDB ConstraintException traceback; now the contract's `min` gives one
    file:row message and nothing reaches DuckDB."""
    path = sources_copy / "instruments" / "main.csv"
    text = path.read_text(encoding="utf-8")
    row = text.split("\n")[1]
    assert row.startswith("cets-225,") and ",not_in_force,,5,3,3," in row
    path.write_text(text.replace(",not_in_force,,5,3,3,", ",not_in_force,,0,0,3,", 1), encoding="utf-8")
    problems = [str(p) for p in validate.load_sources(sources_copy).problems]
    assert problems == ["instruments/main.csv:2: eif_parties_required: 0 is too small: at least 1 allowed"]


# --- drift test 3: data/README.md disagrees with the contract -----------------------------------------------------

README = contract.README.read_text(encoding="utf-8")


def test_every_table_and_public_column_is_in_the_dictionary():
    for name, t in contract.TABLES.items():
        block = re.search(rf"\(contract:{name} .*?\n(.*?)\[//\]: # \(/contract\)", README, re.DOTALL).group(1)
        assert [r.split(" | ")[0].strip("| ") for r in block.splitlines() if r.startswith("| ")][1:] == [
            c.name for c in t.columns
        ]


def test_an_edited_dictionary_fails_and_write_repairs_it(tmp_path, monkeypatch):
    edited = README.replace("| label for charts |", "| label for charts, short |")
    assert edited != README
    assert drift.readme_drift(edited) == [
        "data/README.md: the dictionary of instruments is not what the contract "
        "says; run python -m dashboard.contract --write"
    ]
    assert drift.render_readme(edited) == README
    f = tmp_path / "README.md"
    f.write_text(edited, encoding="utf-8")
    monkeypatch.setattr(drift, "README", f)
    assert drift.main(["--write"]) == 0
    assert f.read_text(encoding="utf-8") == README


def test_a_missing_dictionary_fails():
    start = README.index("[//]: # (contract:counts ")
    end = README.index("[//]: # (/contract)", start) + len("[//]: # (/contract)")
    assert drift.readme_drift(README[:start] + README[end:]) == [
        f"data/README.md: no generated dictionary for counts ({drift._open_marker('counts')} … [//]: # (/contract))"
    ]


def test_the_markers_are_markdown_that_renders_as_nothing():
    """The Data page renders this file with st.markdown (no HTML): an HTML comment would show as text there, a
    link reference definition `[//]: # (…)` shows nothing."""
    assert "<!--" not in README
    for line in README.splitlines():
        if "contract" in line and line.startswith("[//]"):
            assert re.fullmatch(r"\[//\]: # \([^()]*\)", line)


def test_the_files_the_dictionary_names_exist():
    src = ROOT / "data" / "sources"
    table = README[README.index("| directory / file |") : README.index("States come from a library")]
    named = re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE)
    assert len(named) >= 9
    for p in named:
        assert list(src.glob(p)), f"data/README.md names {p}, which is not in data/sources/"
    listed = {p.split("/")[0] for p in named}
    assert {p.name for p in src.iterdir()} == listed, "every entry of data/sources/ is in the table of source files"
    for p in re.findall(r"`((?:data|tests|static|dashboard)/[^`<>*]+)`", README):
        assert (ROOT / p).exists(), f"data/README.md names {p}, which does not exist"


# --- drift test 4: views.sql's same-day ranking -------------------------------------------------------------------


def test_views_sql_ranking_is_the_contracts():
    views = contract.VIEWS_SQL.read_text(encoding="utf-8")
    assert drift.views_drift(views) == []
    assert set(contract.SAME_DAY_RANK) - {"withdrew", "signed", "endorsed", "joined"} == set(config.CONSENT_ACTIONS)
    drifted = views.replace("WHEN 'joined' THEN 3", "WHEN 'joined' THEN 3 WHEN 'sponsored' THEN 3")
    assert drift.views_drift(drifted) == [
        f"views.sql: status_as_of ranks actions {dict(contract.SAME_DAY_RANK, sponsored=3)}, the contract "
        f"{contract.SAME_DAY_RANK}"
    ]


def test_provenance_fields_are_source_files_columns():
    """A provenance entry's fields (sourcefiles.PROVENANCE_FIELDS) land in source_files under the same names."""
    cols = {c.name: c for c in contract.TABLES["source_files"].columns}
    for name, kind in sourcefiles.PROVENANCE_FIELDS.items():
        assert name in cols and cols[name].type == kind
